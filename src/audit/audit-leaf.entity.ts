import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One event as a leaf of a signed checkpoint: where it is and which checkpoint covers it (for proofs). */
@Entity({ name: 'audit_leaves' })
@Index('audit_leaves_sequence', ['checkpointSequence', 'position'])
export class AuditLeafEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 36 })
  eventId!: string;

  @Column({
    name: 'position',
    type: 'bigint',
    transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) },
  })
  position!: number;

  @Column({ name: 'stream', type: 'varchar', length: 160 })
  stream!: string;

  @Column({ name: 'revision', type: 'integer' })
  revision!: number;

  @Column({ name: 'event_hash', type: 'varchar', length: 64 })
  eventHash!: string;

  @Column({ name: 'checkpoint_sequence', type: 'integer' })
  checkpointSequence!: number;

  /** The store's write time, which leaves of version-2 checkpoints sign; null for rows indexed before it. */
  @Column({ name: 'created', type: 'varchar', length: 40, nullable: true })
  created!: string | null;
}
