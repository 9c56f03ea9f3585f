import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/** Indexes for listing sessions newest first, by status or by jurisdiction (`GET /v1/verifications`). */
export class VerificationList1764250000000 implements MigrationInterface {
  name = 'VerificationList1764250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.createIndex('verification_status', index);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of INDEXES) await queryRunner.dropIndex('verification_status', index.name ?? '');
  }
}

const INDEXES = [
  new TableIndex({ name: 'idx_verification_status_created', columnNames: ['created_at', 'session_id'] }),
  new TableIndex({ name: 'idx_verification_status_status_created', columnNames: ['status', 'created_at'] }),
  new TableIndex({
    name: 'idx_verification_status_jurisdiction_created',
    columnNames: ['jurisdiction', 'created_at'],
  }),
];
