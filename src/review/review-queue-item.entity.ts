import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { jsonColumn, positionColumn } from '../projections/core/column-transformers';

/**
 * A pending review. Triage order: priority (1 most urgent), then SLA due time, then age, then session id (a
 * total order, for cursor pagination). The row leaves the queue when the review is decided, the session is
 * sent back for resubmission, or it expires.
 */
@Entity({ name: 'review_queue' })
@Index('idx_review_queue_triage', ['priority', 'slaDueAt', 'requestedAt', 'sessionId'])
@Index('idx_review_queue_queue', ['queue', 'priority', 'slaDueAt', 'requestedAt', 'sessionId'])
@Index('idx_review_queue_assignee', ['assignee', 'priority', 'slaDueAt', 'requestedAt', 'sessionId'])
export class ReviewQueueItemEntity {
  @PrimaryColumn({
    name: 'session_id',
    type: 'varchar',
    length: 128,
    primaryKeyConstraintName: 'pk_review_queue',
  })
  sessionId!: string;

  @Column({ name: 'queue', type: 'varchar', length: 128 })
  queue!: string;

  @Column({ name: 'priority', type: 'integer' })
  priority!: number;

  @Column({ name: 'reasons', type: 'text', transformer: jsonColumn })
  reasons!: string[];

  @Column({ name: 'sla_due_at', type: 'varchar', length: 30 })
  slaDueAt!: string;

  @Column({ name: 'requested_at', type: 'varchar', length: 30 })
  requestedAt!: string;

  @Column({ name: 'attempt', type: 'integer' })
  attempt!: number;

  @Column({ name: 'assignee', type: 'varchar', length: 128, nullable: true })
  assignee!: string | null;

  @Column({ name: 'assigned_at', type: 'varchar', length: 30, nullable: true })
  assignedAt!: string | null;

  /** Global position of the last event that changed the item. */
  @Column({ name: 'position', type: 'bigint', transformer: positionColumn })
  position!: number;
}
