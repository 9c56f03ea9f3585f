import { describe, expect, it, vi } from 'vitest';
import { LocalLeases } from '../../src/platform/workers/advisory-lock';
import { Backoff } from '../../src/platform/workers/backoff';
import { every, Worker, type WorkerContext, type WorkerState } from '../../src/platform/workers/worker';

/** A body that waits, as a follower does, until it is told to stop. */
async function untilStopped(context: WorkerContext): Promise<void> {
  await new Promise<void>((resolve) => {
    if (context.signal.aborted) resolve();
    context.signal.addEventListener(
      'abort',
      () => {
        resolve();
      },
      { once: true },
    );
  });
}

class Flaky extends Error {}

describe('Backoff', () => {
  it('grows from the initial delay up to the maximum, with jitter, and starts over after a reset', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000 });
    const first = Array.from({ length: 12 }, () => backoff.next());
    for (const delay of first) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(1000);
    }
    expect(first.at(-1)).toBe(1000);
    expect(first[0]).toBeLessThan(400);
    backoff.reset();
    expect(backoff.next()).toBeLessThan(400);
  });
});

describe(Worker.name, () => {
  it('starts the body again after a failure, reports the failure by class only, and forgets it on progress', async () => {
    let runs = 0;
    const states: WorkerState[] = [];
    const failed: string[] = [];
    const worker = new Worker({
      name: 'flaky',
      backoff: { initialMs: 1, maxMs: 5 },
      observer: { stateChanged: (_, s) => states.push(s), failed: (_, c) => failed.push(c) },
      run: async (context) => {
        runs += 1;
        if (runs <= 2) throw new Flaky('subject sub_123 could not be read');
        context.succeeded();
        await untilStopped(context);
      },
    });
    worker.start();
    await vi.waitFor(() => {
      expect(runs).toBe(3);
      expect(worker.state).toBe('active');
    });
    expect(failed).toEqual(['Flaky', 'Flaky']);
    expect(states).toEqual(['active', 'failing', 'active']);
    const status = worker.status();
    expect(status).toMatchObject({ consecutiveFailures: 0, failingSince: undefined, restarts: 2 });
    expect(JSON.stringify(status)).not.toContain('sub_123');
    await worker.stop();
    expect(worker.state).toBe('stopped');
  });

  it('holds the failure while the body keeps failing: class, since when, how many', async () => {
    const worker = new Worker({
      name: 'down',
      backoff: { initialMs: 1, maxMs: 2 },
      now: () => new Date('2026-12-06T10:00:00.000Z'),
      run: () => Promise.reject(new Flaky('nope')),
    });
    worker.start();
    await vi.waitFor(() => {
      expect(worker.status().consecutiveFailures).toBeGreaterThanOrEqual(3);
    });
    expect(worker.status()).toMatchObject({
      state: 'failing',
      lastError: 'Flaky',
      failingSince: '2026-12-06T10:00:00.000Z',
    });
    await worker.stop();
  });

  it('stops at once although it is asleep in a long backoff', async () => {
    let runs = 0;
    const worker = new Worker({
      name: 'sleepy',
      backoff: { initialMs: 3_600_000, maxMs: 3_600_000 },
      run: () => {
        runs += 1;
        return Promise.reject(new Flaky());
      },
    });
    worker.start();
    await vi.waitFor(() => {
      expect(worker.state).toBe('failing');
    });
    const stopped = await Promise.race([
      worker.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(resolve, 2000, 'still asleep')),
    ]);
    expect(stopped).toBe('stopped');
    expect(runs).toBe(1);
  });

  it('lets a verdict retry at once without counting, or wait longer than the backoff', async () => {
    let runs = 0;
    const verdicts: number[] = [];
    const worker = new Worker({
      name: 'moved',
      backoff: { initialMs: 3_600_000, maxMs: 3_600_000 },
      onFailure: (error, consecutive) => {
        verdicts.push(consecutive);
        return error instanceof Flaky ? { retryInMs: 0, counted: false } : undefined;
      },
      run: async (context) => {
        runs += 1;
        if (runs <= 3) throw new Flaky();
        await untilStopped(context);
      },
    });
    worker.start();
    await vi.waitFor(() => {
      expect(runs).toBe(4);
    });
    expect(worker.status()).toMatchObject({ state: 'active', consecutiveFailures: 0, restarts: 3 });
    expect(verdicts).toEqual([1, 1, 1]);
    await worker.stop();
  });

  it('counts a body that ends on its own as a failure, not as done', async () => {
    let runs = 0;
    const worker = new Worker({
      name: 'ends',
      backoff: { initialMs: 1, maxMs: 1 },
      run: () => {
        runs += 1;
        return Promise.resolve();
      },
    });
    worker.start();
    await vi.waitFor(() => {
      expect(runs).toBeGreaterThanOrEqual(2);
    });
    expect(worker.status().lastError).toBe('WorkerReturnedError');
    await worker.stop();
  });

  it('stands by while another holds the lease, takes it when freed, and stands by again when it is lost', async () => {
    const leases = new LocalLeases();
    const other = await leases.tryAcquire('projection', 'p');
    expect(other).toBeDefined();
    let bodies = 0;
    let abortedBodies = 0;
    const states: WorkerState[] = [];
    const worker = new Worker({
      name: 'leased',
      observer: { stateChanged: (_, s) => states.push(s), failed: () => undefined },
      lease: { leases, kind: 'projection', name: 'p', retryMs: 1 },
      run: async (context) => {
        bodies += 1;
        expect(context.lease?.held).toBe(true);
        await untilStopped(context);
        abortedBodies += 1;
      },
    });
    worker.start();
    await vi.waitFor(() => {
      expect(worker.state).toBe('standby');
    });
    expect(bodies).toBe(0);
    await other?.release();
    await vi.waitFor(() => {
      expect(worker.state).toBe('active');
      expect(bodies).toBe(1);
    });
    // The database session ends: every lease of this process is lost; the body is told to stop, the worker
    // stands by and, the lease being free, takes it again.
    await leases.close();
    await vi.waitFor(() => {
      expect(abortedBodies).toBe(1);
      expect(bodies).toBe(2);
    });
    expect(states).toEqual(['standby', 'active', 'standby', 'active']);
    expect(worker.status()).toMatchObject({ consecutiveFailures: 0, restarts: 1 });
    await worker.stop();
  });

  it('releases its lease when stopped, so a standby can take over', async () => {
    const leases = new LocalLeases();
    const worker = new Worker({
      name: 'first',
      lease: { leases, kind: 'publisher', name: 'kyc', retryMs: 1 },
      run: untilStopped,
    });
    worker.start();
    await vi.waitFor(() => {
      expect(worker.state).toBe('active');
    });
    expect(await leases.tryAcquire('publisher', 'kyc')).toBeUndefined();
    // Another kind with the same name is another lease.
    expect(await leases.tryAcquire('projection', 'kyc')).toBeDefined();
    await worker.stop();
    expect(await leases.tryAcquire('publisher', 'kyc')).toBeDefined();
  });

  it('runs a periodic tick; wake() brings the next tick forward, also when it came while the tick ran', async () => {
    let ticks = 0;
    let release: (() => void) | undefined;
    const worker = new Worker({
      name: 'periodic',
      run: every(3_600_000, async () => {
        ticks += 1;
        if (ticks === 1) await new Promise<void>((resolve) => (release = resolve));
      }),
    });
    worker.start();
    expect(ticks).toBe(0);
    worker.wake();
    await vi.waitFor(() => {
      expect(ticks).toBe(1);
      expect(release).toBeDefined();
    });
    // A wake while the first tick is still running is not lost.
    worker.wake();
    release?.();
    await vi.waitFor(() => {
      expect(ticks).toBe(2);
    });
    await worker.stop();
    expect(ticks).toBe(2);
  });
});
