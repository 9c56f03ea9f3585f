import { isVerificationEventType } from '../domain/verification';
import type { Projection } from '../projections/core/projection';
import { put, remove, rowKey } from '../projections/core/projection';
import { ProjectionEventError } from '../projections/projection.errors';
import { ReviewQueueItemEntity } from './review-queue-item.entity';
import { decoding } from '../projections/core/event-data';

export const REVIEW_QUEUE = 'review_queue';

/** Events after which a session no longer waits for a reviewer. */
const CLOSING = new Set([
  'ReviewCompleted',
  'VerificationApproved',
  'VerificationRejected',
  'VerificationExpired',
  'VerificationClosed',
  'ResubmissionRequested',
]);

/** Pending reviews with their triage fields and assignee. */
export const reviewQueueProjection: Projection = decoding({
  name: REVIEW_QUEUE,
  streams: ['verification'],
  entities: [ReviewQueueItemEntity],
  keysOf: (event) => [rowKey(ReviewQueueItemEntity, { sessionId: event.streamId })],
  apply(event, rows) {
    const { type, body: data } = event;
    if (!isVerificationEventType(type)) {
      throw new ProjectionEventError('unknown_event_type', `${type} is not a verification event`);
    }
    const sessionId = event.streamId;
    const item = rows.get(ReviewQueueItemEntity, { sessionId });
    if (type === 'ReviewRequested') {
      return [
        put(ReviewQueueItemEntity, {
          sessionId,
          queue: data.string('queue'),
          priority: data.integer('priority'),
          reasons: data.strings('reasons'),
          slaDueAt: data.instant('slaDueAt'),
          requestedAt: data.instant('requestedAt'),
          attempt: data.integer('attempt'),
          assignee: null,
          assignedAt: null,
          position: event.position,
        }),
      ];
    }
    if (item === undefined) return [];
    if (type === 'ReviewerAssigned') {
      return [
        put(ReviewQueueItemEntity, {
          ...item,
          assignee: data.string('reviewerId'),
          assignedAt: data.instant('assignedAt'),
          position: event.position,
        }),
      ];
    }
    if (type === 'ReviewSlaBreached') {
      // Escalated: up the triage order, into the escalation queue.
      return [
        put(ReviewQueueItemEntity, {
          ...item,
          priority: data.integer('escalatedPriority'),
          queue: data.string('escalationQueue'),
          position: event.position,
        }),
      ];
    }
    if (CLOSING.has(type)) return [remove(ReviewQueueItemEntity, { sessionId })];
    return [];
  },
});
