import type {
  EventStore,
  RecordedEvent,
  Subscription,
  SubscriptionMessage,
} from '../../ledger/event-store.port';
import { toLedgerEvent } from '../../ledger/ledger';
import { parseStreamName } from '../../ledger/stream-names';
import { CheckpointMovedError, LeaseLostError } from '../projection.errors';
import { type BatchItem, type BatchOutcome, batchProgram, type ParkedEvent } from './batch';
import { EventData } from './event-data';
import type { LeaseHandle, Leases } from './lease';
import type { EntityClass, Projection } from './projection';
import type { ProjectionMetrics } from './projection-metrics';
import type { ProjectionProgress } from './projection-progress';
import type { ProjectionStore } from './projection-store';
import type { TableInfo } from './table-info';
import { describeWriteError, isDataError } from './write-errors';

export type RunnerState = 'idle' | 'standby' | 'active' | 'failing' | 'stopped';

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RunnerOptions {
  /** Events per transaction at most (catch-up fills batches; live batches hold what has arrived). */
  readonly batchSize?: number;
  /** How often a standby instance tries to take the lease. */
  readonly leaseRetryMs?: number;
  /** Back-off after a failed batch: doubles from `initial` up to `max`. */
  readonly backoffMs?: { readonly initial: number; readonly max: number };
}

export interface RunnerDeps {
  readonly store: EventStore;
  readonly db: ProjectionStore;
  readonly projection: Projection;
  readonly leases: Leases;
  readonly now: () => Date;
  readonly progress?: ProjectionProgress;
  readonly metrics?: ProjectionMetrics;
  readonly logger?: RunnerLogger;
  readonly options?: RunnerOptions;
  /** A rebuild writes to its own checkpoint and shadow tables; by default the projection's own. */
  readonly target?: { readonly checkpoint: string; readonly tables: ReadonlyMap<EntityClass, TableInfo> };
}

const IDLE = Symbol('idle');
/** Events per page (and batch) while catching up, before the live subscription takes over. */
const CATCH_UP_PAGE = 2000;
const silent: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs one projection: holds its lease, follows the global log from the stored checkpoint and commits each batch
 * of events together with the new checkpoint (compare-and-set) in one transaction. A crash at any point leaves
 * either the whole batch and its checkpoint or neither; the next run continues from the checkpoint, so every
 * event is applied exactly once. Events that cannot be applied are parked, and the projection goes on.
 */
export class ProjectionRunner {
  readonly name: string;
  private readonly checkpointName: string;
  private readonly tables: ReadonlyMap<EntityClass, TableInfo>;
  private readonly logger: RunnerLogger;
  private readonly batchSize: number;
  private readonly leaseRetryMs: number;
  private readonly backoff: { readonly initial: number; readonly max: number };

  private currentState: RunnerState = 'idle';
  private position = 0;
  private generation = 0;
  private lease: LeaseHandle | undefined;
  private subscription: Subscription | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wakeSleep: (() => void) | undefined;
  private failures = 0;
  private failingSinceMs: number | undefined;
  private lastFailure: string | undefined;
  private caughtUpOnce = false;
  private appliedTotal = 0;
  private parkedTotal = 0;

  constructor(private readonly deps: RunnerDeps) {
    this.name = deps.projection.name;
    this.checkpointName = deps.target?.checkpoint ?? deps.projection.name;
    this.tables =
      deps.target?.tables ??
      new Map(deps.projection.entities.map((entity) => [entity, deps.db.tableInfo(entity)]));
    this.logger = deps.logger ?? silent;
    this.batchSize = deps.options?.batchSize ?? 500;
    this.leaseRetryMs = deps.options?.leaseRetryMs ?? 1000;
    this.backoff = deps.options?.backoffMs ?? { initial: 100, max: 10_000 };
  }

  /** What health reports: state, checkpoint, failures. No ids beyond positions. */
  status(): {
    state: RunnerState;
    position: number;
    caughtUp: boolean;
    applied: number;
    parked: number;
    failingSinceMs: number | undefined;
    lastFailure: string | undefined;
  } {
    return {
      state: this.currentState,
      position: this.position,
      caughtUp: this.caughtUpOnce,
      applied: this.appliedTotal,
      parked: this.parkedTotal,
      failingSinceMs: this.failingSinceMs,
      lastFailure: this.lastFailure,
    };
  }

