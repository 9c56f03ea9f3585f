import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { DataSource, type Repository } from 'typeorm';
import { ReviewQueueItemEntity } from './review-queue-item.entity';

/* The read side of the review queue: query, API views, the repository (triage order, keyset pages) and mapping. */

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const QUEUE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export class ReviewQueueQuery {
  @ApiPropertyOptional({ description: 'Only this escalation queue' })
  @IsOptional()
  @IsString()
  @Matches(QUEUE, { message: 'queue must be a queue name' })
  queue?: string;

  @ApiPropertyOptional({ description: 'Only items assigned to this reviewer' })
  @IsOptional()
  @IsString()
  @Matches(ID, { message: 'assignee must be a principal id' })
  assignee?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only items nobody is assigned to' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unassigned?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only items past their SLA; false: within it',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  breached?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'From the previous page’s nextCursor' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor must be a cursor from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ description: '1–200 (default 50)' })
  @IsOptional()
  @IsString()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;
}

export class ReviewQueueItemView {
  @ApiProperty() sessionId!: string;
  @ApiProperty() queue!: string;
  @ApiProperty({ description: '1 (most urgent) to 5' }) priority!: number;
  @ApiProperty({ isArray: true, type: String }) reasons!: string[];
  @ApiProperty() slaDueAt!: string;
  @ApiProperty({ description: 'Whether the SLA due time has passed (by the service clock)' })
  slaBreached!: boolean;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ description: 'Seconds since the review was requested' }) ageSeconds!: number;
  @ApiProperty() attempt!: number;
  @ApiPropertyOptional() assignee?: string;
  @ApiPropertyOptional() assignedAt?: string;
  @ApiProperty() position!: number;
}

export class ReviewQueuePage {
  @ApiProperty({
    type: ReviewQueueItemView,
    isArray: true,
    description: 'Triage order: priority, SLA due, age',
  })
  items!: ReviewQueueItemView[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last page' })
  nextCursor?: string;
  @ApiProperty({ description: 'The time SLA breaches were computed against' }) asOf!: string;
}

/** Keyset position of a queue item in triage order. */
export interface TriageKey {
  readonly priority: number;
  readonly slaDueAt: string;
  readonly requestedAt: string;
  readonly sessionId: string;
}

export interface ReviewQueueFilter {
  readonly queue?: string;
  readonly assignee?: string;
  readonly unassigned?: boolean;
  /** With `now`: true for items past their SLA due time, false for those within it. */
  readonly breached?: boolean;
  readonly now: string;
  readonly after?: TriageKey;
  readonly limit: number;
}

/** Reads of the review queue, in triage order with keyset pagination. */
@Injectable()
export class ReviewQueueRepository {
  private readonly items: Repository<ReviewQueueItemEntity>;

  constructor(dataSource: DataSource) {
    this.items = dataSource.getRepository(ReviewQueueItemEntity);
  }

  page(filter: ReviewQueueFilter): Promise<ReviewQueueItemEntity[]> {
    const query = this.items.createQueryBuilder('q');
    if (filter.queue !== undefined) query.andWhere('q.queue = :queue', { queue: filter.queue });
    if (filter.assignee !== undefined)
      query.andWhere('q.assignee = :assignee', { assignee: filter.assignee });
    if (filter.unassigned === true) query.andWhere('q.assignee IS NULL');
    if (filter.unassigned === false) query.andWhere('q.assignee IS NOT NULL');
    if (filter.breached === true) query.andWhere('q.slaDueAt < :now', { now: filter.now });
    if (filter.breached === false) query.andWhere('q.slaDueAt >= :now', { now: filter.now });
    if (filter.after !== undefined) {
      query.andWhere(
        '(q.priority, q.slaDueAt, q.requestedAt, q.sessionId) > (:priority, :slaDueAt, :requestedAt, :sessionId)',
        {
          ...filter.after,
        },
      );
    }
    return query
      .orderBy('q.priority', 'ASC')
      .addOrderBy('q.slaDueAt', 'ASC')
      .addOrderBy('q.requestedAt', 'ASC')
      .addOrderBy('q.sessionId', 'ASC')
      .limit(filter.limit)
      .getMany();
  }
}

export function queueItemView(row: ReviewQueueItemEntity, now: Date): ReviewQueueItemView {
  return {
    sessionId: row.sessionId,
    queue: row.queue,
    priority: row.priority,
    reasons: row.reasons,
    slaDueAt: row.slaDueAt,
    slaBreached: Date.parse(row.slaDueAt) < now.getTime(),
    requestedAt: row.requestedAt,
    ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(row.requestedAt)) / 1000)),
    attempt: row.attempt,
    ...(row.assignee === null ? {} : { assignee: row.assignee }),
    ...(row.assignedAt === null ? {} : { assignedAt: row.assignedAt }),
    position: row.position,
  };
}
