import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/*
 * The insights read model: one row per verification session with the dimensions and counters the KPIs group and
 * sum (docs/insights.md). Written out, not derived from the entity, so the migration stays what it was when it ran.
 */

const TABLE = 'insights_sessions';

export class InsightsSessions1765300000000 implements MigrationInterface {
  name = 'InsightsSessions1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: TABLE,
        columns: [
          {
            name: 'session_id',
            type: 'varchar',
            length: '128',
            isPrimary: true,
            primaryKeyConstraintName: 'pk_insights_sessions',
          },
          { name: 'started_day', type: 'varchar', length: '10' },
          { name: 'started_at', type: 'varchar', length: '30' },
          { name: 'country', type: 'varchar', length: '8' },
          { name: 'segment', type: 'text' },
          { name: 'policy_version', type: 'text' },
          { name: 'device_class', type: 'text', isNullable: true },
          { name: 'document_type', type: 'text', isNullable: true },
          { name: 'vendor', type: 'text', isNullable: true },
          { name: 'last_step', type: 'varchar', length: '16' },
          { name: 'submissions_ok', type: 'integer' },
          { name: 'resubmissions', type: 'integer' },
          { name: 'liveness_passed', type: 'integer', isNullable: true },
          { name: 'vendor_errors', type: 'integer' },
          { name: 'vendor_calls', type: 'integer' },
          { name: 'outcome', type: 'varchar', length: '32', isNullable: true },
          { name: 'reviewed', type: 'integer' },
          { name: 'sla_breached', type: 'integer' },
          { name: 'decided_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'decision_ms', type: 'bigint', isNullable: true },
          { name: 'review_requested_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'position', type: 'bigint' },
        ],
      }),
    );
    for (const index of INDEXES) await queryRunner.createIndex(TABLE, index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable(TABLE);
  }
}

/** The day range, and each grouping or filter column with the day (a filtered range reads one index range). */
const INDEXES = [
  new TableIndex({ name: 'idx_insights_sessions_day', columnNames: ['started_day'] }),
  new TableIndex({ name: 'idx_insights_sessions_country_day', columnNames: ['country', 'started_day'] }),
  new TableIndex({ name: 'idx_insights_sessions_device_day', columnNames: ['device_class', 'started_day'] }),
  new TableIndex({
    name: 'idx_insights_sessions_document_day',
    columnNames: ['document_type', 'started_day'],
  }),
  new TableIndex({ name: 'idx_insights_sessions_vendor_day', columnNames: ['vendor', 'started_day'] }),
  new TableIndex({
    name: 'idx_insights_sessions_policy_day',
    columnNames: ['policy_version', 'started_day'],
  }),
  // Queue depth and age: the sessions waiting for a review.
  new TableIndex({ name: 'idx_insights_sessions_review', columnNames: ['review_requested_at'] }),
];
