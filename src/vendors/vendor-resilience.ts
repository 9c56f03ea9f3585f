import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  DelegateBackoff,
  handleWhen,
  type IPolicy,
  type IRetryBackoffContext,
  retry,
  wrap,
} from 'cockatiel';
import { VendorCallError, VendorUnavailableError } from './vendor-errors';

export interface ResilienceOptions {
  /** Attempts after the first, for failures worth another (5xx, 429, timeouts, lost connections). */
  readonly retries: number;
  /** First backoff delay; doubles, with full jitter, unless the vendor's `Retry-After` says otherwise. */
  readonly backoffMs: number;
  /** Consecutive failures that open the breaker, and how long it stays open before one call may try. */
  readonly breakAfter: number;
  readonly halfOpenAfterMs: number;
  /** Calls to one vendor at once, and how many more may wait. */
  readonly concurrency: number;
  readonly queue: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  retries: 2,
  backoffMs: 200,
  breakAfter: 5,
  halfOpenAfterMs: 30_000,
  concurrency: 8,
  queue: 32,
};

export type BreakerState = 'closed' | 'open' | 'half_open';

/** The outcome of a guarded call: what it returned, or how it failed, with the attempts it took. */
export type Guarded<T> =
  | { readonly ok: true; readonly value: T; readonly attempts: number }
  | {
      readonly ok: false;
      readonly error: VendorCallError | VendorUnavailableError;
      readonly attempts: number;
    };

/**
 * The resilience of the calls to one vendor (cockatiel): a bulkhead (calls at once, a bounded queue), a circuit
 * breaker that opens after consecutive failures, and retries with exponential backoff and full jitter that honour
 * the vendor's `Retry-After`. Only failures worth another attempt are retried or counted by the breaker: a
 * request the vendor refuses (4xx) is our problem, not the vendor's health.
 */
export class VendorResilience {
  private readonly breaker;
  private readonly policy: IPolicy;
  /** When the breaker last opened (cockatiel moves it to half-open only when the next call comes). */
  private openedAt = 0;

  constructor(
    readonly vendor: string,
    private readonly options: ResilienceOptions = DEFAULT_RESILIENCE,
  ) {
    const worthRetrying = handleWhen((error) => error instanceof VendorCallError && error.retryable);
    this.breaker = circuitBreaker(worthRetrying, {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakAfter),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
    const retries = retry(worthRetrying, {
      maxAttempts: options.retries,
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
        const error = 'error' in context.result ? context.result.error : undefined;
        const asked = error instanceof VendorCallError ? error.details.retryAfterMs : undefined;
        if (asked !== undefined) return asked;
        return Math.round(Math.random() * options.backoffMs * 2 ** (context.attempt - 1));
      }),
    });
    // Outermost first: wait for a slot, then the breaker, then the retries of one call.
    this.policy = wrap(bulkhead(options.concurrency, options.queue), this.breaker, retries);
  }

  /**
   * The breaker as callers should see it: `open` while it refuses calls; once its open time is over, `half_open`
   * (the next call may try), though cockatiel itself only moves on when that call comes.
   */
  get state(): BreakerState {
    switch (this.breaker.state) {
      case CircuitState.Isolated:
        return 'open';
      case CircuitState.Open:
        return Date.now() - this.openedAt >= this.options.halfOpenAfterMs ? 'half_open' : 'open';
      case CircuitState.HalfOpen:
        return 'half_open';
      case CircuitState.Closed:
        return 'closed';
    }
  }

  /** Runs `call` under the policies; never throws for a vendor failure, it returns it. */
  async run<T>(operation: string, call: (signal: AbortSignal) => Promise<T>): Promise<Guarded<T>> {
    let attempts = 0;
    try {
      const value = await this.policy.execute(({ signal }) => {
        attempts += 1;
        return call(signal);
      });
      return { ok: true, value: value as T, attempts };
    } catch (error) {
      if (error instanceof VendorCallError) return { ok: false, error, attempts };
      if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError) {
        const wait = Math.ceil(this.options.halfOpenAfterMs / 1000);
        return { ok: false, error: new VendorUnavailableError(this.vendor, wait), attempts };
      }
      // Anything else (an SDK's own error, a bug): a call that did not give a usable answer.
      return {
        ok: false,
        error: new VendorCallError(this.vendor, operation, 'VendorUnreachableError'),
        attempts,
      };
    }
  }
}
