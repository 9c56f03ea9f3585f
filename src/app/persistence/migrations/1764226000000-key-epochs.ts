import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Key epochs: a key can be retired (no longer used for new data, still readable) before it is destroyed. An
 * erasure request retires the keys of the classes it must keep for now, so data collected afterwards gets new
 * keys and the later shred destroys exactly the data the request covered.
 */
export class KeyEpochs1764226000000 implements MigrationInterface {
  name = 'KeyEpochs1764226000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'data_keys',
      new TableColumn({ name: 'retired_at', type: 'varchar', length: '30', isNullable: true }),
    );
    await queryRunner.dropIndex('data_keys', 'data_keys_active');
    await queryRunner.createIndex(
      'data_keys',
      new TableIndex({
        name: 'data_keys_active',
        columnNames: ['subject_id', 'data_class'],
        isUnique: true,
        where: 'destroyed_at IS NULL AND retired_at IS NULL',
      }),
    );
    // Every key of a subject and class, live, retired or destroyed (shredding and the live-class lookup).
    await queryRunner.createIndex(
      'data_keys',
      new TableIndex({ name: 'data_keys_subject_class', columnNames: ['subject_id', 'data_class'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('data_keys', 'data_keys_subject_class');
    await queryRunner.dropIndex('data_keys', 'data_keys_active');
    await queryRunner.dropColumn('data_keys', 'retired_at');
    await queryRunner.createIndex(
      'data_keys',
      new TableIndex({
        name: 'data_keys_active',
        columnNames: ['subject_id', 'data_class'],
        isUnique: true,
        where: 'destroyed_at IS NULL',
      }),
    );
  }
}
