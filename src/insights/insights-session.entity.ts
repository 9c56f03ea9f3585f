import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';
import { positionColumn } from '../projections/core/column-transformers';

/**
 * Flags are `integer` columns holding 0 or 1: the projection engine's batch writer binds booleans as 0/1 on both
 * databases, and `= 1` reads the same in PostgreSQL and SQLite.
 */
const flagColumn: ValueTransformer = {
  to: (value: boolean | null | undefined) => (value === undefined || value === null ? null : value ? 1 : 0),
  from: (value: number | string | null) => (value === null ? null : Number(value) === 1),
};

/** How a session ended, for the KPIs; null while it is open. */
export const SESSION_OUTCOMES = [
  'auto_approved',
  'approved_after_review',
  'rejected',
  /** Expired after the person had submitted something (evidence, results, a decision in review…). */
  'expired',
  /** Expired before anything was submitted: still `initiated` or `capture_in_progress`. */
  'abandoned',
  /** Closed without a decision (consent withdrawn, erasure requested). */
  'closed',
] as const;
export type SessionOutcome = (typeof SESSION_OUTCOMES)[number];

/** How far a session got, in funnel order. */
export const SESSION_STEPS = ['started', 'capture', 'evidence', 'results', 'decision'] as const;
export type SessionStep = (typeof SESSION_STEPS)[number];

/**
 * One row per verification session, holding what the KPIs of `GET /v1/insights/kpis` count (docs/insights.md).
 * Dimensions and counters only: no subject id, no personal data.
 */
@Entity({ name: 'insights_sessions' })
@Index('idx_insights_sessions_day', ['startedDay'])
@Index('idx_insights_sessions_country_day', ['country', 'startedDay'])
@Index('idx_insights_sessions_device_day', ['deviceClass', 'startedDay'])
@Index('idx_insights_sessions_document_day', ['documentType', 'startedDay'])
@Index('idx_insights_sessions_vendor_day', ['vendor', 'startedDay'])
@Index('idx_insights_sessions_policy_day', ['policyVersion', 'startedDay'])
@Index('idx_insights_sessions_review', ['reviewRequestedAt'])
@Index('idx_insights_sessions_kpis', [
  'startedDay',
  'country',
  'deviceClass',
  'documentType',
  'vendor',
  'policyVersion',
  'outcome',
  'decisionMs',
  'submissionsOk',
  'resubmissions',
  'livenessPassed',
  'reviewed',
  'slaBreached',
  'vendorErrors',
  'vendorCalls',
])
export class InsightsSessionEntity {
  @PrimaryColumn({
    name: 'session_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_insights_sessions',
  })
  sessionId!: string;

  /** UTC date (YYYY-MM-DD) the session was initiated. */
  @Column({ name: 'started_day', type: 'varchar', length: 10 })
  startedDay!: string;

  @Column({ name: 'started_at', type: 'varchar', length: 30 })
  startedAt!: string;

  /** The session's jurisdiction (ISO 3166-1 alpha-2). */
  @Column({ name: 'country', type: 'varchar', length: 8 })
  country!: string;

  @Column({ name: 'segment', type: 'text' })
  segment!: string;

  @Column({ name: 'policy_version', type: 'text' })
  policyVersion!: string;

  /** Of the first capture; null until one started. */
  @Column({ name: 'device_class', type: 'text', nullable: true })
  deviceClass!: string | null;

  /** Of the first evidence naming a document type; null until then. */
  @Column({ name: 'document_type', type: 'text', nullable: true })
  documentType!: string | null;

  /** Of the first evidence or counted vendor result; null until then. */
  @Column({ name: 'vendor', type: 'text', nullable: true })
  vendor!: string | null;

  /** The furthest step reached (`SESSION_STEPS`). */
  @Column({ name: 'last_step', type: 'varchar', length: 16 })
  lastStep!: SessionStep;

  /** Evidence submitted (every attempt). */
  @Column({ name: 'submissions_ok', type: 'integer' })
  submissionsOk!: number;

  @Column({ name: 'resubmissions', type: 'integer' })
  resubmissions!: number;

  /** Whether a counted liveness check came back `clear`; null while no counted liveness check came back. */
  @Column({ name: 'liveness_passed', type: 'integer', transformer: flagColumn, nullable: true })
  livenessPassed!: boolean | null;

  /** Vendor results with a check in `error`, plus vendor requests that failed after their retries. */
  @Column({ name: 'vendor_errors', type: 'integer' })
  vendorErrors!: number;

  /** Vendor results received plus vendor requests that failed. */
  @Column({ name: 'vendor_calls', type: 'integer' })
  vendorCalls!: number;

  @Column({ name: 'outcome', type: 'varchar', length: 32, nullable: true })
  outcome!: SessionOutcome | null;

  /** A review was requested at some point. */
  @Column({ name: 'reviewed', type: 'integer', transformer: flagColumn })
  reviewed!: boolean;

  @Column({ name: 'sla_breached', type: 'integer', transformer: flagColumn })
  slaBreached!: boolean;

  /** When the standing approval or rejection was made; null otherwise. */
  @Column({ name: 'decided_at', type: 'varchar', length: 30, nullable: true })
  decidedAt!: string | null;

  /** decided_at − started_at, in milliseconds. */
  @Column({ name: 'decision_ms', type: 'bigint', nullable: true, transformer: positionColumn })
  decisionMs!: number | null;

  /**
   * The session's slowest vendor callback: receivedAt − the vendor's own vendorCreatedAt, in milliseconds (0 when
   * the vendor's clock runs ahead); null until a vendor result arrives.
   */
  @Column({ name: 'callback_ms', type: 'bigint', nullable: true, transformer: positionColumn })
  callbackMs!: number | null;

  /** When the pending review was requested; null while the session is not waiting for a review. */
  @Column({ name: 'review_requested_at', type: 'varchar', length: 30, nullable: true })
  reviewRequestedAt!: string | null;

  /** Global position of the last event applied. */
  @Column({ name: 'position', type: 'bigint', transformer: positionColumn })
  position!: number;
}
