import { automaticDecision, POLICY_ACTOR } from '../../audit/explanation';
import type { ReviewQueueItemEntity } from '../read-models/review-queue-item.entity';
import type { TimelineEntryEntity } from '../read-models/timeline-entry.entity';
import type { VerificationStatusEntity } from '../read-models/verification-status.entity';
import type { ReviewQueueItemView, TimelineEntryView, VerificationStatusView } from './query.dto';

/* Read-model rows as the API shows them. */

export function statusView(row: VerificationStatusEntity): VerificationStatusView {
  return {
    sessionId: row.sessionId,
    subjectId: row.subjectId,
    status: row.status,
    tier: row.tier,
    jurisdiction: row.jurisdiction,
    segment: row.segment,
    reasonCodes: row.reasonCodes,
    policyHash: row.policyHash,
    attempts: row.attempts,
    updatedAt: row.updatedAt,
    position: row.position,
    requiredChecks: row.requiredChecks,
    ...(row.decidedBy === null ? {} : { decidedBy: row.decidedBy }),
    policyVersion: row.policyVersion,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

export function timelineEntryView(row: TimelineEntryEntity): TimelineEntryView {
  // An automatic decision is the policy's, not that of whoever triggered the evaluation (the stored event and
  // its row keep that actor; this is presentation only).
  const actor = automaticDecision(row.type, row.details) ? POLICY_ACTOR : row.actor;
  return {
    position: row.position,
    eventId: row.eventId,
    type: row.type,
    action: row.action,
    stream: row.sessionId === null ? 'subject' : 'verification',
    ...(row.sessionId === null ? {} : { sessionId: row.sessionId }),
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    actor,
    reasonCodes: row.reasonCodes,
    ...(row.policyHash === null ? {} : { policyHash: row.policyHash }),
    details: row.details,
    correlationId: row.correlationId,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

export function queueItemView(row: ReviewQueueItemEntity, now: Date): ReviewQueueItemView {
  return {
    sessionId: row.sessionId,
    queue: row.queue,
    priority: row.priority,
    reasons: row.reasons,
    slaDueAt: row.slaDueAt,
    slaBreached: Date.parse(row.slaDueAt) < now.getTime(),
    requestedAt: row.requestedAt,
    ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(row.requestedAt)) / 1000)),
    attempt: row.attempt,
    ...(row.assignee === null ? {} : { assignee: row.assignee }),
    ...(row.assignedAt === null ? {} : { assignedAt: row.assignedAt }),
    position: row.position,
  };
}
