import { retentionProjection } from '../../retention/retention.projection';
import type { Projection } from '../core/projection';
import { consentsProjection } from './consents.projection';
import { reviewQueueProjection } from './review-queue.projection';
import { timelineProjection } from './timeline.projection';
import { verificationStatusProjection } from './verification-status.projection';

export { SUBJECT_CONSENTS } from './consents.projection';
export { REVIEW_QUEUE } from './review-queue.projection';
export { AUDIT_TIMELINE } from './timeline.projection';
export { VERIFICATION_STATUS } from './verification-status.projection';
export { RETENTION } from '../../retention/retention.projection';

/** Every projection the service runs, by name. */
export const PROJECTIONS: readonly Projection[] = [
  verificationStatusProjection,
  timelineProjection,
  reviewQueueProjection,
  consentsProjection,
  retentionProjection,
];

export function projectionNamed(name: string): Projection | undefined {
  return PROJECTIONS.find((projection) => projection.name === name);
}
