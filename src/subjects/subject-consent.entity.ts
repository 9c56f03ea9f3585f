import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, positionColumn } from '../projections/core/column-transformers';

/** Every consent a subject granted; in force while `withdrawnAt` is null. Consent evidence (PII) stays out. */
@Entity({ name: 'subject_consents' })
@Index('idx_subject_consents_subject', ['subjectId', 'grantedPosition'])
export class SubjectConsentEntity {
  @PrimaryColumn({
    name: 'subject_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_subject_consents',
  })
  subjectId!: string;

  @PrimaryColumn({
    name: 'consent_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_subject_consents',
  })
  consentId!: string;

  @Column({ name: 'scopes', type: 'text', transformer: jsonColumn })
  scopes!: string[];

  @Column({ name: 'notice_version', type: 'text' })
  noticeVersion!: string;

  @Column({ name: 'policy_hash', type: 'varchar', length: 64 })
  policyHash!: string;

  @Column({ name: 'locale', type: 'text' })
  locale!: string;

  @Column({ name: 'channel', type: 'text' })
  channel!: string;

  @Column({ name: 'granted_at', type: 'varchar', length: 30 })
  grantedAt!: string;

  @Column({ name: 'granted_position', type: 'bigint', transformer: positionColumn })
  grantedPosition!: number;

  @Column({ name: 'withdrawn_at', type: 'varchar', length: 30, nullable: true })
  withdrawnAt!: string | null;

  @Column({ name: 'withdrawn_position', type: 'bigint', transformer: positionColumn, nullable: true })
  withdrawnPosition!: number | null;
}

/** The consent history of a subject, one row per grant or withdrawal, in log order. */
@Entity({ name: 'subject_consent_history' })
@Index('idx_subject_consent_history_subject', ['subjectId', 'position'])
export class ConsentHistoryEntity {
  @PrimaryColumn({
    name: 'position',
    type: 'bigint',
    transformer: positionColumn,
    primaryKeyConstraintName: 'pk_subject_consent_history',
  })
  position!: number;

  @Column({ name: 'subject_id', type: 'varchar', length: 128 })
  subjectId!: string;

  @Column({ name: 'consent_id', type: 'varchar', length: 128 })
  consentId!: string;

  /** `granted` or `withdrawn`. */
  @Column({ name: 'action', type: 'varchar', length: 16 })
  action!: string;

  @Column({ name: 'scopes', type: 'text', transformer: jsonColumn })
  scopes!: string[];

  @Column({ name: 'at', type: 'varchar', length: 30 })
  at!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;
}
