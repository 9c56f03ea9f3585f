import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

export class AuditLeaves1764195000000 implements MigrationInterface {
  name = 'AuditLeaves1764195000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_leaves',
        columns: [
          { name: 'event_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'position', type: 'bigint' },
          { name: 'stream', type: 'varchar', length: '160' },
          { name: 'revision', type: 'integer' },
          { name: 'event_hash', type: 'varchar', length: '64' },
          { name: 'checkpoint_sequence', type: 'integer' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'audit_leaves',
      new TableIndex({ name: 'audit_leaves_sequence', columnNames: ['checkpoint_sequence', 'position'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_leaves');
  }
}
