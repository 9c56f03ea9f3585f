import type { MigrationInterface } from 'typeorm';
import { ProjectionCheckpointEntity } from './core/checkpoint.entity';
import { ParkedEventEntity } from './core/parked-event.entity';
import { Projections1764210000000 } from './migrations/1764210000000-projections';
import { ReviewQueueItemEntity } from './read-models/review-queue-item.entity';
import { ConsentHistoryEntity, SubjectConsentEntity } from './read-models/subject-consent.entity';
import { TimelineEntryEntity, TimelineSessionEntity } from './read-models/timeline-entry.entity';
import { VerificationStatusEntity } from './read-models/verification-status.entity';

/** TypeORM entities and migrations of this feature; the central lists in src/persistence include them. */
export const ENTITIES: readonly (new () => object)[] = [
  ProjectionCheckpointEntity,
  ParkedEventEntity,
  VerificationStatusEntity,
  TimelineEntryEntity,
  TimelineSessionEntity,
  ReviewQueueItemEntity,
  SubjectConsentEntity,
  ConsentHistoryEntity,
];
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [Projections1764210000000];
