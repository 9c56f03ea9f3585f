import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far a publisher has published: the global position of the last event the broker acknowledged. One row
 * per publisher name (`kafka:<topic prefix>`), so a change of topic prefix publishes the ledger again from the
 * start onto the new topics.
 */
@Entity({ name: 'publisher_checkpoints' })
export class PublisherCheckpointEntity {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: 200 })
  name!: string;

  /** bigint in PostgreSQL (read back as a string by the driver); positions stay far below 2^53. */
  @Column({
    name: 'position',
    type: 'bigint',
    transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) },
  })
  position!: number;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
