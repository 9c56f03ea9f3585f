import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One keyed blind-index token of an identity seen in evidence (docs/privacy.md, "Duplicate identities"):
 * HMAC-SHA256 under the index key of the normalised document number and issuing country, or of the normalised
 * name and birth date. Personal data (it stands for an identity): removed when the subject's identity attributes
 * are erased or shredded. Without the key it reveals nothing.
 */
@Entity({ name: 'identity_index' })
@Index('identity_index_subject', ['subjectId'])
export class IdentityIndexEntity {
  @PrimaryColumn({ name: 'token', type: 'varchar', length: 64 })
  token!: string;

  @PrimaryColumn({ name: 'session_id', type: 'varchar', length: 128 })
  sessionId!: string;

  /** `document` or `name_and_birth_date`. */
  @Column({ name: 'kind', type: 'varchar', length: 24 })
  kind!: string;

  @Column({ name: 'subject_id', type: 'varchar', length: 128 })
  subjectId!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
