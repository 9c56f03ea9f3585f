import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteEventStore } from '../../src/ledger/sqlite/sqlite-event-store';
import { notedEvent } from '../support/noted-event';

/*
 * The embedded store wakes the live subscriptions of its process at most once per `wakeIntervalMs`: the first
 * commit after a quiet spell at once, the commits within the window after a wake together at its end. Time is
 * faked (timers and `performance.now()`), so "not yet delivered" is a fact about the window, not a race; the
 * store's own flush runs on `setImmediate`, which stays real. Polling for other processes' appends is set far
 * out, so the window is the only wake-up source here.
 */

const WINDOW_MS = 40;

const event = notedEvent;

/** Lets every wake-up already due run to the point where the follower waits again. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

interface Follower {
  readonly delivered: string[];
  readonly done: Promise<void>;
}

/** A live follower from the start of the log, recording the ids it is handed, in order. */
function follow(store: SqliteEventStore): Follower {
  const delivered: string[] = [];
  const subscription = store.subscribeAll();
  const done = (async () => {
    for await (const message of subscription) {
      if (message.kind === 'event') delivered.push(message.event.eventId);
    }
  })();
  return { delivered, done };
}

let store: SqliteEventStore | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  vi.useRealTimers();
});

describe('SqliteEventStore follower wake-ups', () => {
  it('wakes at once after a quiet spell, and once at the end of the window for the commits within it', async () => {
    store = new SqliteEventStore(':memory:', { wakeIntervalMs: WINDOW_MS, pollIntervalMs: 3_600_000 });
    const follower = follow(store);
    await settle();

    const first = event();
    await store.append('kyc-subject-a', [first], 'no_stream');
    await settle();
    expect(follower.delivered).toEqual([first.eventId]);

    // Two more commits inside the window: not delivered until it ends, then both at once.
    const second = event();
    const third = event();
    await store.append('kyc-subject-a', [second], 0);
    await store.append('kyc-subject-b', [third], 'no_stream');
    await settle();
    expect(follower.delivered).toEqual([first.eventId]);
    expect(vi.getTimerCount()).toBe(1);

    await vi.advanceTimersByTimeAsync(WINDOW_MS);
    await settle();
    expect(follower.delivered).toEqual([first.eventId, second.eventId, third.eventId]);

    // A quiet spell longer than the window: the next commit wakes at once again, with no timer set.
    vi.advanceTimersByTime(WINDOW_MS + 1);
    const fourth = event();
    await store.append('kyc-subject-c', [fourth], 'no_stream');
    await settle();
    expect(follower.delivered.at(-1)).toBe(fourth.eventId);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('wakes a pending window at once for a reader waiting for its own write', async () => {
    store = new SqliteEventStore(':memory:', { wakeIntervalMs: WINDOW_MS, pollIntervalMs: 3_600_000 });
    const follower = follow(store);
    await settle();
    const first = event();
    const second = event();
    await store.append('kyc-subject-a', [first], 'no_stream');
    await store.append('kyc-subject-b', [second], 'no_stream');
    await settle();
    expect(follower.delivered).toEqual([first.eventId]);
    // It names the last position this process committed (the second commit's), for the reader to wait for.
    expect(store.hurrySubscriptions()).toBe(2);
    await settle();
    expect(follower.delivered).toEqual([first.eventId, second.eventId]);
    expect(vi.getTimerCount()).toBe(0);
    // Nothing pending: hurrying again sets nothing, and names the same position.
    expect(store.hurrySubscriptions()).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('with a window of 0 wakes after every commit', async () => {
    store = new SqliteEventStore(':memory:', { wakeIntervalMs: 0, pollIntervalMs: 3_600_000 });
    const follower = follow(store);
    await settle();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const next = event();
      ids.push(next.eventId);
      await store.append(`kyc-subject-${String(i)}`, [next], 'no_stream');
      await settle();
      expect(follower.delivered).toEqual(ids);
    }
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closing with a wake-up pending ends the followers and leaves no timer behind', async () => {
    store = new SqliteEventStore(':memory:', { wakeIntervalMs: WINDOW_MS, pollIntervalMs: 3_600_000 });
    const follower = follow(store);
    await settle();
    await store.append('kyc-subject-a', [event()], 'no_stream');
    await store.append('kyc-subject-b', [event()], 'no_stream');
    expect(vi.getTimerCount()).toBe(1);
    await store.close();
    await follower.done;
    expect(vi.getTimerCount()).toBe(0);
  });

  /*
   * Invariants, for any interleaving of commits (of one or more events) and passing time:
   * - a follower is only ever handed a prefix of the log, in order, each event once;
   * - once a window has passed since the last commit, it has been handed everything;
   * - a commit after two quiet windows is handed over without any time passing (a wake-up comes at most one
   *   window after the commit that asked for it, and the next may come one window after that).
   */
  it('hands every follower the whole log, in order, at most one window late (property)', async () => {
    type Step = { kind: 'append'; events: number } | { kind: 'wait'; ms: number };
    const step = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), events: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 2 * WINDOW_MS }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps: Step[]) => {
        const own = new SqliteEventStore(':memory:', {
          wakeIntervalMs: WINDOW_MS,
          pollIntervalMs: 3_600_000,
        });
        try {
          const followers = [follow(own), follow(own)];
          await settle();
          const log: string[] = [];
          let sinceCommit = Number.POSITIVE_INFINITY;
          let n = 0;
          for (const s of steps) {
            if (s.kind === 'wait') {
              await vi.advanceTimersByTimeAsync(s.ms);
              sinceCommit += s.ms;
            } else {
              const quiet = sinceCommit >= 2 * WINDOW_MS;
              const batch = Array.from({ length: s.events }, event);
              n += 1;
              await own.append(`kyc-subject-${String(n)}`, batch, 'no_stream');
              log.push(...batch.map((e) => e.eventId));
              sinceCommit = 0;
              await settle();
              if (quiet) for (const f of followers) expect(f.delivered).toEqual(log);
            }
            await settle();
            for (const f of followers) expect(log.slice(0, f.delivered.length)).toEqual(f.delivered);
            if (sinceCommit >= WINDOW_MS) for (const f of followers) expect(f.delivered).toEqual(log);
          }
          await vi.advanceTimersByTimeAsync(WINDOW_MS);
          await settle();
          for (const f of followers) expect(f.delivered).toEqual(log);
        } finally {
          await own.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
