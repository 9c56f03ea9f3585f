import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * When each relationship end was recorded: the shred grace period runs from it. Ends recorded before this
 * version get the time of the upgrade, so no subject loses its grace period to the upgrade (a rebuild of the
 * retention projection puts in the recorded times).
 */
export class RetentionGrace1764240000000 implements MigrationInterface {
  name = 'RetentionGrace1764240000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'retention_subjects',
      new TableColumn({
        name: 'relationship_end_recorded_at',
        type: 'varchar',
        length: '30',
        isNullable: true,
      }),
    );
    const postgres = queryRunner.dataSource.options.type === 'postgres';
    await queryRunner.query(
      `UPDATE retention_subjects SET relationship_end_recorded_at = ${postgres ? '$1' : '?'}
       WHERE relationship_ended_at IS NOT NULL`,
      [new Date().toISOString()],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('retention_subjects', 'relationship_end_recorded_at');
  }
}
