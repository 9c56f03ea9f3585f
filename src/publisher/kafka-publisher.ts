import { Logger } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import type { EventStore, RecordedEvent } from '../ledger/event-store.port';
import type { LedgerEvent } from '../ledger/envelope';
import { toLedgerEvent } from '../ledger/ledger';
import { parseStreamName } from '../ledger/stream-names';
import {
  errorClass,
  type FailureVerdict,
  type LeaseHandle,
  type Leases,
  onAbort,
  Worker,
  type WorkerContext,
  type WorkerObserver,
} from '../platform/workers';
import type { Clock } from '../shared/clock';
import { inBatchSpan } from '../shared/tracing';
import { type KafkaRecord, toBinaryKafkaRecord } from './cloudevents-kafka';
import { EventBuffer } from './event-buffer';
import { nextSessionSnapshot, toIntegrationEvent } from './event-mapping';
import { type IntegrationEvent, TOPICS, type TopicKind } from './integration-events';
import { causeOf, isBrokerError } from './kafka-errors';
import type { PublisherTransport, TopicSpec } from './kafka-transport';
import type { PublisherCheckpointRepository } from './publisher-checkpoint.repository';
import { measureLag, PUBLISHED_STREAMS, type PublisherLag } from './publisher-lag';
import { UnpublishableEventError } from './publisher.errors';
import { SessionCache } from './session-cache';

export interface KafkaPublisherOptions {
  /** Checkpoint (and lease) name; one per set of topics. */
  readonly name: string;
  readonly topicPrefix: string;
  readonly topicSpec: TopicSpec;
  /** Most events in one produce request. */
  readonly batchSize?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How often a standby instance tries to become the active one. */
  readonly standbyPollMs?: number;
  /** How often a publisher stopped at an unpublishable event looks at it again. */
  readonly blockedRetryMs?: number;
  /** Sessions whose subject, policy and status are kept in memory. */
  readonly sessionCacheSize?: number;
  /** How long `stop` waits for a send in flight. */
  readonly stopTimeoutMs?: number;
  /**
   * While a backlog drains, the stored checkpoint is written at most this often (each write is a durable
   * commit); it is always written when the publisher has nothing more to send, and when a session ends.
   */
  readonly checkpointIntervalMs?: number;
}

export interface PublisherLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

/** Counters the publisher reports as it goes (PublisherMetrics implements it). */
export interface PublisherObserver {
  published(topic: TopicKind, count: number): void;
  batchSent(seconds: number): void;
  failed(errorClass: string): void;
}

export interface KafkaPublisherDeps {
  readonly store: EventStore;
  readonly checkpoints: PublisherCheckpointRepository;
  /** The lease decides which instance publishes; its session carries the checkpoint writes. */
  readonly leases: Leases;
  /** A fresh broker connection; the publisher makes a new one after every failure. */
  readonly transport: () => PublisherTransport | Promise<PublisherTransport>;
  readonly clock: Clock;
  readonly logger?: PublisherLogger;
  readonly observer?: PublisherObserver;
  /** The worker supervisor's observer (worker metrics), when the publisher runs in the service. */
  readonly workerObserver?: WorkerObserver;
}

export type PublisherState = 'stopped' | 'starting' | 'standby' | 'active' | 'retrying' | 'blocked';

export interface PublisherStatus {
  readonly state: PublisherState;
  readonly broker: 'connected' | 'disconnected' | 'unknown';
  /** Last position the broker acknowledged (stored at most `checkpointIntervalMs` later). */
  readonly checkpoint: number | undefined;
  /** The subscription delivered the backlog and is live. */
  readonly caughtUp: boolean;
  readonly publishedSinceStart: number;
  readonly lastPublishedAt: string | undefined;
  readonly consecutiveFailures: number;
  /** Class names only: broker errors can carry host names, and nothing here may carry data. */
  readonly lastError: { readonly class: string; readonly cause?: string; readonly at: string } | undefined;
  readonly blocked:
    { readonly position: number; readonly eventType: string; readonly problem: string } | undefined;
}

const DEFAULTS = {
  batchSize: 500,
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
  standbyPollMs: 5_000,
  blockedRetryMs: 60_000,
  sessionCacheSize: 10_000,
  stopTimeoutMs: 5_000,
  checkpointIntervalMs: 200,
};

