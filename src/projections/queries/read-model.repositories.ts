import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, type Repository } from 'typeorm';
import { ReviewQueueItemEntity } from '../read-models/review-queue-item.entity';
import { ConsentHistoryEntity, SubjectConsentEntity } from '../read-models/subject-consent.entity';
import { TimelineEntryEntity, TimelineSessionEntity } from '../read-models/timeline-entry.entity';
import { VerificationStatusEntity } from '../read-models/verification-status.entity';

/** Reads of the verification status read model. */
@Injectable()
export class VerificationStatusRepository {
  private readonly rows: Repository<VerificationStatusEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(VerificationStatusEntity);
  }

  find(sessionId: string): Promise<VerificationStatusEntity | null> {
    return this.rows.findOneBy({ sessionId });
  }
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

/** Reads of a subject's consents and their history. */
@Injectable()
export class ConsentRepository {
  private readonly consents: Repository<SubjectConsentEntity>;
  private readonly history: Repository<ConsentHistoryEntity>;

  constructor(dataSource: DataSource) {
    this.consents = dataSource.getRepository(SubjectConsentEntity);
    this.history = dataSource.getRepository(ConsentHistoryEntity);
  }

  async forSubject(
    subjectId: string,
  ): Promise<{ consents: SubjectConsentEntity[]; history: ConsentHistoryEntity[] }> {
    const [consents, history] = await Promise.all([
      this.consents.find({ where: { subjectId }, order: { grantedPosition: 'ASC' } }),
      this.history.find({ where: { subjectId }, order: { position: 'ASC' } }),
    ]);
    return { consents, history };
  }
}
