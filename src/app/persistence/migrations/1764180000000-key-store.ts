import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

export class KeyStore1764180000000 implements MigrationInterface {
  name = 'KeyStore1764180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'data_keys',
        columns: [
          { name: 'key_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'subject_id', type: 'varchar', length: '128' },
          { name: 'data_class', type: 'varchar', length: '40' },
          { name: 'wrapped_key', type: 'varchar', length: '200', isNullable: true },
          { name: 'kek_id', type: 'varchar', length: '16' },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'destroyed_at', type: 'varchar', length: '30', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'data_keys',
      new TableIndex({
        name: 'data_keys_active',
        columnNames: ['subject_id', 'data_class'],
        isUnique: true,
        where: 'destroyed_at IS NULL',
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'kek_check',
        columns: [
          { name: 'kek_id', type: 'varchar', length: '16', isPrimary: true },
          { name: 'sealed', type: 'varchar', length: '200' },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('kek_check');
    await queryRunner.dropTable('data_keys');
  }
}