/**
 * Follows the global log from its checkpoint and publishes every subject and verification event to Kafka as a
 * CloudEvent (binary mode), at least once and in ledger order per key:
 *
 * - events are read through a catch-up subscription from the stored checkpoint, mapped to public events and
 *   sent in batches, one batch at a time (idempotent producer, acks=all, one request in flight);
 * - the checkpoint moves only after the broker acknowledged the whole batch (while a backlog drains it is written
 *   at most every `checkpointIntervalMs`); any failure (broker, event store, database) ends the session, and
 *   the next one starts again from the stored checkpoint after a backoff, so nothing is skipped and the only
 *   duplicates are the batch that was in flight when the failure hit (or, after a crash, what was acknowledged
 *   in the last `checkpointIntervalMs`);
 * - an event that cannot be published (unknown type, malformed fields) stops the publisher there, visibly in
 *   `/health` and `/metrics`, instead of being skipped.
 */
export class KafkaPublisher {
  private readonly options: Required<KafkaPublisherOptions>;
  private readonly logger: PublisherLogger;
  private readonly sessions: SessionCache;
  private readonly worker: Worker;
  private started = false;
  /** Connected, checkpoint read, following the log. */
  private sessionOpen = false;
  private transport: PublisherTransport | undefined;
  private topicsReady = false;

  private broker: PublisherStatus['broker'] = 'unknown';
  private checkpoint: number | undefined;
  /** Stored checkpoint of the current session, and when it was written (performance.now()). */
  private stored: { position: number; at: number } | undefined;
  private caughtUp = false;
  private published = 0;
  private lastPublishedAt: string | undefined;
  private failures = 0;
  private lastError: PublisherStatus['lastError'];
  private blocked: PublisherStatus['blocked'];

  constructor(
    private readonly deps: KafkaPublisherDeps,
    options: KafkaPublisherOptions,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.logger = deps.logger ?? new Logger('KafkaPublisher');
    this.sessions = new SessionCache(deps.store, this.options.sessionCacheSize);
    this.worker = new Worker({
      name: 'publisher',
      lease: {
        leases: deps.leases,
        kind: 'publisher',
        name: this.options.name,
        retryMs: this.options.standbyPollMs,
      },
      backoff: { initialMs: this.options.initialBackoffMs, maxMs: this.options.maxBackoffMs },
      now: () => deps.clock.now(),
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
      observer: {
        stateChanged: (worker, state) => {
          if (state === 'standby') {
            this.logger.log('another instance publishes; standing by');
            this.checkpoint = undefined;
          }
          deps.workerObserver?.stateChanged(worker, state);
        },
        failed: (worker, errorClass) => {
          deps.workerObserver?.failed(worker, errorClass);
        },
      },
      onFailure: (error) => this.failed(error),
      onLeaseLost: () => {
        void this.closeTransport();
        this.lastError = { class: 'LeaseLostError', at: deps.clock.now().toISOString() };
        this.logger.warn('the publisher lease was lost (its database session ended); standing by');
      },
      run: (context) => this.session(context),
    });
  }

  /** The state health and tests see: the worker's, told apart where publishing needs it. */
  private get state(): PublisherState {
    if (!this.started) return 'stopped';
    switch (this.worker.state) {
      case 'idle':
        return 'starting';
      case 'standby':
        return 'standby';
      case 'stopped':
        return 'stopped';
      case 'active':
      case 'failing':
        if (this.blocked !== undefined) return 'blocked';
        if (this.sessionOpen) return 'active';
        return this.failures > 0 ? 'retrying' : 'starting';
    }
  }

  /** Full topic names, prefix included. */
  get topics(): Record<TopicKind, string> {
    return {
      verification: `${this.options.topicPrefix}${TOPICS.verification}`,
      subject: `${this.options.topicPrefix}${TOPICS.subject}`,
    };
  }

