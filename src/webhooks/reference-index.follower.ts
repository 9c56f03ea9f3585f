import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../ledger/event-store.port';
import { parseStreamName, VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';
import { onAbort, type Worker, type WorkerContext, WorkerSupervisor } from '../platform/workers';
import { CLOCK, type Clock } from '../shared/clock';
import { ReferenceIndexRepository, type SessionReference } from './reference-index.repository';

const FILTER = { streamPrefixes: [VERIFICATION_STREAM_PREFIX] };
/**
 * Events skipped without a write before the checkpoint is moved anyway, and the longest time it lags behind:
 * re-reading skipped events after a restart is harmless, a write per event of the log is not.
 */
const CHECKPOINT_EVERY = 500;
const CHECKPOINT_LAG_MS = 5000;
/** How far past the index a webhook looks in the log itself before parking (the index may be a moment behind). */
const SCAN_PAGES = 10;
const SCAN_PAGE_SIZE = 500;

export interface IndexListener {
  /** A reference was indexed: parked deliveries naming it can be replayed. */
  referenceIndexed(reference: SessionReference): Promise<void>;
  /** A session started: parked deliveries whose pass-through id names it can be replayed. */
  sessionStarted(sessionId: string): Promise<void>;
}

/**
 * The vendor reference an event ties to its session: the capture of an `EvidenceSubmitted`, or the vendor object
 * of a `VendorSessionOpened` (the applicant, session or inquiry the server opened); undefined for any other event.
 */
export function referenceOf(event: RecordedEvent): SessionReference | undefined {
  if (event.type !== 'EvidenceSubmitted' && event.type !== 'VendorSessionOpened') return undefined;
  const stream = parseStreamName(event.stream);
  const { vendor, vendorReference } = event.data;
  if (stream?.kind !== 'verification' || typeof vendor !== 'string' || typeof vendorReference !== 'string') {
    return undefined;
  }
  return { vendor, vendorReference, sessionId: stream.id, position: event.position };
}

/**
 * Keeps the vendor-reference index: follows the global log (verification streams) from its stored checkpoint
 * and records each `EvidenceSubmitted` reference with the checkpoint in the same transaction. A small read model
 * of its own; it can move onto the projection runner once that exists.
 */
@Injectable()
export class ReferenceIndexFollower implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookReferenceIndex');
  private worker: Worker | undefined;
  private listener: IndexListener | undefined;
  /** Last global position handled (indexed or skipped). */
  private handled = 0;
  private caughtUp = false;
  /** Skipped events since the checkpoint was last written, and when that was. */
  private unsaved = 0;
  private savedAt = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly references: ReferenceIndexRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly workers: WorkerSupervisor,
  ) {}

  listen(listener: IndexListener): void {
    this.listener = listener;
  }

  status(): { position: number; caughtUp: boolean; failing: boolean } {
    return {
      position: this.handled,
      caughtUp: this.caughtUp,
      failing: this.worker?.state === 'failing',
    };
  }

  onApplicationBootstrap(): void {
    // The webhooks health check reports this worker's state (status()); a failure is retried after a backoff.
    this.worker = this.workers.start({
      name: 'webhook-reference-index',
      role: 'projections',
      backoff: { initialMs: 1000, maxMs: 10_000 },
      run: (context) => this.follow(context),
      health: false,
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
    if (this.unsaved > 0) await this.save().catch(() => undefined);
  }

  /**
   * The session a reference belongs to, looking past the index into the part of the log it has not handled
   * yet, so that a webhook racing the evidence it refers to still finds it.
   */
  async recentSessionFor(vendor: string, vendorReference: string): Promise<string | undefined> {
    const wanted = vendor.trim().toLowerCase();
    let after = this.handled;
    for (let page = 0; page < SCAN_PAGES; page += 1) {
      const events = await this.store.readAll({ after, maxCount: SCAN_PAGE_SIZE, filter: FILTER });
      for (const event of events) {
        const ref = referenceOf(event);
        if (ref?.vendorReference === vendorReference && ref.vendor.trim().toLowerCase() === wanted) {
          return ref.sessionId;
        }
      }
      const last = events.at(-1);
      if (last === undefined || events.length < SCAN_PAGE_SIZE) return undefined;
      after = last.position;
    }
    return undefined;
  }

  private async follow(context: WorkerContext): Promise<void> {
    this.handled = Math.max(this.handled, await this.references.checkpoint());
    const subscription = this.store.subscribeAll({ after: this.handled, filter: FILTER });
    const forget = onAbort(context.signal, () => subscription.close());
    try {
      for await (const message of subscription) {
        if (context.signal.aborted) break;
        context.succeeded();
        if (message.kind === 'caught_up') {
          this.caughtUp = true;
          if (this.unsaved > 0) await this.save();
          continue;
        }
        const { event } = message;
        const reference = referenceOf(event);
        if (reference !== undefined) {
          await this.references.record([reference], event.position, this.clock.now());
          this.handled = event.position;
          this.unsaved = 0;
          this.savedAt = this.clock.now().getTime();
          await this.notify(() => this.listener?.referenceIndexed(reference));
          continue;
        }
        this.handled = event.position;
        this.unsaved += 1;
        if (
          this.unsaved >= CHECKPOINT_EVERY ||
          (this.caughtUp && this.clock.now().getTime() - this.savedAt >= CHECKPOINT_LAG_MS)
        ) {
          await this.save();
        }
        const stream = parseStreamName(event.stream);
        if (event.type === 'VerificationInitiated' && stream?.kind === 'verification') {
          await this.notify(() => this.listener?.sessionStarted(stream.id));
        }
      }
    } finally {
      forget();
      await subscription.close();
    }
  }

  private async save(): Promise<void> {
    await this.references.record([], this.handled, this.clock.now());
    this.unsaved = 0;
    this.savedAt = this.clock.now().getTime();
  }

  /** Replays are best effort here: a failure leaves the delivery parked and must not stop the index. */
  private async notify(call: () => Promise<void> | undefined): Promise<void> {
    try {
      await call();
    } catch (error) {
      const name = error instanceof Error ? error.constructor.name : typeof error;
      this.logger.warn(`replaying parked webhook deliveries failed (${name}); they stay parked`);
    }
  }
}
