import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Webhook intake: the vendor-reference index, its checkpoint and parked deliveries. */
export class Webhooks1764208000000 implements MigrationInterface {
  name = 'Webhooks1764208000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'webhook_session_references',
        columns: [
          { name: 'vendor', type: 'varchar', length: '64', isPrimary: true },
          { name: 'vendor_reference', type: 'varchar', length: '256', isPrimary: true },
          { name: 'session_id', type: 'varchar', length: '128' },
          { name: 'position', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'webhook_session_references_session', columnNames: ['session_id'] }),
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_checkpoints',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'position', type: 'bigint' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_parked_deliveries',
        columns: [
          { name: 'vendor', type: 'varchar', length: '32', isPrimary: true },
          { name: 'event_id', type: 'varchar', length: '256', isPrimary: true },
          { name: 'event_type', type: 'varchar', length: '128' },
          { name: 'reason', type: 'varchar', length: '32' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'vendor_reference', type: 'varchar', length: '256', isNullable: true },
          { name: 'session_hint', type: 'varchar', length: '128', isNullable: true },
          { name: 'occurred_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'received_at', type: 'varchar', length: '30' },
          { name: 'delivery', type: 'text', isNullable: true },
          { name: 'body_sha256', type: 'varchar', length: '64' },
          { name: 'resolved_session_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'resolved_at', type: 'varchar', length: '30', isNullable: true },
        ],
        indices: [
          new TableIndex({
            name: 'webhook_parked_deliveries_reference',
            columnNames: ['vendor', 'vendor_reference'],
          }),
          new TableIndex({ name: 'webhook_parked_deliveries_hint', columnNames: ['session_hint'] }),
          new TableIndex({ name: 'webhook_parked_deliveries_status', columnNames: ['status'] }),
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_parked_deliveries', true);
    await queryRunner.dropTable('webhook_checkpoints', true);
    await queryRunner.dropTable('webhook_session_references', true);
  }
}
