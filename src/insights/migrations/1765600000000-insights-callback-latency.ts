import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { INSIGHTS_KPI_COLUMNS } from './1765400000000-insights-covering-index';

/**
 * Callback latency: per session, the slowest vendor result's delay from the vendor's own timestamp to its arrival
 * here. The covering index of the KPI query is rebuilt to include it, so its sum, count and maximum are read in
 * the same index-only scan as every count.
 */
export class InsightsCallbackLatency1765600000000 implements MigrationInterface {
  name = 'InsightsCallbackLatency1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'insights_sessions',
      new TableColumn({ name: 'callback_ms', type: 'bigint', isNullable: true }),
    );
    await queryRunner.dropIndex('insights_sessions', 'idx_insights_sessions_kpis');
    await queryRunner.createIndex(
      'insights_sessions',
      new TableIndex({
        name: 'idx_insights_sessions_kpis',
        columnNames: [...INSIGHTS_KPI_COLUMNS, 'callback_ms'],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('insights_sessions', 'idx_insights_sessions_kpis');
    await queryRunner.createIndex(
      'insights_sessions',
      new TableIndex({ name: 'idx_insights_sessions_kpis', columnNames: INSIGHTS_KPI_COLUMNS }),
    );
    await queryRunner.dropColumn('insights_sessions', 'callback_ms');
  }
}
