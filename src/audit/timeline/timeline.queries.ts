import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { Brackets, DataSource, type Repository } from 'typeorm';
import { REASON_CODE_LIST } from '../../domain/reason-codes';
import { parsePointInTime } from '../../platform/http/point-in-time';
import { automaticDecision, POLICY_ACTOR } from '../explanation';
import { TimelineEntryEntity, TimelineSessionEntity } from './timeline-entry.entity';

/* The read side of the audit timeline: API views, page query, the repository and the row-to-view mapping. */

export class TimelineActorView {
  @ApiProperty({ enum: ['user', 'service', 'vendor', 'system'] }) kind!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ isArray: true, type: String }) roles!: string[];
}

export class TimelineEntryView {
  @ApiProperty() position!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'e.g. verification.approved, review.assigned' }) action!: string;
  @ApiProperty({ enum: ['subject', 'verification'] }) stream!: string;
  @ApiPropertyOptional() sessionId?: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: TimelineActorView }) actor!: TimelineActorView;
  @ApiProperty({ enum: REASON_CODE_LIST, isArray: true }) reasonCodes!: string[];
  @ApiPropertyOptional() policyHash?: string;
  @ApiProperty({ description: 'References of the event (evidence, vendor, consent, override ids, outcomes)' })
  details!: Record<string, unknown>;
  @ApiProperty() correlationId!: string;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
}

export class SessionTimelineView {
  @ApiProperty() sessionId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({
    type: TimelineEntryView,
    isArray: true,
    description: 'The session’s events and its subject’s',
  })
  entries!: TimelineEntryView[];
  @ApiPropertyOptional({ description: 'Pass as `after` for the next page; absent on the last page' })
  nextAfter?: number;
}

export class SubjectTimelineView {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ type: TimelineEntryView, isArray: true }) entries!: TimelineEntryView[];
  @ApiPropertyOptional() nextAfter?: number;
}

export class TimelinePageQuery {
  @ApiPropertyOptional({ description: 'Entries after this global position' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,15}$/, { message: 'after must be a position' })
  after?: string;

  @ApiPropertyOptional({ description: '1–1000 (default 500)' })
  @IsOptional()
  @IsString()
  @Matches(/^(?:[1-9]\d{0,2}|1000)$/, { message: 'limit must be an integer from 1 to 1000' })
  limit?: string;
  @ApiPropertyOptional({ description: 'Point in time: the timeline as the ledger stood at this ISO time' })
  @IsOptional()
  @IsString()
  asOf?: string;

  @ApiPropertyOptional({
    description: 'Point in time: the timeline as the ledger stood at this global position',
  })
  @IsOptional()
  @IsString()
  atPosition?: string;
}

export interface TimelinePage {
  readonly after: number;
  readonly limit: number;
  /** Point in time: only entries at or before this global position. */
  readonly throughPosition?: number;
  /** Point in time: only entries recorded at or before this instant (ISO 8601, UTC). */
  readonly recordedBy?: string;
}

type EntryQuery = ReturnType<Repository<TimelineEntryEntity>['createQueryBuilder']>;

/** Narrows a timeline query to the ledger as it stood at a position or a time. Entries are facts: never revised. */
function asOf(query: EntryQuery, page: TimelinePage): EntryQuery {
  if (page.throughPosition !== undefined)
    query.andWhere('e.position <= :through', { through: page.throughPosition });
  if (page.recordedBy !== undefined)
    query.andWhere('e.recordedAt <= :recordedBy', { recordedBy: page.recordedBy });
  return query;
}

/** Reads of the audit timeline: a session's entries with its subject's, or all of a subject's. */
@Injectable()
export class TimelineRepository {
  private readonly entries: Repository<TimelineEntryEntity>;
  private readonly sessions: Repository<TimelineSessionEntity>;

  constructor(dataSource: DataSource) {
    this.entries = dataSource.getRepository(TimelineEntryEntity);
    this.sessions = dataSource.getRepository(TimelineSessionEntity);
  }

  session(sessionId: string): Promise<TimelineSessionEntity | null> {
    return this.sessions.findOneBy({ sessionId });
  }

  /** Entries of the session's stream and of its subject's stream, in log order. */
  forSession(sessionId: string, subjectId: string, page: TimelinePage): Promise<TimelineEntryEntity[]> {
    const query = this.entries
      .createQueryBuilder('e')
      .where(
        new Brackets((or) => {
          or.where('e.sessionId = :sessionId', { sessionId }).orWhere(
            'e.sessionId IS NULL AND e.subjectId = :subjectId',
            { subjectId },
          );
        }),
      )
      .andWhere('e.position > :after', { after: page.after });
    return asOf(query, page).orderBy('e.position', 'ASC').limit(page.limit).getMany();
  }

  /** Every entry filed under the subject: its own stream and its sessions'. */
  forSubject(subjectId: string, page: TimelinePage): Promise<TimelineEntryEntity[]> {
    const query = this.entries
      .createQueryBuilder('e')
      .where('e.subjectId = :subjectId', { subjectId })
      .andWhere('e.position > :after', { after: page.after });
    return asOf(query, page).orderBy('e.position', 'ASC').limit(page.limit).getMany();
  }
}

export function timelineEntryView(row: TimelineEntryEntity): TimelineEntryView {
  // An automatic decision is the policy's, not that of whoever triggered the evaluation (the stored event and
  // its row keep that actor; this is presentation only).
  const actor = automaticDecision(row.type, row.details) ? POLICY_ACTOR : row.actor;
  return {
    position: row.position,
    eventId: row.eventId,
    type: row.type,
    action: row.action,
    stream: row.sessionId === null ? 'subject' : 'verification',
    ...(row.sessionId === null ? {} : { sessionId: row.sessionId }),
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    actor,
    reasonCodes: row.reasonCodes,
    ...(row.policyHash === null ? {} : { policyHash: row.policyHash }),
    details: row.details,
    correlationId: row.correlationId,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

/** The page (and point in time) a timeline query asks for. */
export function timelinePage(query: TimelinePageQuery): TimelinePage {
  return {
    after: Number(query.after ?? '0'),
    limit: Number(query.limit ?? '500'),
    ...parsePointInTime(query.asOf, query.atPosition),
  };
}