  /** Starts publishing in the background; never throws (failures are retried and reported in the status). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.worker.start();
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    const stopped = this.worker.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      stopped,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.options.stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // A send still in flight after the timeout is abandoned (closing the connection fails it, and the worker
    // ends): its events are sent again after the restart.
    await this.closeTransport();
    await stopped;
    this.started = false;
  }

  status(): PublisherStatus {
    return {
      state: this.state,
      broker: this.broker,
      checkpoint: this.checkpoint,
      caughtUp: this.caughtUp,
      publishedSinceStart: this.published,
      lastPublishedAt: this.lastPublishedAt,
      consecutiveFailures: this.failures,
      lastError: this.lastError,
      blocked: this.blocked,
    };
  }

  /** Lag measured on the store; an instance that is not the active one reads the stored checkpoint. */
  async lag(): Promise<PublisherLag> {
    const checkpoint =
      this.state === 'active' && this.checkpoint !== undefined
        ? this.checkpoint
        : await this.deps.checkpoints.load(this.options.name);
    return measureLag(this.deps.store, checkpoint, this.deps.clock.now());
  }

  /** One connection: from the stored checkpoint until a failure, a lost lease or stop. */
  private async session(context: WorkerContext): Promise<void> {
    const lease = context.lease;
    if (lease === undefined) throw new Error('the publisher runs under a lease');
    const transport = this.transport ?? (await this.deps.transport());
    this.transport = transport;
    await transport.connect();
    this.broker = 'connected';
    if (!this.topicsReady) {
      await transport.ensureTopics(Object.values(this.topics), this.options.topicSpec);
      this.topicsReady = true;
    }
    const checkpoint = await lease.withSession((runner) =>
      this.deps.checkpoints.load(this.options.name, runner),
    );
    if (this.checkpoint === undefined) {
      this.logger.log(`publishing from position ${checkpoint} to ${Object.values(this.topics).join(', ')}`);
    }
    this.checkpoint = checkpoint;
    this.stored = { position: checkpoint, at: performance.now() };
    this.sessionOpen = true;

    const subscription = this.deps.store.subscribeAll({ after: checkpoint, filter: PUBLISHED_STREAMS });
    const buffer = new EventBuffer<RecordedEvent>(this.options.batchSize * 2);
    // Stopping, or losing the lease, ends the session: the buffer returns what it holds, then nothing.
    const forget = onAbort(context.signal, () => {
      buffer.close();
      return subscription.close().catch(() => undefined);
    });
    this.caughtUp = false;
    const pump = (async () => {
      try {
        for await (const message of subscription) {
          if (message.kind === 'caught_up') this.caughtUp = true;
          else await buffer.put(message.event);
        }
        buffer.close();
      } catch (error) {
        buffer.fail(error);
      }
    })();
    const stopped = (): boolean => context.signal.aborted;
    try {
      while (!stopped()) {
        const batch = await buffer.take(this.options.batchSize);
        if (batch.length === 0) break;
        await this.publish(batch, transport, buffer.size === 0, lease);
        context.succeeded();
      }
    } finally {
      this.sessionOpen = false;
      forget();
      buffer.close();
      await subscription.close().catch(() => undefined);
      await pump;
      // What the broker acknowledged is stored even when the session ends in a failure (unless the failure
      // is the database's): a restart then sends nothing twice.
      await this.storeCheckpoint(lease).catch(() => undefined);
      this.stored = undefined;
    }
    if (!stopped()) throw new Error('the event store subscription ended');
  }

