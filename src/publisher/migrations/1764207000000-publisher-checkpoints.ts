import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

export class PublisherCheckpoints1764207000000 implements MigrationInterface {
  name = 'PublisherCheckpoints1764207000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'publisher_checkpoints',
        columns: [
          { name: 'name', type: 'varchar', length: '200', isPrimary: true },
          { name: 'position', type: 'bigint' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('publisher_checkpoints');
  }
}
