import { insightsProjection } from '../insights/insights.projection';
import { retentionProjection } from '../privacy/retention.projection';
import type { Projection } from '../projections/core/projection';
import { consentsProjection } from '../subjects/consents.projection';
import { reviewQueueProjection } from '../review/review-queue.projection';
import { timelineProjection } from '../audit/timeline/timeline.projection';
import { verificationStatusProjection } from '../verification/verification-status.projection';

/** Every projection the service runs, by name: the features' read models, handed to the projection engine. */
export const PROJECTIONS: readonly Projection[] = [
  verificationStatusProjection,
  timelineProjection,
  reviewQueueProjection,
  consentsProjection,
  retentionProjection,
  insightsProjection,
];

export function projectionNamed(name: string): Projection | undefined {
  return PROJECTIONS.find((projection) => projection.name === name);
}
