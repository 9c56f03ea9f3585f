import { ExponentialBackoff, type IBackoff } from 'cockatiel';

export interface BackoffOptions {
  /** The first delay, in milliseconds (decorrelated jitter spreads it). */
  readonly initialMs: number;
  /** No delay is longer. */
  readonly maxMs: number;
}

/**
 * Delays between attempts after consecutive failures: exponential with decorrelated jitter (cockatiel's
 * `ExponentialBackoff`), so instances that failed together do not retry together. `reset` after a success.
 */
export class Backoff {
  private readonly factory: ExponentialBackoff<unknown>;
  private current: IBackoff<unknown> | undefined;

  constructor(readonly options: BackoffOptions) {
    this.factory = new ExponentialBackoff({
      initialDelay: options.initialMs,
      maxDelay: options.maxMs,
    });
  }

  /** The delay before the next attempt; each call after a failure grows it up to `maxMs`. */
  next(): number {
    this.current = this.current === undefined ? this.factory.next() : this.current.next(undefined);
    return Math.round(Math.min(this.options.maxMs, this.current.duration));
  }

  reset(): void {
    this.current = undefined;
  }
}
