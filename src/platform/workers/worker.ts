import type { LeaseHandle, LeaseKind, Leases } from './advisory-lock';
import { Backoff, type BackoffOptions } from './backoff';
import { stoppableSleep } from './stoppable-sleep';

export type WorkerState = 'idle' | 'standby' | 'active' | 'failing' | 'stopped';

/** What a worker's body gets: when to stop, a sleep that stopping cuts short, its lease. */
export interface WorkerContext {
  /** Aborted when the worker is stopped or its lease is lost: the body returns (or throws) soon after. */
  readonly signal: AbortSignal;
  /** The lease the body runs under, when the worker has one. */
  readonly lease: LeaseHandle | undefined;
  /** Waits `ms`, less when the signal aborts or `wake()` is called; never rejects. */
  sleep(ms: number): Promise<void>;
  /** The body made progress: consecutive failures are forgotten and the worker counts as active again. */
  succeeded(): void;
}

/** How the worker goes on after its body failed. */
export interface FailureVerdict {
  /** Wait this long before the next attempt (default: the backoff's next delay). */
  readonly retryInMs?: number;
  /** Whether it counts as a failure (state `failing`, backoff grows); default true. */
  readonly counted?: boolean;
}

export interface WorkerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Told of every state change and counted failure (metrics). */
export interface WorkerObserver {
  stateChanged(worker: string, state: WorkerState): void;
  failed(worker: string, errorClass: string): void;
}

export interface WorkerOptions {
  /** Health component and metric label: a fixed name, never an id of data. */
  readonly name: string;
  /**
   * The body: runs until its signal aborts, then returns. Throwing (or returning while not asked to stop) is a
   * failure: the body runs again after a backoff, from the start — it resumes from its own checkpoint.
   */
  readonly run: (context: WorkerContext) => Promise<void>;
  /** Run only while holding this lease; until then the worker stands by and tries again every `retryMs`. */
  readonly lease?: {
    readonly leases: Leases;
    readonly kind: LeaseKind;
    readonly name: string;
    readonly retryMs: number;
  };
  readonly backoff?: BackoffOptions;
  /** Decides how a failure is treated (e.g. a longer wait for an event that cannot be handled yet). */
  readonly onFailure?: (error: unknown, consecutive: number) => FailureVerdict | undefined;
  /** The lease was lost under the body (its database session ended); the worker stands by again. */
  readonly onLeaseLost?: () => void;
  readonly logger?: WorkerLogger;
  readonly observer?: WorkerObserver;
  /** Current time, for `failingSince` (the injected clock). */
  readonly now?: () => Date;
}

export interface WorkerStatus {
  readonly state: WorkerState;
  /** Failures since the body last made progress. */
  readonly consecutiveFailures: number;
  readonly failingSince: string | undefined;
  /** Class name of the last failure; never a message (messages can carry data). */
  readonly lastError: string | undefined;
  /** Times the body was started again after a failure or a lost lease. */
  readonly restarts: number;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 10_000 };
const silent: WorkerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** The failure class for status and logs: a constructor name, never a message. */
export function errorClass(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.constructor.name : error.name;
  return 'unknown';
}

/**
 * One supervised background loop: start and stop, a sleep that stopping cuts short, backoff with jitter after
 * failures, an optional lease (standby while another instance holds it; a lost lease stops the body and the
 * worker stands by again), and a status for health. Every background loop of the service runs on one.
 */
export class Worker {
  readonly name: string;
  private readonly logger: WorkerLogger;
  private readonly backoff: Backoff;
  private readonly now: () => Date;
  private stopper = new AbortController();
  private wakeUp: AbortController = new AbortController();
  private loop: Promise<void> | undefined;
  private lease: LeaseHandle | undefined;
  /** Aborted when the lease in hand is lost. */
  private leaseLost: AbortController | undefined;

  private current: WorkerState = 'idle';
  private failures = 0;
  private failingSince: string | undefined;
  private lastError: string | undefined;
  private restarts = 0;

  constructor(private readonly options: WorkerOptions) {
    this.name = options.name;
    this.logger = options.logger ?? silent;
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.now = options.now ?? (() => new Date());
  }

