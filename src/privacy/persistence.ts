import type { MigrationInterface } from 'typeorm';
import { Retention1764220000000 } from './migrations/1764220000000-retention';
import { RetentionGrace1764240000000 } from './migrations/1764240000000-retention-grace';
import { RetentionClassEntity, RetentionSessionEntity, RetentionSubjectEntity } from './retention.entities';

/** TypeORM entities and migrations of this feature; the central lists in src/app/persistence include them. */
export const ENTITIES: readonly (new () => object)[] = [
  RetentionClassEntity,
  RetentionSubjectEntity,
  RetentionSessionEntity,
];
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [
  Retention1764220000000,
  RetentionGrace1764240000000,
];
