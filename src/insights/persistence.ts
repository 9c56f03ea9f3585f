import type { MigrationInterface } from 'typeorm';
import { InsightsSessionEntity } from './insights-session.entity';
import { InsightsSessions1765300000000 } from './migrations/1765300000000-insights-sessions';
import { InsightsCoveringIndex1765400000000 } from './migrations/1765400000000-insights-covering-index';
import { InsightsCallbackLatency1765600000000 } from './migrations/1765600000000-insights-callback-latency';

/** TypeORM entities and migrations of this feature; the central lists in src/app/persistence include them. */
export const ENTITIES: readonly (new () => object)[] = [InsightsSessionEntity];
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [
  InsightsSessions1765300000000,
  InsightsCoveringIndex1765400000000,
  InsightsCallbackLatency1765600000000,
];
