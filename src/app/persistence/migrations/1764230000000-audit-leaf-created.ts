import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Leaves of version-2 checkpoints sign each event's store time as well as its hash and position, so the leaf
 * index keeps it to build proofs without reading the log. Rows of older checkpoints keep null (their leaves
 * never signed it).
 */
export class AuditLeafCreated1764230000000 implements MigrationInterface {
  name = 'AuditLeafCreated1764230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'audit_leaves',
      new TableColumn({ name: 'created', type: 'varchar', length: '40', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('audit_leaves', 'created');
  }
}
