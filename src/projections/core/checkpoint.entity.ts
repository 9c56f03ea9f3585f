import { Column, Entity, PrimaryColumn } from 'typeorm';
import { positionColumn } from './column-transformers';

/**
 * Where a projection stands in the global log. Written in the same transaction as the read-model rows, and
 * only by compare-and-set on (position, generation): a runner that lost its lease, or whose tables a rebuild
 * replaced, cannot commit.
 */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn({
    name: 'name',
    type: 'varchar',
    length: 120,
    primaryKeyConstraintName: 'pk_projection_checkpoints',
  })
  name!: string;

  /** Every event at or below this global position has been applied (or parked). */
  @Column({ name: 'position', type: 'bigint', transformer: positionColumn })
  position!: number;

  /** Increases when a rebuild switches the projection's tables. */
  @Column({ name: 'generation', type: 'integer' })
  generation!: number;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}
