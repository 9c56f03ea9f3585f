import { setTimeout as delay } from 'node:timers/promises';

/**
 * Waits `ms`, or less when `signal` aborts first; never rejects. The timer does not keep the process alive, so
 * a loop asleep in it never holds up an exit.
 */
export async function stoppableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return;
  try {
    await delay(ms, undefined, { signal, ref: false });
  } catch {
    // Aborted: the caller looks at the signal.
  }
}
