import type { MigrationInterface } from 'typeorm';
import { ProjectionCheckpointEntity } from './core/checkpoint.entity';
import { ParkedEventEntity } from './core/parked-event.entity';
import { Projections1764210000000 } from './migrations/1764210000000-projections';

/**
 * TypeORM entities and migrations of the projection engine (checkpoints, parked events). The first migration also
 * created the read-model tables of the features as they were then; the central lists in src/app/persistence
 * include these.
 */
export const ENTITIES: readonly (new () => object)[] = [ProjectionCheckpointEntity, ParkedEventEntity];
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [Projections1764210000000];
