import { describe, expect, it } from 'vitest';
import { ProjectionProgress } from '../../src/projections/core/projection-progress';
import type { ProjectionStore } from '../../src/projections/core/projection-store';

/*
 * A query without X-Min-Position waits for a projection only where it applies here and is not failing: a runner
 * retrying after errors would otherwise hold every such read for the whole bound.
 */
describe('ProjectionProgress.appliesHere', () => {
  // Nothing here reads a checkpoint row: the store is never asked.
  const progress = (): ProjectionProgress => new ProjectionProgress({} as ProjectionStore);

  it('is true only while a local runner applies the projection without failing', () => {
    const p = progress();
    expect(p.appliesHere('verification_status')).toBe(false);
    p.setLocal('verification_status', true);
    expect(p.appliesHere('verification_status')).toBe(true);
    expect(p.appliesHere('review_queue')).toBe(false);
    p.setLocal('verification_status', true, true);
    expect(p.appliesHere('verification_status')).toBe(false);
    p.setLocal('verification_status', true, false);
    expect(p.appliesHere('verification_status')).toBe(true);
    p.setLocal('verification_status', false);
    expect(p.appliesHere('verification_status')).toBe(false);
  });

  it('forgets a failing runner once it stops applying, and starts clean when it applies again', () => {
    const p = progress();
    p.setLocal('audit_timeline', true, true);
    p.setLocal('audit_timeline', false, true);
    expect(p.appliesHere('audit_timeline')).toBe(false);
    p.setLocal('audit_timeline', true);
    expect(p.appliesHere('audit_timeline')).toBe(true);
  });
});
