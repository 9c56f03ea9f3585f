import type { EventStore, RecordedEvent, SubscriptionMessage } from '../../ledger/event-store.port';
import {
  type LeaseHandle,
  type Leases,
  onAbort,
  Worker,
  type WorkerContext,
  type WorkerObserver,
  type WorkerState,
} from '../../platform/workers';
import { CheckpointMovedError, LeaseLostError } from '../projection.errors';
import type { BatchItem } from './batch';
import { BatchWriter } from './batch-writer';
import type { EntityClass, Projection } from './projection';
import type { ProjectionMetrics } from './projection-metrics';
import type { ProjectionProgress } from './projection-progress';
import type { ProjectionStore } from './projection-store';
import type { TableInfo } from './table-info';

export type RunnerState = WorkerState;

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
  /** Back-off after a failed batch: grows (with jitter) from `initial` up to `max`. */
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
  /** The worker supervisor's observer (worker metrics), when the runner runs in the service. */
  readonly workerObserver?: WorkerObserver;
  readonly options?: RunnerOptions;
  /** A rebuild writes to its own checkpoint and shadow tables; by default the projection's own. */
  readonly target?: { readonly checkpoint: string; readonly tables: ReadonlyMap<EntityClass, TableInfo> };
}

/** What `idle()` resolves to: no more events were ready in this turn of the event loop. */
export const IDLE = Symbol('idle');
/** Events per page (and batch) while catching up, before the live subscription takes over. */
const CATCH_UP_PAGE = 2000;
const silent: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Runs one projection on a supervised worker: holds its lease, follows the global log from the stored
 * checkpoint and commits each batch of events together with the new checkpoint (BatchWriter). A crash at any
 * point leaves either the whole batch and its checkpoint or neither; the next run continues from the
 * checkpoint, so every event is applied exactly once. Events that cannot be applied are parked, and the
 * projection goes on.
 */
export class ProjectionRunner {
  readonly name: string;
  private readonly checkpointName: string;
  private readonly logger: RunnerLogger;
  private readonly batchSize: number;
  private readonly writer: BatchWriter;
  private readonly worker: Worker;
  private caughtUpOnce = false;
  /** The context of the body running now, for the writer's progress reports. */
  private context: WorkerContext | undefined;

  constructor(private readonly deps: RunnerDeps) {
    this.name = deps.projection.name;
    this.checkpointName = deps.target?.checkpoint ?? deps.projection.name;
    this.logger = deps.logger ?? silent;
    this.batchSize = deps.options?.batchSize ?? 500;
    const backoff = deps.options?.backoffMs ?? { initial: 100, max: 10_000 };
    this.writer = new BatchWriter({
      db: deps.db,
      projection: deps.projection,
      checkpoint: this.checkpointName,
      tables:
        deps.target?.tables ??
        new Map(deps.projection.entities.map((entity) => [entity, deps.db.tableInfo(entity)])),
      now: deps.now,
      ...(deps.progress === undefined ? {} : { progress: deps.progress }),
      ...(deps.metrics === undefined ? {} : { metrics: deps.metrics }),
      warn: (message) => {
        this.logger.warn(message);
      },
      advanced: () => {
        this.context?.succeeded();
      },
    });
    this.worker = new Worker({
      name: `projection:${this.name}`,
      lease: {
        leases: deps.leases,
        kind: 'projection',
        name: this.checkpointName,
        retryMs: deps.options?.leaseRetryMs ?? 1000,
      },
      backoff: { initialMs: backoff.initial, maxMs: backoff.max },
      now: deps.now,
      logger: this.logger,
      observer: {
        stateChanged: (worker, state) => {
          this.stateChanged(state);
          deps.workerObserver?.stateChanged(worker, state);
        },
        failed: (worker, errorClass) => {
          deps.workerObserver?.failed(worker, errorClass);
        },
      },
      onFailure: (error) => this.onFailure(error),
      run: (context) => this.follow(context),
    });
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
    const worker = this.worker.status();
    return {
      state: worker.state,
      position: this.writer.position,
      caughtUp: this.caughtUpOnce,
      applied: this.writer.applied,
      parked: this.writer.parked,
      failingSinceMs: worker.failingSince === undefined ? undefined : Date.parse(worker.failingSince),
      lastFailure: worker.state === 'failing' ? worker.lastError : undefined,
    };
  }

  get state(): RunnerState {
    return this.worker.state;
  }

