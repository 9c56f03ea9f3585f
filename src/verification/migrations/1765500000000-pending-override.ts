import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * The override awaiting a second approver (four eyes), if any: which, asking for what, by whom and since when;
 * indexed for the senior reviewers' inbox (`GET /v1/verifications?pendingOverride=true`), oldest first.
 */
export class PendingOverride1765500000000 implements MigrationInterface {
  name = 'PendingOverride1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('verification_status', COLUMNS);
    await queryRunner.createIndex('verification_status', INDEX);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('verification_status', INDEX.name ?? '');
    for (const column of COLUMNS) await queryRunner.dropColumn('verification_status', column.name);
  }
}

const COLUMNS = [
  new TableColumn({ name: 'pending_override_id', type: 'varchar', length: '128', isNullable: true }),
  new TableColumn({ name: 'pending_override_outcome', type: 'varchar', length: '16', isNullable: true }),
  new TableColumn({ name: 'pending_override_by', type: 'varchar', length: '128', isNullable: true }),
  new TableColumn({ name: 'pending_override_at', type: 'varchar', length: '30', isNullable: true }),
];

const INDEX = new TableIndex({
  name: 'idx_verification_status_pending_override',
  columnNames: ['pending_override_at'],
});
