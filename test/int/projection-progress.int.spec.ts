import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalLeases } from '../../src/platform/workers';
import { ProjectionProgress } from '../../src/projections/core/projection-progress';
import { ProjectionRunner } from '../../src/projections/core/projection-runner';
import { ProjectionStore } from '../../src/projections/core/projection-store';
import { verificationStatusProjection } from '../../src/verification/verification-status.projection';
import { writeHistory } from '../support/projection-fixtures';
import { type TempLedger, tempLedger } from '../support/temp-ledger';
import { until } from '../support/poll';

describe(ProjectionProgress.name, () => {
  let t: TempLedger;
  beforeEach(async () => {
    t = await tempLedger();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('sees commits of a runner in another instance through the checkpoint row, with one read for all waiters', async () => {
    await writeHistory(t.ledger, { subjects: 3, seed: 61 });
    const head = await t.store.headPosition();
    const db = new ProjectionStore(t.dataSource);
    const reads = vi.spyOn(db, 'checkpoint');
    const progress = new ProjectionProgress(db, 20);
    // Many readers wait; the runner (with no link to this progress: "elsewhere") commits later.
    const waiting = Array.from({ length: 50 }, () => progress.waitFor('verification_status', head, 5000));
    // The waiters are polling (a positive signal, not a pause) before the runner commits.
    await until(() => reads.mock.calls.length >= 3, 'the waiters polling the checkpoint row');
    await new ProjectionRunner({
      store: t.store,
      db: new ProjectionStore(t.dataSource),
      projection: verificationStatusProjection,
      leases: new LocalLeases(),
      now: () => new Date(),
    }).catchUp();
    const results = await Promise.all(waiting);
    expect(results.every((r) => r.reached && r.position === head)).toBe(true);
    // Polled about every 20 ms for a few ticks: a handful of reads, not one per waiter and tick.
    expect(reads.mock.calls.length).toBeLessThan(20);
  });

  it('gives up at the bound and reports how far the projection got', async () => {
    const progress = new ProjectionProgress(new ProjectionStore(t.dataSource), 10);
    progress.notify('review_queue', 7);
    const started = Date.now();
    expect(await progress.waitFor('review_queue', 8, 120)).toEqual({ reached: false, position: 7 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(await progress.waitFor('review_queue', 7, 0)).toEqual({ reached: true, position: 7 });
  });
});
