import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, positionColumn } from '../projections/core/column-transformers';

/** One row per verification session: what `GET /v1/verifications/{id}` answers. No personal data. */
@Entity({ name: 'verification_status' })
@Index('idx_verification_status_subject', ['subjectId'])
@Index('idx_verification_status_created', ['createdAt', 'sessionId'])
@Index('idx_verification_status_status_created', ['status', 'createdAt'])
@Index('idx_verification_status_jurisdiction_created', ['jurisdiction', 'createdAt'])
@Index('idx_verification_status_vendor_waiting', ['vendorStatus', 'vendorWaitingSince'])
export class VerificationStatusEntity {
  @PrimaryColumn({
    name: 'session_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_verification_status',
  })
  sessionId!: string;

  @Column({ name: 'subject_id', type: 'varchar', length: 128 })
  subjectId!: string;

  @Column({ name: 'status', type: 'varchar', length: 32 })
  status!: string;

  @Column({ name: 'tier', type: 'text' })
  tier!: string;

  @Column({ name: 'jurisdiction', type: 'varchar', length: 8 })
  jurisdiction!: string;

  @Column({ name: 'segment', type: 'text' })
  segment!: string;

  /** `automatic`, `manual_review` or `embargoed`: how the policy routes the session. */
  @Column({ name: 'path', type: 'varchar', length: 32 })
  path!: string;

  @Column({ name: 'policy_id', type: 'text' })
  policyId!: string;

  @Column({ name: 'policy_version', type: 'text' })
  policyVersion!: string;

  @Column({ name: 'policy_hash', type: 'varchar', length: 64 })
  policyHash!: string;

  @Column({ name: 'required_checks', type: 'text', transformer: jsonColumn })
  requiredChecks!: string[];

  /** Codes of the latest decision (evaluation, review or override). */
  @Column({ name: 'reason_codes', type: 'text', transformer: jsonColumn })
  reasonCodes!: string[];

  /** `policy`, `reviewer` or `override` while a final decision stands. */
  @Column({ name: 'decided_by', type: 'varchar', length: 16, nullable: true })
  decidedBy!: string | null;

  /** `waiting_for_vendor` while no vendor could open the session's vendor session; else null. */
  @Column({ name: 'vendor_status', type: 'varchar', length: 32, nullable: true })
  vendorStatus!: string | null;

  /** What the person is told while waiting (`VENDOR_DELAYED`), for the app to word. */
  @Column({ name: 'vendor_message_code', type: 'varchar', length: 32, nullable: true })
  vendorMessageCode!: string | null;

  @Column({ name: 'vendor_waiting_since', type: 'varchar', length: 30, nullable: true })
  vendorWaitingSince!: string | null;

  /** The vendor the session waits for. */
  @Column({ name: 'vendor_waiting_for', type: 'varchar', length: 32, nullable: true })
  vendorWaitingFor!: string | null;

  /** The current attempt, 1-based. */
  /** The override awaiting a second approver (four eyes), while one does. */
  @Column({ name: 'pending_override_id', type: 'varchar', length: 128, nullable: true })
  pendingOverrideId!: string | null;

  @Column({ name: 'pending_override_outcome', type: 'varchar', length: 16, nullable: true })
  pendingOverrideOutcome!: string | null;

  @Column({ name: 'pending_override_by', type: 'varchar', length: 128, nullable: true })
  pendingOverrideBy!: string | null;

  @Column({ name: 'pending_override_at', type: 'varchar', length: 30, nullable: true })
  pendingOverrideAt!: string | null;

  @Column({ name: 'attempts', type: 'integer' })
  attempts!: number;

  @Column({ name: 'expires_at', type: 'varchar', length: 30 })
  expiresAt!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;

  /** Stream revision of the last event applied. */
  @Column({ name: 'revision', type: 'integer' })
  revision!: number;

  /** Events applied to this row: equals revision + 1 unless events were parked. */
  @Column({ name: 'event_count', type: 'integer' })
  eventCount!: number;

  /** Global position of the last event applied. */
  @Column({ name: 'position', type: 'bigint', transformer: positionColumn })
  position!: number;
}
