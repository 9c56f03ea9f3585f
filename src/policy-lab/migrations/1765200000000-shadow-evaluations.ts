import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

/** Shadow policies: what each live evaluation would have been under them, and the evaluator's checkpoint. */
export class ShadowEvaluations1765200000000 implements MigrationInterface {
  name = 'ShadowEvaluations1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'shadow_evaluations',
        columns: [
          { name: 'position', type: 'bigint', isPrimary: true },
          { name: 'shadow_policy_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'session_id', type: 'varchar', length: '128' },
          { name: 'shadow_policy_id', type: 'varchar', length: '64' },
          { name: 'shadow_policy_version', type: 'varchar', length: '64' },
          { name: 'recorded_policy_hash', type: 'varchar', length: '64' },
          { name: 'recorded_outcome', type: 'varchar', length: '32' },
          { name: 'recorded_reason_codes', type: 'text' },
          { name: 'shadow_outcome', type: 'varchar', length: '32' },
          { name: 'shadow_reason_codes', type: 'text' },
          { name: 'differs', type: 'boolean' },
          { name: 'evaluated_at', type: 'varchar', length: '30' },
        ],
        indices: [
          new TableIndex({
            name: 'shadow_evaluations_policy_time',
            columnNames: ['shadow_policy_hash', 'evaluated_at'],
          }),
          new TableIndex({ name: 'shadow_evaluations_session', columnNames: ['session_id'] }),
        ],
      }),
      true,
    );
    await queryRunner.createTable(
      new Table({
        name: 'shadow_checkpoints',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'position', type: 'bigint' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('shadow_checkpoints', true);
    await queryRunner.dropTable('shadow_evaluations', true);
  }
}