  get state(): WorkerState {
    return this.current;
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  status(): WorkerStatus {
    return {
      state: this.current,
      consecutiveFailures: this.failures,
      failingSince: this.failingSince,
      lastError: this.lastError,
      restarts: this.restarts,
    };
  }

  /** Runs the body in the background until `stop()`; a second call does nothing. */
  start(): void {
    if (this.loop !== undefined) return;
    this.stopper = new AbortController();
    this.wakeUp = new AbortController();
    this.loop = this.supervise();
  }

  /** Asks the body to stop and waits for it; the lease is released. */
  async stop(): Promise<void> {
    this.stopper.abort();
    this.wakeUp.abort();
    await this.loop;
    this.loop = undefined;
    await this.lease?.release().catch(() => undefined);
    this.lease = undefined;
    this.leaseLost = undefined;
    this.setState('stopped');
  }

  /** Cuts the current (or next) sleep short: new work arrived, or a test drives the worker. */
  wake(): void {
    this.wakeUp.abort();
  }

  /** A method, not a property: `stop()` aborts while the loop awaits, which narrowing cannot see. */
  private isStopping(): boolean {
    return this.stopper.signal.aborted;
  }

  private async supervise(): Promise<void> {
    while (!this.isStopping()) {
      const lease = await this.holdLease();
      if (this.isStopping()) break;
      const signal =
        this.leaseLost === undefined
          ? this.stopper.signal
          : AbortSignal.any([this.stopper.signal, this.leaseLost.signal]);
      if (this.current !== 'failing') this.setState('active');
      let failure: { error: unknown } | undefined;
      try {
        await this.options.run(this.context(signal, lease));
        if (!this.isStopping() && lease?.held !== false) failure = { error: new WorkerReturnedError() };
      } catch (error) {
        failure = { error };
      }
      if (this.isStopping()) break;
      this.restarts += 1;
      if (lease !== undefined && !lease.held) {
        this.logger.warn(`${this.name}: lease lost; standing by`);
        this.options.onLeaseLost?.();
        this.lease = undefined;
        this.leaseLost = undefined;
        this.setState('standby');
        continue;
      }
      if (failure !== undefined) await this.failed(failure.error);
    }
  }

  /** The lease when the worker needs one, waiting (as standby) until it is free. */
  private async holdLease(): Promise<LeaseHandle | undefined> {
    const spec = this.options.lease;
    if (spec === undefined) return undefined;
    while (!this.isStopping()) {
      if (this.lease?.held === true) return this.lease;
      try {
        const lease = await spec.leases.tryAcquire(spec.kind, spec.name);
        if (lease !== undefined) {
          this.lease = lease;
          const lost = new AbortController();
          this.leaseLost = lost;
          void lease.lost.then(() => {
            lost.abort();
          });
          this.logger.log(`${this.name}: lease taken`);
          return lease;
        }
        if (this.current !== 'standby') this.setState('standby');
        await this.sleep(spec.retryMs, this.stopper.signal);
      } catch (error) {
        await this.failed(error);
      }
    }
    return undefined;
  }

  private context(signal: AbortSignal, lease: LeaseHandle | undefined): WorkerContext {
    return {
      signal,
      lease,
      sleep: (ms) => this.sleep(ms, signal),
      succeeded: () => {
        this.succeeded();
      },
    };
  }

  private async failed(error: unknown): Promise<void> {
    const verdict = this.options.onFailure?.(error, this.failures + 1) ?? {};
    let wait = verdict.retryInMs;
    if (verdict.counted !== false) {
      this.failures += 1;
      this.failingSince ??= this.now().toISOString();
      this.lastError = errorClass(error);
      this.options.observer?.failed(this.name, this.lastError);
      this.setState('failing');
      wait ??= this.backoff.next();
      const message = `${this.name}: failed (${this.lastError}); retrying in ${wait} ms`;
      if (this.failures === 1) this.logger.error(message);
      else this.logger.warn(message);
    }
    await this.sleep(wait ?? 0, this.stopper.signal);
  }

  private succeeded(): void {
    if (this.failures > 0) this.logger.log(`${this.name}: working again after ${this.failures} failure(s)`);
    this.failures = 0;
    this.failingSince = undefined;
    this.backoff.reset();
    if (this.current === 'failing' || this.current === 'idle') this.setState('active');
  }

  private async sleep(ms: number, signal: AbortSignal): Promise<void> {
    // A wake that came while the worker was busy cuts this sleep short: the work it announced is not missed.
    await stoppableSleep(ms, AbortSignal.any([signal, this.wakeUp.signal]));
    if (this.wakeUp.signal.aborted && !this.isStopping()) this.wakeUp = new AbortController();
  }

  private setState(state: WorkerState): void {
    if (this.current === state) return;
    this.current = state;
    this.options.observer?.stateChanged(this.name, state);
  }
}

/** The body returned although nobody asked it to stop (e.g. the store ended a subscription). */
export class WorkerReturnedError extends Error {
  constructor() {
    super('the worker body ended on its own');
  }
}

/**
 * A body that runs `tick` every `intervalMs` (the first after one interval). A failing tick fails the body: the
 * worker records it and, after its backoff, starts the interval again.
 */
export function every(
  intervalMs: number,
  tick: (signal: AbortSignal) => Promise<unknown>,
): (context: WorkerContext) => Promise<void> {
  return async (context) => {
    const stopped = (): boolean => context.signal.aborted;
    while (!stopped()) {
      await context.sleep(intervalMs);
      if (stopped()) return;
      await tick(context.signal);
      context.succeeded();
    }
  };
}

/**
 * Calls `action` once when `signal` aborts (at once if it already has), e.g. to close the subscription a body
 * iterates; returns a function that forgets the listener.
 */
export function onAbort(signal: AbortSignal, action: () => unknown): () => void {
  const listener = (): void => {
    void action();
  };
  if (signal.aborted) listener();
  else signal.addEventListener('abort', listener, { once: true });
  return () => {
    signal.removeEventListener('abort', listener);
  };
}
