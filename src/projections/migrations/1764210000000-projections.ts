import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';
import {
  bigint,
  createTables,
  dropTables,
  integer,
  primary,
  type TableWithIndices,
  text,
  varchar,
} from '../../platform/persistence/migration-tables';

/*
 * The read models of the projections, their checkpoints and parked events. Written out (not derived from the
 * entities) so the migration stays what it was when it ran; a test checks that the entities match it.
 */

const TABLES: readonly TableWithIndices[] = [
  {
    table: new Table({
      name: 'projection_checkpoints',
      columns: [
        primary(varchar('name', 120), 'pk_projection_checkpoints'),
        bigint('position'),
        integer('generation'),
        varchar('updated_at', 30),
      ],
    }),
    indices: [],
  },
  {
    table: new Table({
      name: 'projection_parked_events',
      columns: [
        primary(varchar('projection', 120), 'pk_projection_parked_events'),
        primary(bigint('position'), 'pk_projection_parked_events'),
        varchar('event_id', 64),
        varchar('stream', 200),
        integer('revision'),
        varchar('type', 200),
        varchar('error_code', 60),
        text('error_detail'),
        varchar('parked_at', 30),
      ],
    }),
    indices: [new TableIndex({ name: 'idx_projection_parked_events_event', columnNames: ['event_id'] })],
  },
  {
    table: new Table({
      name: 'verification_status',
      columns: [
        primary(varchar('session_id', 128), 'pk_verification_status'),
        varchar('subject_id', 128),
        varchar('status', 32),
        text('tier'),
        varchar('jurisdiction', 8),
        text('segment'),
        varchar('path', 32),
        text('policy_id'),
        text('policy_version'),
        varchar('policy_hash', 64),
        text('required_checks'),
        text('reason_codes'),
        varchar('decided_by', 16, true),
        integer('attempts'),
        varchar('expires_at', 30),
        varchar('created_at', 30),
        varchar('updated_at', 30),
        integer('revision'),
        integer('event_count'),
        bigint('position'),
      ],
    }),
    indices: [new TableIndex({ name: 'idx_verification_status_subject', columnNames: ['subject_id'] })],
  },
  {
    table: new Table({
      name: 'timeline_entries',
      columns: [
        primary(bigint('position'), 'pk_timeline_entries'),
        varchar('event_id', 64),
        varchar('stream', 200),
        integer('revision'),
        varchar('session_id', 128, true),
        varchar('subject_id', 128, true),
        varchar('type', 200),
        varchar('action', 200),
        varchar('occurred_at', 30),
        varchar('recorded_at', 30),
        text('actor'),
        text('reason_codes'),
        varchar('policy_hash', 64, true),
        text('details'),
        varchar('correlation_id', 128),
        varchar('causation_id', 128, true),
        varchar('prev_hash', 64),
        varchar('hash', 64),
      ],
    }),
    indices: [
      new TableIndex({ name: 'idx_timeline_entries_session', columnNames: ['session_id', 'position'] }),
      new TableIndex({ name: 'idx_timeline_entries_subject', columnNames: ['subject_id', 'position'] }),
      new TableIndex({ name: 'idx_timeline_entries_event', columnNames: ['event_id'], isUnique: true }),
    ],
  },
  {
    table: new Table({
      name: 'timeline_sessions',
      columns: [primary(varchar('session_id', 128), 'pk_timeline_sessions'), varchar('subject_id', 128)],
    }),
    indices: [],
  },
  {
    table: new Table({
      name: 'review_queue',
      columns: [
        primary(varchar('session_id', 128), 'pk_review_queue'),
        varchar('queue', 128),
        integer('priority'),
        text('reasons'),
        varchar('sla_due_at', 30),
        varchar('requested_at', 30),
        integer('attempt'),
        varchar('assignee', 128, true),
        varchar('assigned_at', 30, true),
        bigint('position'),
      ],
    }),
    indices: [
      new TableIndex({
        name: 'idx_review_queue_triage',
        columnNames: ['priority', 'sla_due_at', 'requested_at', 'session_id'],
      }),
      new TableIndex({
        name: 'idx_review_queue_queue',
        columnNames: ['queue', 'priority', 'sla_due_at', 'requested_at', 'session_id'],
      }),
      new TableIndex({
        name: 'idx_review_queue_assignee',
        columnNames: ['assignee', 'priority', 'sla_due_at', 'requested_at', 'session_id'],
      }),
    ],
  },
  {
    table: new Table({
      name: 'subject_consents',
      columns: [
        primary(varchar('subject_id', 128), 'pk_subject_consents'),
        primary(varchar('consent_id', 128), 'pk_subject_consents'),
        text('scopes'),
        text('notice_version'),
        varchar('policy_hash', 64),
        text('locale'),
        text('channel'),
        varchar('granted_at', 30),
        bigint('granted_position'),
        varchar('withdrawn_at', 30, true),
        bigint('withdrawn_position', true),
      ],
    }),
    indices: [
      new TableIndex({
        name: 'idx_subject_consents_subject',
        columnNames: ['subject_id', 'granted_position'],
      }),
    ],
  },
  {
    table: new Table({
      name: 'subject_consent_history',
      columns: [
        primary(bigint('position'), 'pk_subject_consent_history'),
        varchar('subject_id', 128),
        varchar('consent_id', 128),
        varchar('action', 16),
        text('scopes'),
        varchar('at', 30),
        varchar('event_id', 64),
      ],
    }),
    indices: [
      new TableIndex({
        name: 'idx_subject_consent_history_subject',
        columnNames: ['subject_id', 'position'],
      }),
    ],
  },
];

export class Projections1764210000000 implements MigrationInterface {
  name = 'Projections1764210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createTables(queryRunner, TABLES);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropTables(queryRunner, TABLES);
  }
}
