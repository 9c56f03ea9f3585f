import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** The keyed blind index of identities seen in evidence (duplicate identities across subjects). */
export class IdentityIndex1765100000000 implements MigrationInterface {
  name = 'IdentityIndex1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'identity_index',
        columns: [
          { name: 'token', type: 'varchar', length: '64', isPrimary: true },
          { name: 'session_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'kind', type: 'varchar', length: '24' },
          { name: 'subject_id', type: 'varchar', length: '128' },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'identity_index',
      new TableIndex({ name: 'identity_index_subject', columnNames: ['subject_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('identity_index');
  }
}