  /**
   * Sends one batch and, once the broker acknowledged it, moves the checkpoint (past internal events too, which
   * have no record). At an unpublishable event, the events before it are still sent and checkpointed; then the
   * publisher stops there.
   */
  private async publish(
    batch: readonly RecordedEvent[],
    transport: PublisherTransport,
    drained: boolean,
    lease: LeaseHandle,
  ): Promise<void> {
    const records = new Map<TopicKind, KafkaRecord[]>();
    const counts = new Map<TopicKind, number>();
    let last: number | undefined;
    let stop: UnpublishableEventError | undefined;
    for (const recorded of batch) {
      let event: IntegrationEvent | null;
      try {
        event = await this.integrationEventOf(recorded);
      } catch (error) {
        if (!(error instanceof UnpublishableEventError)) throw error;
        stop = error;
        break;
      }
      last = recorded.position;
      if (event === null) continue;
      const list = records.get(event.topic) ?? [];
      list.push(toBinaryKafkaRecord(event));
      records.set(event.topic, list);
      counts.set(event.topic, (counts.get(event.topic) ?? 0) + 1);
    }

    if (last !== undefined) {
      if (records.size > 0) {
        const started = performance.now();
        const batches = [...records].map(([topic, list]) => ({ topic: this.topics[topic], records: list }));
        // A span per send, joined to the commands by their correlation ids (docs/tracing.md).
        await inBatchSpan(
          'publisher send',
          {
            kind: SpanKind.PRODUCER,
            attributes: () => ({
              'messaging.system': 'kafka',
              'messaging.operation.type': 'send',
              'messaging.batch.message_count': [...counts.values()].reduce((sum, n) => sum + n, 0),
              'kyc.topics': batches.map((b) => b.topic),
              'kyc.position_to': last,
            }),
            metadata: () => batch.map((recorded) => recorded.metadata),
          },
          () => transport.send(batches),
        );
        this.deps.observer?.batchSent((performance.now() - started) / 1000);
      }
      this.checkpoint = last;
      const due = (this.stored?.at ?? 0) + this.options.checkpointIntervalMs <= performance.now();
      if (drained || due || stop !== undefined) await this.storeCheckpoint(lease);
      this.lastPublishedAt = this.deps.clock.now().toISOString();
      for (const [topic, count] of counts) {
        this.published += count;
        this.deps.observer?.published(topic, count);
      }
      this.succeeded();
    }
    if (stop !== undefined) throw stop;
  }

  /** Writes the acknowledged position, if it is ahead of the stored one. */
  private async storeCheckpoint(lease: LeaseHandle): Promise<void> {
    const acknowledged = this.checkpoint;
    if (this.stored === undefined || acknowledged === undefined || acknowledged <= this.stored.position)
      return;
    await lease.withSession((runner) =>
      this.deps.checkpoints.save(this.options.name, acknowledged, this.deps.clock.now(), runner),
    );
    this.stored = { position: acknowledged, at: performance.now() };
  }

  private async integrationEventOf(recorded: RecordedEvent): Promise<IntegrationEvent | null> {
    let event: LedgerEvent;
    try {
      event = toLedgerEvent(recorded);
    } catch {
      throw new UnpublishableEventError(recorded.position, recorded.type, 'not a ledger envelope');
    }
    if (parseStreamName(event.stream)?.kind !== 'verification') return toIntegrationEvent(event, undefined);
    const before = event.revision === 0 ? undefined : await this.sessions.before(event);
    const session = nextSessionSnapshot(before, event);
    this.sessions.remember(event.stream, session);
    return toIntegrationEvent(event, session);
  }

  private succeeded(): void {
    if (this.failures > 0) {
      this.logger.log(`publishing again after ${this.failures} failed attempt(s)`);
    }
    this.failures = 0;
    this.blocked = undefined;
  }

  /** Records a failure for status and metrics; an unpublishable event waits longer than a backoff. */
  private failed(error: unknown): FailureVerdict {
    void this.closeTransport();
    this.recordFailure(error);
    return error instanceof UnpublishableEventError ? { retryInMs: this.options.blockedRetryMs } : {};
  }

  private recordFailure(error: unknown): void {
    this.failures += 1;
    const errorClassName = errorClass(error);
    const cause = causeOf(error);
    this.lastError = {
      class: errorClassName,
      ...(cause === undefined ? {} : { cause }),
      at: this.deps.clock.now().toISOString(),
    };
    this.deps.observer?.failed(errorClassName);
    if (isBrokerError(error)) this.broker = 'disconnected';
    if (error instanceof UnpublishableEventError) {
      this.blocked = { position: error.position, eventType: error.eventType, problem: error.problem };
      if (this.failures === 1) this.logger.error(error.message);
      return;
    }
    const message = `publishing failed (${errorClassName}${cause === undefined ? '' : ` caused by ${cause}`}); retrying`;
    if (this.failures === 1) this.logger.warn(message);
    else this.logger.debug(`${message} (attempt ${this.failures})`);
  }

  private async closeTransport(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    if (transport === undefined) return;
    try {
      await transport.disconnect();
    } catch {
      // A connection that failed has nothing left to close.
    }
  }
}