  /** Runs in the background until `stop()`: waits for the lease, then follows the log. */
  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }

  /**
   * Applies events from the checkpoint up to `until` (default: the head of the log now), reading pages of the
   * batch size, then returns. For rebuilds, the CLI and tests; the caller is responsible for the lease.
   */
  async catchUp(options: { until?: number } = {}): Promise<{ events: number; position: number }> {
    await this.writer.resume();
    const until = options.until ?? (await this.deps.store.headPosition());
    // Alone (a rebuild runs one projection at a time): no other reader to share the pages with.
    const events = await this.applyPages(this.batchSize, until, () => true, false);
    this.caughtUpOnce = true;
    return { events, position: this.writer.position };
  }

  private onFailure(error: unknown): { retryInMs?: number; counted?: boolean } | undefined {
    const labels = (reason: string): { projection: string; reason: string } => ({
      projection: this.name,
      reason,
    });
    if (error instanceof CheckpointMovedError) {
      // Another runner or a rebuild moved the checkpoint: start again from where it stands now.
      this.deps.metrics?.failures.inc(labels('checkpoint_moved'));
      this.logger.warn(`projection ${this.name}: checkpoint moved elsewhere; resuming from the stored one`);
      return { retryInMs: 0, counted: false };
    }
    const reason = error instanceof SubscriptionEndedError ? 'subscription_ended' : 'database_unavailable';
    this.deps.metrics?.failures.inc(labels(reason));
    return undefined;
  }

  /**
   * Reads the log in pages from the checkpoint and commits a batch per page, up to `until` or the end of the log,
   * while `proceed()` holds. Reading page by page is cheaper per event than a subscription: catch-up uses it.
   */
  private async applyPages(
    pageSize: number,
    until: number,
    proceed: () => boolean,
    shared: boolean,
  ): Promise<number> {
    const read = (after: number): Promise<RecordedEvent[]> => {
      // Every stream, not only the projection's: events of others move the checkpoint too. Shared: the other
      // projections catching up at the same time read the same events (the runner never changes them).
      const page = this.deps.store.readAll(
        shared
          ? { after, maxCount: pageSize, shared, reader: this.checkpointName }
          : { after, maxCount: pageSize },
      );
      // Read ahead while the previous page is written; a failure surfaces where the page is awaited.
      page.catch(() => undefined);
      return page;
    };
    let events = 0;
    let page = this.writer.position < until ? read(this.writer.position) : undefined;
    while (page !== undefined && proceed()) {
      const fetched = await page;
      const recorded = fetched.filter((event) => event.position <= until);
      const last = recorded.at(-1);
      if (last === undefined) break;
      page = last.position < until && fetched.length === pageSize ? read(last.position) : undefined;
      const recordedAt = last.metadata.recordedAt;
      await this.writer.flush(
        this.writer.prepareAll(recorded),
        last.position,
        typeof recordedAt === 'string' ? recordedAt : undefined,
      );
      events += recorded.length;
    }
    return events;
  }

  private async follow(context: WorkerContext): Promise<void> {
    const lease = context.lease;
    if (lease === undefined) throw new LeaseLostError(this.name);
    this.context = context;
    try {
      await this.followUnderLease(context, lease);
    } catch (error) {
      if (error instanceof LeaseLostError || !lease.held) {
        this.deps.metrics?.failures.inc({ projection: this.name, reason: 'lease_lost' });
      }
      throw error;
    } finally {
      this.context = undefined;
    }
  }

  private async followUnderLease(context: WorkerContext, lease: LeaseHandle): Promise<void> {
    const stopped = (): boolean => context.signal.aborted;
    const position = await this.writer.resume();
    this.deps.progress?.notify(this.checkpointName, position);
    this.deps.metrics?.position.set({ projection: this.name }, position);

    // Catch up page by page in large batches, then follow live from where that ended.
    await this.applyPages(
      Math.max(this.batchSize, CATCH_UP_PAGE),
      Number.MAX_SAFE_INTEGER,
      () => {
        if (!lease.held) throw new LeaseLostError(this.name);
        return !stopped();
      },
      true,
    );
    if (stopped()) return;

    const subscription = this.deps.store.subscribeAll({ after: this.writer.position });
    // Stopping, or losing the lease, closes the subscription: the loop below ends.
    const forget = onAbort(context.signal, () => subscription.close());
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;
    let items: BatchItem[] = [];
    let to = this.writer.position;
    let recordedAt: string | undefined;
    const flushPending = async (): Promise<void> => {
      if (!lease.held) throw new LeaseLostError(this.name);
      const batch = items;
      items = [];
      await this.writer.flush(batch, to, recordedAt);
    };
    try {
      for (;;) {
        pending ??= iterator.next();
        // With events waiting to be written, take more only while they are already there: then write.
        const result = to > this.writer.position ? await Promise.race([pending, idle()]) : await pending;
        if (result === IDLE) {
          await flushPending();
          continue;
        }
        pending = undefined;
        if (result.done === true) break;
        const message = result.value;
        if (message.kind === 'caught_up') {
          if (to > this.writer.position) await flushPending();
          this.caughtUpOnce = true;
          context.succeeded();
          continue;
        }
        const { event } = message;
        if (event.position <= to) continue;
        to = event.position;
        recordedAt = typeof event.metadata.recordedAt === 'string' ? event.metadata.recordedAt : recordedAt;
        const item = this.writer.prepare(event);
        if (item !== undefined) items.push(item);
        if (items.length >= this.batchSize) await flushPending();
      }
    } finally {
      forget();
      await subscription.close();
    }
    if (!lease.held) throw new LeaseLostError(this.name);
    if (!stopped()) throw new SubscriptionEndedError();
  }

  private stateChanged(state: WorkerState): void {
    const working = state === 'active' || state === 'failing';
    this.deps.progress?.setLocal(this.checkpointName, working, state === 'failing');
    this.deps.metrics?.active.set({ projection: this.name }, working ? 1 : 0);
    if (state === 'active') this.logger.log(`projection ${this.name}: applying events`);
  }
}

/** The log subscription ended without being asked to (the store closed it): follow again after a pause. */
export class SubscriptionEndedError extends Error {
  constructor() {
    super('the event store subscription ended');
  }
}

/**
 * Resolves at the next turn of the event loop: raced against a follower's next message, it tells whether more
 * events are ready now (then take them into the batch) or not (then commit). Every follower waiting in the same
 * turn shares one resolution, so they all commit in the same step, and their read-model writes share one commit
 * (`inSharedCommit`).
 */
export function idle(): Promise<typeof IDLE> {
  nextIdle ??= new Promise((resolve) => {
    setImmediate(() => {
      nextIdle = undefined;
      resolve(IDLE);
    });
  });
  return nextIdle;
}

let nextIdle: Promise<typeof IDLE> | undefined;
