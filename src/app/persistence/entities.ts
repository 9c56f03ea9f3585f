import { IdempotencyRecordEntity } from '../../platform/http/idempotency/idempotency-record.entity';
import { AuditLeafEntity } from '../../audit/audit-leaf.entity';
import { DataKeyEntity, KekCheckEntity } from '../../ledger/crypto/data-key.entity';
import { IdentityIndexEntity } from '../../ledger/crypto/identity-index.entity';
import { TimelineEntryEntity, TimelineSessionEntity } from '../../audit/timeline/timeline-entry.entity';
import { ReviewQueueItemEntity } from '../../review/review-queue-item.entity';
import { ConsentHistoryEntity, SubjectConsentEntity } from '../../subjects/subject-consent.entity';
import { VerificationStatusEntity } from '../../verification/verification-status.entity';
import { ENTITIES as PROJECTION_ENTITIES } from '../../projections/persistence';
import { ENTITIES as PUBLISHER_ENTITIES } from '../../publisher/persistence';
import { ENTITIES as RETENTION_ENTITIES } from '../../privacy/persistence';
import { ENTITIES as WEBHOOK_ENTITIES } from '../../webhooks/persistence';
import { ENTITIES as POLICY_LAB_ENTITIES } from '../../policy-lab/persistence';
import { ENTITIES as INSIGHTS_ENTITIES } from '../../insights/persistence';

/** Every TypeORM entity of the read-model / key-store database. Features list theirs in their persistence.ts. */
export const ENTITIES = [
  DataKeyEntity,
  KekCheckEntity,
  IdentityIndexEntity,
  IdempotencyRecordEntity,
  AuditLeafEntity,
  ...PROJECTION_ENTITIES,
  VerificationStatusEntity,
  TimelineEntryEntity,
  TimelineSessionEntity,
  ReviewQueueItemEntity,
  SubjectConsentEntity,
  ConsentHistoryEntity,
  ...PUBLISHER_ENTITIES,
  ...WEBHOOK_ENTITIES,
  ...RETENTION_ENTITIES,
  ...POLICY_LAB_ENTITIES,
  ...INSIGHTS_ENTITIES,
];
