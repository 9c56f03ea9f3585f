import { vi } from 'vitest';

/** How long to keep looking, and how often. */
export interface PollOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * The tests' one way to wait for something that happens in the background: polls `condition` (vitest's
 * `vi.waitFor`) until it holds, and fails naming `what` when it has not within the timeout.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 10_000, intervalMs = 20 }: PollOptions = {},
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await condition())) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}

/** Polls `probe` until `accept` takes its value, and returns that value; fails naming `what` on timeout. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  { timeoutMs = 10_000, intervalMs = 20 }: PollOptions = {},
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (!accept(value)) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: intervalMs },
  );
}
