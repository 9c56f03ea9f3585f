import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, positionColumn } from '../../projections/core/column-transformers';

/** Actor of an event as the timeline shows it (the envelope's actor: an operator, vendor or the system). */
export interface TimelineActor {
  kind: string;
  id: string;
  roles: string[];
}

/**
 * One audit-timeline entry per event of a subject or verification stream. Only structured, non-personal
 * fields: ids, codes, hashes, references. Free text (justifications, hold reasons) and the encrypted `pii`
 * section never reach this table.
 */
@Entity({ name: 'timeline_entries' })
@Index('idx_timeline_entries_session', ['sessionId', 'position'])
@Index('idx_timeline_entries_subject', ['subjectId', 'position'])
@Index('idx_timeline_entries_event', ['eventId'], { unique: true })
export class TimelineEntryEntity {
  @PrimaryColumn({
    name: 'position',
    type: 'bigint',
    transformer: positionColumn,
    primaryKeyConstraintName: 'pk_timeline_entries',
  })
  position!: number;

  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ name: 'stream', type: 'varchar', length: 200 })
  stream!: string;

  @Column({ name: 'revision', type: 'integer' })
  revision!: number;

  /** Set for events of a verification stream. */
  @Column({ name: 'session_id', type: 'varchar', length: 128, nullable: true })
  sessionId!: string | null;

  /** The subject of the stream, or of the session; null only when the session's start was parked. */
  @Column({ name: 'subject_id', type: 'varchar', length: 128, nullable: true })
  subjectId!: string | null;

  @Column({ name: 'type', type: 'varchar', length: 200 })
  type!: string;

  /** Stable dotted name of what happened, e.g. `verification.approved`, `review.assigned`. */
  @Column({ name: 'action', type: 'varchar', length: 200 })
  action!: string;

  @Column({ name: 'occurred_at', type: 'varchar', length: 30 })
  occurredAt!: string;

  @Column({ name: 'recorded_at', type: 'varchar', length: 30 })
  recordedAt!: string;

  @Column({ name: 'actor', type: 'text', transformer: jsonColumn })
  actor!: TimelineActor;

  @Column({ name: 'reason_codes', type: 'text', transformer: jsonColumn })
  reasonCodes!: string[];

  @Column({ name: 'policy_hash', type: 'varchar', length: 64, nullable: true })
  policyHash!: string | null;

  /** Evidence and other references of the event (ids, vendor references, outcomes, checks); never free text. */
  @Column({ name: 'details', type: 'text', transformer: jsonColumn })
  details!: Record<string, unknown>;

  @Column({ name: 'correlation_id', type: 'varchar', length: 128 })
  correlationId!: string;

  @Column({ name: 'causation_id', type: 'varchar', length: 128, nullable: true })
  causationId!: string | null;

  @Column({ name: 'prev_hash', type: 'varchar', length: 64 })
  prevHash!: string;

  @Column({ name: 'hash', type: 'varchar', length: 64 })
  hash!: string;
}

/** Which subject a session belongs to, so entries of later session events can be filed under the subject. */
@Entity({ name: 'timeline_sessions' })
export class TimelineSessionEntity {
  @PrimaryColumn({
    name: 'session_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_timeline_sessions',
  })
  sessionId!: string;

  @Column({ name: 'subject_id', type: 'varchar', length: 128 })
  subjectId!: string;
}
