import type { MigrationInterface } from 'typeorm';
import { PublisherCheckpoints1764207000000 } from './migrations/1764207000000-publisher-checkpoints';
import { PublisherCheckpointEntity } from './publisher-checkpoint.entity';

/** TypeORM entities and migrations of this feature; the central lists in src/app/persistence include them. */
export const ENTITIES: readonly (new () => object)[] = [PublisherCheckpointEntity];
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [PublisherCheckpoints1764207000000];
