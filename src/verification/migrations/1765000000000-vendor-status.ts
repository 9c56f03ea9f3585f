import { type MigrationInterface, type QueryRunner, TableColumn, TableIndex } from 'typeorm';

/**
 * Whether a session waits for a vendor (`waiting_for_vendor`), for which, since when, and what the person is told;
 * indexed for the vendor dispatcher, which works through them oldest first.
 */
export class VendorStatus1765000000000 implements MigrationInterface {
  name = 'VendorStatus1765000000000';

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
  new TableColumn({ name: 'vendor_status', type: 'varchar', length: '32', isNullable: true }),
  new TableColumn({ name: 'vendor_message_code', type: 'varchar', length: '32', isNullable: true }),
  new TableColumn({ name: 'vendor_waiting_since', type: 'varchar', length: '30', isNullable: true }),
  new TableColumn({ name: 'vendor_waiting_for', type: 'varchar', length: '32', isNullable: true }),
];

const INDEX = new TableIndex({
  name: 'idx_verification_status_vendor_waiting',
  columnNames: ['vendor_status', 'vendor_waiting_since'],
});
