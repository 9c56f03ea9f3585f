import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { positionColumn } from './column-transformers';

/**
 * An event a projection could not apply. The projection moved on; the row says which event and why (error
 * class and a message that names fields, never values), so nothing is dropped silently.
 */
@Entity({ name: 'projection_parked_events' })
@Index('idx_projection_parked_events_event', ['eventId'])
export class ParkedEventEntity {
  @PrimaryColumn({
    name: 'projection',
    type: 'varchar',
    length: 120,
    primaryKeyConstraintName: 'pk_projection_parked_events',
  })
  projection!: string;

  @PrimaryColumn({
    name: 'position',
    type: 'bigint',
    transformer: positionColumn,
    primaryKeyConstraintName: 'pk_projection_parked_events',
  })
  position!: number;

  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ name: 'stream', type: 'varchar', length: 200 })
  stream!: string;

  @Column({ name: 'revision', type: 'integer' })
  revision!: number;

  @Column({ name: 'type', type: 'varchar', length: 200 })
  type!: string;

  /** Stable reason: `malformed_envelope`, `malformed_event`, `unknown_event_type`, `write_failed`, … */
  @Column({ name: 'error_code', type: 'varchar', length: 60 })
  errorCode!: string;

  @Column({ name: 'error_detail', type: 'text' })
  errorDetail!: string;

  @Column({ name: 'parked_at', type: 'varchar', length: 30 })
  parkedAt!: string;
}