  get state(): RunnerState {
    return this.currentState;
  }

  /** Runs in the background until `stop()`: waits for the lease, then follows the log. */
  start(): void {
    if (this.loop !== undefined) return;
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeSleep?.();
    await this.subscription?.close();
    await this.loop;
    this.loop = undefined;
    await this.lease?.release().catch(() => undefined);
    this.lease = undefined;
    this.setState('stopped');
  }

  /**
   * Applies events from the checkpoint up to `until` (default: the head of the log now), reading pages of the
   * batch size, then returns. For rebuilds, the CLI and tests; the caller is responsible for the lease.
   */
  async catchUp(options: { until?: number } = {}): Promise<{ events: number; position: number }> {
    const checkpoint = await this.deps.db.ensureCheckpoint(this.checkpointName, this.nowIso());
    this.position = checkpoint.position;
    this.generation = checkpoint.generation;
    const until = options.until ?? (await this.deps.store.headPosition());
    const events = await this.applyPages(this.batchSize, until, () => true);
    this.caughtUpOnce = true;
    return { events, position: this.position };
  }

  /**
   * Reads the log in pages from the checkpoint and commits a batch per page, up to `until` or the end of the log,
   * while `proceed()` holds. Reading page by page is cheaper per event than a subscription: catch-up uses it.
   */
  private async applyPages(pageSize: number, until: number, proceed: () => boolean): Promise<number> {
    const read = (after: number): Promise<RecordedEvent[]> => {
      // Every stream, not only the projection's: events of others move the checkpoint too.
      const page = this.deps.store.readAll({ after, maxCount: pageSize });
      // Read ahead while the previous page is written; a failure surfaces where the page is awaited.
      page.catch(() => undefined);
      return page;
    };
    let events = 0;
    let page = this.position < until ? read(this.position) : undefined;
    while (page !== undefined && proceed()) {
      const fetched = await page;
      const recorded = fetched.filter((event) => event.position <= until);
      const last = recorded.at(-1);
      if (last === undefined) break;
      page = last.position < until && fetched.length === pageSize ? read(last.position) : undefined;
      const recordedAt = last.metadata.recordedAt;
      await this.flush(
        this.prepareAll(recorded),
        last.position,
        typeof recordedAt === 'string' ? recordedAt : undefined,
      );
      events += recorded.length;
    }
    return events;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        const lease = await this.holdLease();
        if (lease === undefined) break;
        this.setState('active');
        await this.follow(lease);
      } catch (error) {
        if (this.isStopping()) break;
        if (error instanceof CheckpointMovedError) {
          // Another runner or a rebuild moved the checkpoint: start again from where it stands now.
          this.deps.metrics?.failures.inc({ projection: this.name, reason: 'checkpoint_moved' });
          this.logger.warn(
            `projection ${this.name}: checkpoint moved elsewhere; resuming from the stored one`,
          );
          continue;
        }
        if (error instanceof LeaseLostError) {
          this.deps.metrics?.failures.inc({ projection: this.name, reason: 'lease_lost' });
          this.logger.warn(`projection ${this.name}: lease lost; standing by`);
          this.lease = undefined;
          this.setState('standby');
          continue;
        }
        await this.failed(error);
      }
    }
  }

  /** The lease, waiting (as standby) until it is free; undefined once stopping. */
  private async holdLease(): Promise<LeaseHandle | undefined> {
    while (!this.stopping) {
      if (this.lease?.held === true) return this.lease;
      const lease = await this.deps.leases.tryAcquire(this.checkpointName);
      if (lease !== undefined) {
        this.lease = lease;
        this.logger.log(`projection ${this.name}: lease taken; applying events`);
        return lease;
      }
      if (this.currentState !== 'standby') this.setState('standby');
      await this.sleep(this.leaseRetryMs);
    }
    return undefined;
  }

  private async follow(lease: LeaseHandle): Promise<void> {
    const checkpoint = await this.deps.db.ensureCheckpoint(this.checkpointName, this.nowIso());
    this.position = checkpoint.position;
    this.generation = checkpoint.generation;
    this.deps.progress?.notify(this.checkpointName, this.position);
    this.deps.metrics?.position.set({ projection: this.name }, this.position);

    // Catch up page by page in large batches, then follow live from where that ended.
    await this.applyPages(Math.max(this.batchSize, CATCH_UP_PAGE), Number.MAX_SAFE_INTEGER, () => {
      if (!lease.held) throw new LeaseLostError(this.name);
      return !this.isStopping();
    });
    if (this.isStopping()) return;

    const subscription = this.deps.store.subscribeAll({ after: this.position });
    this.subscription = subscription;
    // An object, not a local: the callback below changes it, which narrowing cannot see.
    const watch = { leaseLost: false };
    void lease.lost.then(async () => {
      watch.leaseLost = true;
      await subscription.close();
    });
    if (this.stopping || !lease.held) await subscription.close();

    const iterator = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;
    let items: BatchItem[] = [];
    let to = this.position;
    let recordedAt: string | undefined;
    const flushPending = async (): Promise<void> => {
      if (!lease.held) throw new LeaseLostError(this.name);
      const batch = items;
      items = [];
      await this.flush(batch, to, recordedAt);
    };
    try {
      for (;;) {
        pending ??= iterator.next();
        // With events waiting to be written, take more only while they are already there: then write.
        const result = to > this.position ? await Promise.race([pending, idle()]) : await pending;
        if (result === IDLE) {
          await flushPending();
          continue;
        }
        pending = undefined;
        if (result.done === true) break;
        const message = result.value;
        if (message.kind === 'caught_up') {
          if (to > this.position) await flushPending();
          this.caughtUpOnce = true;
          if (this.failures > 0) this.recovered();
          continue;
        }
        const { event } = message;
        if (event.position <= to) continue;
        to = event.position;
        recordedAt = typeof event.metadata.recordedAt === 'string' ? event.metadata.recordedAt : recordedAt;
        const item = this.prepare(event);
        if (item !== undefined) items.push(item);
        if (items.length >= this.batchSize) await flushPending();
      }
    } finally {
      this.subscription = undefined;
      await subscription.close();
    }
    if (watch.leaseLost) throw new LeaseLostError(this.name);
    if (!this.isStopping()) throw new SubscriptionEndedError();
  }

  private prepareAll(events: readonly RecordedEvent[]): BatchItem[] {
    return events.flatMap((event) => {
      const item = this.prepare(event);
      return item === undefined ? [] : [item];
    });
  }

  /** The batch item of an event, or undefined when it belongs to a stream this projection does not follow. */
  private prepare(recorded: RecordedEvent): BatchItem | undefined {
    const stream = parseStreamName(recorded.stream);
    if (stream === undefined || stream.kind === 'checkpoints') return undefined;
    if (!this.deps.projection.streams.includes(stream.kind)) return undefined;
    try {
      const event = toLedgerEvent(recorded);
      return {
        kind: 'event',
        event: {
          ...event,
          streamKind: stream.kind,
          streamId: stream.id,
          body: new EventData(event.type, event.data),
        },
      };
    } catch {
      return {
        kind: 'park',
        parked: {
          position: recorded.position,
          eventId: recorded.eventId,
          stream: recorded.stream,
          revision: recorded.revision,
          type: recorded.type,
          errorCode: 'malformed_envelope',
          errorDetail: 'the event has no valid ledger envelope',
        },
      };
    }
  }

  /** Commits a batch with the checkpoint `to`; on a data error, finds the event at fault and parks it alone. */
  private async flush(items: readonly BatchItem[], to: number, recordedAt?: string): Promise<void> {
    if (to <= this.position) return;
    const started = performance.now();
    let outcome: BatchOutcome;
    try {
      outcome = await this.commit(items, to);
    } catch (error) {
      if (error instanceof CheckpointMovedError || !isDataError(error) || items.length === 0) throw error;
      outcome = await this.isolate(items, to);
    }
    this.deps.metrics?.batchSeconds.observe({ projection: this.name }, (performance.now() - started) / 1000);
    this.advanced(to, outcome, recordedAt);
  }

  /** Each event in its own transaction; the one whose write fails is parked with the database's error code. */
  private async isolate(items: readonly BatchItem[], to: number): Promise<BatchOutcome> {
    let applied = 0;
    const parked: ParkedEvent[] = [];
    for (const item of items) {
      const position = item.kind === 'event' ? item.event.position : item.parked.position;
      if (position <= this.position) continue;
      let outcome: BatchOutcome;
      try {
        outcome = await this.commit([item], position);
      } catch (error) {
        if (error instanceof CheckpointMovedError || !isDataError(error) || item.kind === 'park') throw error;
        const { event } = item;
        const alone: ParkedEvent = {
          position: event.position,
          eventId: event.eventId,
          stream: event.stream,
          revision: event.revision,
          type: event.type,
          errorCode: 'write_failed',
          errorDetail: describeWriteError(error),
        };
        outcome = await this.commit([{ kind: 'park', parked: alone }], position);
      }
      this.position = position;
      applied += outcome.applied;
      parked.push(...outcome.parked);
    }
    if (to > this.position) await this.commit([], to);
    return { applied, parked };
  }

  private async commit(items: readonly BatchItem[], to: number): Promise<BatchOutcome> {
    const { db, projection } = this.deps;
    const spec = {
      projection,
      checkpoint: this.checkpointName,
      checkpointTable: db.checkpointTable,
      parkedTable: db.parkedTable,
      tables: this.tables,
      from: { position: this.position, generation: this.generation },
      to,
      now: this.nowIso(),
      items,
    };
    const outcome = await db.transaction(() => batchProgram(spec));
    this.position = to;
    return outcome;
  }

  private advanced(to: number, outcome: BatchOutcome, recordedAt: string | undefined): void {
    this.position = to;
    this.appliedTotal += outcome.applied;
    this.parkedTotal += outcome.parked.length;
    const labels = { projection: this.name };
    this.deps.metrics?.position.set(labels, to);
    this.deps.metrics?.events.inc(labels, outcome.applied);
    if (outcome.parked.length > 0) this.deps.metrics?.parked.inc(labels, outcome.parked.length);
    if (recordedAt !== undefined) {
      const lag = (this.deps.now().getTime() - Date.parse(recordedAt)) / 1000;
      if (Number.isFinite(lag)) this.deps.metrics?.lagSeconds.set(labels, Math.max(0, lag));
    }
    for (const parked of outcome.parked) {
      this.logger.warn(
        `projection ${this.name}: parked event ${parked.eventId} at position ${parked.position} ` +
          `(${parked.type}): ${parked.errorCode}`,
      );
    }
    this.deps.progress?.notify(this.checkpointName, to);
    if (this.failures > 0) this.recovered();
  }

  private async failed(error: unknown): Promise<void> {
    this.failures += 1;
    this.failingSinceMs ??= Date.now();
    this.lastFailure = error instanceof Error ? error.constructor.name : 'error';
    const reason = error instanceof SubscriptionEndedError ? 'subscription_ended' : 'database_unavailable';
    this.deps.metrics?.failures.inc({ projection: this.name, reason });
    this.setState('failing');
    const delay = Math.min(this.backoff.max, this.backoff.initial * 2 ** Math.min(this.failures - 1, 16));
    this.logger.error(`projection ${this.name}: batch failed (${this.lastFailure}); retrying in ${delay} ms`);
    await this.sleep(delay);
  }

  private recovered(): void {
    this.failures = 0;
    this.failingSinceMs = undefined;
    if (this.currentState === 'failing') this.setState('active');
  }

  private setState(state: RunnerState): void {
    this.currentState = state;
    this.deps.progress?.setLocal(this.checkpointName, state === 'active' || state === 'failing');
    this.deps.metrics?.active.set(
      { projection: this.name },
      state === 'active' || state === 'failing' ? 1 : 0,
    );
  }

  /** A pause that `stop()` cuts short. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wakeSleep === done) this.wakeSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleep = done;
    });
  }

  /** Read through a method: `stop()` sets the flag while the loop is suspended, which narrowing cannot see. */
  private isStopping(): boolean {
    return this.stopping;
  }

  private nowIso(): string {
    return this.deps.now().toISOString();
  }
}

/** The log subscription ended without being asked to (the store closed it): follow again after a pause. */
export class SubscriptionEndedError extends Error {
  constructor() {
    super('the event store subscription ended');
  }
}

function idle(): Promise<typeof IDLE> {
  return new Promise((resolve) => {
    setImmediate(() => {
      resolve(IDLE);
    });
  });
}
