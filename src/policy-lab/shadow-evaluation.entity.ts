import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, positionColumn } from '../projections/core/column-transformers';

/**
 * One live policy evaluation evaluated again under one shadow policy in force at its time: what was recorded and
 * what the shadow would have said. A read model kept by the shadow evaluator; never a decision, never personal
 * data (ids, outcomes and reason codes only).
 */
@Entity({ name: 'shadow_evaluations' })
@Index('shadow_evaluations_policy_time', ['shadowPolicyHash', 'evaluatedAt'])
@Index('shadow_evaluations_session', ['sessionId'])
export class ShadowEvaluationEntity {
  /** Global position of the recorded `DecisionEvaluated`. */
  @PrimaryColumn({ name: 'position', type: 'bigint', transformer: positionColumn })
  position!: number;

  @PrimaryColumn({ name: 'shadow_policy_hash', type: 'varchar', length: 64 })
  shadowPolicyHash!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 128 })
  sessionId!: string;

  @Column({ name: 'shadow_policy_id', type: 'varchar', length: 64 })
  shadowPolicyId!: string;

  @Column({ name: 'shadow_policy_version', type: 'varchar', length: 64 })
  shadowPolicyVersion!: string;

  @Column({ name: 'recorded_policy_hash', type: 'varchar', length: 64 })
  recordedPolicyHash!: string;

  @Column({ name: 'recorded_outcome', type: 'varchar', length: 32 })
  recordedOutcome!: string;

  @Column({ name: 'recorded_reason_codes', type: 'text', transformer: jsonColumn })
  recordedReasonCodes!: string[];

  @Column({ name: 'shadow_outcome', type: 'varchar', length: 32 })
  shadowOutcome!: string;

  @Column({ name: 'shadow_reason_codes', type: 'text', transformer: jsonColumn })
  shadowReasonCodes!: string[];

  /** The shadow's outcome or reason codes differ from the recorded ones. */
  @Column({ name: 'differs', type: 'boolean' })
  differs!: boolean;

  /** When the live evaluation was made (its `evaluatedAt`, ISO 8601). */
  @Column({ name: 'evaluated_at', type: 'varchar', length: 30 })
  evaluatedAt!: string;
}

/** How far the shadow evaluator has followed the log. */
@Entity({ name: 'shadow_checkpoints' })
export class ShadowCheckpointEntity {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'position', type: 'bigint', transformer: positionColumn })
  position!: number;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
