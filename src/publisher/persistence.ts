import type { MigrationInterface } from 'typeorm';

/** TypeORM entities and migrations of this feature; the central lists in src/persistence include them. */
export const ENTITIES: readonly (new () => object)[] = [];
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [];
