import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A data-encryption key for one (subject, data class), wrapped by the KEK. One key per (subject, class) is active
 * (encrypts new data); a retired key still decrypts but encrypts nothing new. A destroyed key keeps its row
 * (when) but loses the wrapped bytes: that is the crypto-shred.
 */
@Entity({ name: 'data_keys' })
@Index('data_keys_subject_class', ['subjectId', 'dataClass'])
@Index('data_keys_active', ['subjectId', 'dataClass'], {
  unique: true,
  where: 'destroyed_at IS NULL AND retired_at IS NULL',
})
export class DataKeyEntity {
  @PrimaryColumn({ name: 'key_id', type: 'varchar', length: 36 })
  keyId!: string;

  @Column({ name: 'subject_id', type: 'varchar', length: 128 })
  subjectId!: string;

  @Column({ name: 'data_class', type: 'varchar', length: 40 })
  dataClass!: string;

  /** base64(iv ‖ tag ‖ ciphertext); null once destroyed. */
  @Column({ name: 'wrapped_key', type: 'varchar', length: 200, nullable: true })
  wrappedKey!: string | null;

  @Column({ name: 'kek_id', type: 'varchar', length: 16 })
  kekId!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;

  @Column({ name: 'destroyed_at', type: 'varchar', length: 30, nullable: true })
  destroyedAt!: string | null;

  /** Set when the key stops encrypting new data (an erasure request keeps it only until it can be destroyed). */
  @Column({ name: 'retired_at', type: 'varchar', length: 30, nullable: true })
  retiredAt!: string | null;
}

/** One row that proves, at start-up, that the configured KEK is the one the keys were wrapped with. */
@Entity({ name: 'kek_check' })
export class KekCheckEntity {
  @PrimaryColumn({ name: 'kek_id', type: 'varchar', length: 16 })
  kekId!: string;

  @Column({ name: 'sealed', type: 'varchar', length: 200 })
  sealed!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 30 })
  createdAt!: string;
}
