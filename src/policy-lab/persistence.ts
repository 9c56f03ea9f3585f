import type { MigrationInterface } from 'typeorm';
import { ShadowEvaluations1765200000000 } from './migrations/1765200000000-shadow-evaluations';
import { ShadowCheckpointEntity, ShadowEvaluationEntity } from './shadow-evaluation.entity';

/**
 * TypeORM entities and migrations of this feature; the central lists in src/app/persistence include them. The
 * shadow evaluations are a read model the shadow evaluator keeps, following the log from its own checkpoint.
 */
export const ENTITIES: readonly (new () => object)[] = [ShadowEvaluationEntity, ShadowCheckpointEntity];
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [ShadowEvaluations1765200000000];
