import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

/** Buckets per window: a hit is counted in the bucket of its time, 1/60 of the window wide (1 s of a minute). */
const BUCKETS = 60;
/** How often keys whose window holds no hit are forgotten. */
const SWEEP_MS = 60_000;

interface Window {
  /** Start time of each non-empty bucket, oldest first; `counts[i]` hits fell in the bucket starting `starts[i]`. */
  readonly starts: number[];
  readonly counts: number[];
  /** Index of the oldest bucket still in the window (buckets before it have left and are dropped in bulk). */
  head: number;
  total: number;
  /** The window and bucket width of the last request (ms). */
  ttl: number;
  width: number;
}

/**
 * The rate limiter's storage (the throttler's `ThrottlerStorage`, in memory, per instance): a sliding window of
 * per-bucket counts for each budget. Each request costs O(1) time and each budget at most 60 numbers of memory,
 * whatever the limit and the rate; the throttler's own storage keeps one timestamp per hit and scans them all on
 * every request (O(limit)), and spreads them into one call (`Math.min(...hits)`), which throws from about 200,000
 * hits in a window.
 *
 * A bucket leaves the window one window after its end, so a hit is counted for at least the whole window and at most
 * one bucket (a second of a minute) longer: the limit is never exceeded in any window; `Retry-After` is the time until
 * the oldest bucket leaves. Only `blockDuration` 0 is supported (the limiter blocks for as long as the window is full).
 */
export class SlidingWindowStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<{ totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number }> {
    this.ensureSweep();
    const now = this.now();
    const width = Math.max(1, Math.ceil(ttl / BUCKETS));
    const id = `${throttlerName}\n${key}`;
    let window = this.windows.get(id);
    if (window === undefined) {
      window = { starts: [], counts: [], head: 0, total: 0, ttl, width };
      this.windows.set(id, window);
    }
    window.ttl = ttl;
    window.width = width;
    drop(window, now);
    const isBlocked = window.total >= limit;
    if (!isBlocked) {
      const start = now - (now % width);
      const last = window.starts.length - 1;
      if (last >= window.head && window.starts[last] === start) {
        window.counts[last] = (window.counts[last] ?? 0) + 1;
      } else {
        window.starts.push(start);
        window.counts.push(1);
      }
      window.total += 1;
    }
    const oldest = window.starts[window.head];
    const untilOldestLeaves = oldest === undefined ? ttl : oldest + width + ttl - now;
    const seconds = Math.max(1, Math.ceil(untilOldestLeaves / 1000));
    return Promise.resolve({
      totalHits: window.total + (isBlocked ? 1 : 0),
      timeToExpire: seconds,
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds : 0,
    });
  }

  /** Budgets held in memory now (for tests and the sweep). */
  get size(): number {
    return this.windows.size;
  }

  /** Forgets every budget whose window holds no hit any more. */
  sweep(): void {
    const now = this.now();
    for (const [id, window] of this.windows) {
      drop(window, now);
      if (window.total === 0) this.windows.delete(id);
    }
  }

  onApplicationShutdown(): void {
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private ensureSweep(): void {
    if (this.sweeper !== undefined) return;
    this.sweeper = setInterval(() => {
      this.sweep();
    }, SWEEP_MS);
    this.sweeper.unref();
  }
}

/** Drops the buckets that have left the window (their end plus the window is past). */
function drop(window: Window, now: number): void {
  const { width, ttl } = window;
  while (window.head < window.starts.length && (window.starts[window.head] ?? 0) + width + ttl <= now) {
    window.total -= window.counts[window.head] ?? 0;
    window.head += 1;
  }
  // Compact once the dropped prefix is as long as what is left: amortised O(1) per bucket.
  if (window.head > 0 && window.head * 2 >= window.starts.length) {
    window.starts.splice(0, window.head);
    window.counts.splice(0, window.head);
    window.head = 0;
  }
}
