import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import {
  bigint,
  createTables,
  dropTables,
  primary,
  type TableWithIndices,
  varchar,
} from '../../platform/persistence/migration-tables';

/* The retention read model (src/privacy/retention.entities.ts), written out as it was when it first ran. */

const TABLES: readonly TableWithIndices[] = [
  {
    table: new Table({
      name: 'retention_classes',
      columns: [
        primary(varchar('subject_id', 128), 'pk_retention_classes'),
        primary(varchar('data_class', 40), 'pk_retention_classes'),
        varchar('first_collected_at', 30),
        varchar('last_collected_at', 30),
        bigint('last_collected_position'),
        varchar('shredded_at', 30, true),
        bigint('shredded_position', true),
        varchar('shred_reason', 40, true),
        bigint('erasure_covered_position', true),
      ],
    }),
    indices: [
      new TableIndex({
        name: 'idx_retention_classes_class',
        columnNames: ['data_class', 'last_collected_at', 'subject_id'],
      }),
    ],
  },
  {
    table: new Table({
      name: 'retention_subjects',
      columns: [
        primary(varchar('subject_id', 128), 'pk_retention_subjects'),
        varchar('relationship_ended_at', 30, true),
        { name: 'active_holds', type: 'text' },
        { name: 'hold_count', type: 'integer' },
        varchar('erasure_request_id', 128, true),
        varchar('erasure_requested_at', 30, true),
        { name: 'restricted', type: 'text' },
        bigint('updated_position'),
      ],
    }),
    indices: [
      new TableIndex({
        name: 'idx_retention_subjects_relationship',
        columnNames: ['relationship_ended_at', 'subject_id'],
      }),
      new TableIndex({
        name: 'idx_retention_subjects_erasure',
        columnNames: ['erasure_requested_at', 'subject_id'],
      }),
    ],
  },
  {
    table: new Table({
      name: 'retention_sessions',
      columns: [
        primary(varchar('session_id', 128), 'pk_retention_sessions'),
        varchar('subject_id', 128),
        varchar('decided_at', 30, true),
      ],
    }),
    indices: [new TableIndex({ name: 'idx_retention_sessions_subject', columnNames: ['subject_id'] })],
  },
];

export class Retention1764220000000 implements MigrationInterface {
  name = 'Retention1764220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTables(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropTables(queryRunner, TABLES);
  }
}
