import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, positionColumn } from '../projections/core/column-transformers';

/*
 * The retention read model: the facts from which each (subject, data class)'s retention end is computed. No
 * personal data — only which classes were collected when, and what the subject's stream says about relationship
 * end, legal holds, erasure and shredding. Due dates are computed from these facts and the policy in force, so a
 * new policy version applies without a rebuild.
 */

/** One (subject, data class) the ledger collected personal data of. */
@Entity({ name: 'retention_classes' })
@Index('idx_retention_classes_class', ['dataClass', 'lastCollectedAt', 'subjectId'])
export class RetentionClassEntity {
  @PrimaryColumn({
    name: 'subject_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_retention_classes',
  })
  subjectId!: string;

  @PrimaryColumn({
    name: 'data_class',
    type: 'varchar',
    length: 40,
    primaryKeyConstraintName: 'pk_retention_classes',
  })
  dataClass!: string;

  @Column({ name: 'first_collected_at', type: 'varchar', length: 30 })
  firstCollectedAt!: string;

  /** When data of this class was last recorded; `from: collection` periods run from here. */
  @Column({ name: 'last_collected_at', type: 'varchar', length: 30 })
  lastCollectedAt!: string;

  @Column({ name: 'last_collected_position', type: 'bigint', transformer: positionColumn })
  lastCollectedPosition!: number;

  /** When the class was last shredded; data collected after it (a later position) is held again. */
  @Column({ name: 'shredded_at', type: 'varchar', length: 30, nullable: true })
  shreddedAt!: string | null;

  @Column({ name: 'shredded_position', type: 'bigint', transformer: positionColumn, nullable: true })
  shreddedPosition!: number | null;

  @Column({ name: 'shred_reason', type: 'varchar', length: 40, nullable: true })
  shredReason!: string | null;

  /**
   * Set when an erasure request kept this class (restricted): data collected up to this position is covered by
   * the request and goes when the obligation or hold ends; data collected later (new keys) is not.
   */
  @Column({ name: 'erasure_covered_position', type: 'bigint', transformer: positionColumn, nullable: true })
  erasureCoveredPosition!: number | null;
}

/** What the subject's stream says about retention. */
@Entity({ name: 'retention_subjects' })
@Index('idx_retention_subjects_relationship', ['relationshipEndedAt', 'subjectId'])
@Index('idx_retention_subjects_erasure', ['erasureRequestedAt', 'subjectId'])
export class RetentionSubjectEntity {
  @PrimaryColumn({
    name: 'subject_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_retention_subjects',
  })
  subjectId!: string;

  @Column({ name: 'relationship_ended_at', type: 'varchar', length: 30, nullable: true })
  relationshipEndedAt!: string | null;

  /** When the (latest) relationship end was recorded; the shred grace period runs from here. */
  @Column({ name: 'relationship_end_recorded_at', type: 'varchar', length: 30, nullable: true })
  relationshipEndRecordedAt!: string | null;

  /** Ids of the legal holds in force. */
  @Column({ name: 'active_holds', type: 'text', transformer: jsonColumn })
  activeHolds!: string[];

  /** How many holds are in force (indexed copy of `activeHolds.length` for the scheduler). */
  @Column({ name: 'hold_count', type: 'integer' })
  holdCount!: number;

  @Column({ name: 'erasure_request_id', type: 'varchar', length: 128, nullable: true })
  erasureRequestId!: string | null;

  @Column({ name: 'erasure_requested_at', type: 'varchar', length: 30, nullable: true })
  erasureRequestedAt!: string | null;

  /** Classes kept under restriction after the latest erasure request: `[{dataClass, basis}]`. */
  @Column({ name: 'restricted', type: 'text', transformer: jsonColumn })
  restricted!: { dataClass: string; basis: string }[];

  @Column({ name: 'updated_position', type: 'bigint', transformer: positionColumn })
  updatedPosition!: number;
}

/** Sessions by subject, with when each was decided (`from: decision` periods run from the latest). */
@Entity({ name: 'retention_sessions' })
@Index('idx_retention_sessions_subject', ['subjectId'])
export class RetentionSessionEntity {
  @PrimaryColumn({
    name: 'session_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_retention_sessions',
  })
  sessionId!: string;

  @Column({ name: 'subject_id', type: 'varchar', length: 128 })
  subjectId!: string;

  @Column({ name: 'decided_at', type: 'varchar', length: 30, nullable: true })
  decidedAt!: string | null;
}
