import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  AUDIT_TIMELINE,
  SessionTimelineView,
  timelineEntryView,
  timelinePage,
  TimelinePageQuery,
  TimelineRepository,
} from '../audit';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint, READ_PROBLEMS } from '../platform/http/openapi';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { parsePointInTime, type PointInTime, stoodAt } from '../platform/http/point-in-time';
import { NotFoundError } from '../domain/shared/domain-error';
import { Ledger } from '../ledger/ledger';
import { verificationStream } from '../ledger/stream-names';
import { EventData } from '../projections/core/event-data';
import { evolveStatus } from './verification-status.projection';
import type { VerificationStatusEntity } from './verification-status.entity';
import { VERIFICATION_STATUS } from './verification-status.projection';
import { ReadsProjection } from '../projections/queries/read-your-writes';
import { listFilter, VerificationListPage, VerificationListQuery } from './verification-list';
import {
  statusView,
  VerificationStatusRepository,
  VerificationStatusView,
} from './verification-status.queries';

const SessionId = (): ParameterDecorator => Param('sessionId', new ParseIdPipe('sessionId'));

@ApiTags('verifications')
@Controller('v1/verifications')
export class VerificationQueriesController {
  constructor(
    private readonly statuses: VerificationStatusRepository,
    private readonly timeline: TimelineRepository,
    private readonly ledger: Ledger,
  ) {}

  @Get()
  @Roles('operator', 'reviewer', 'senior_reviewer', 'auditor')
  @ApiEndpoint({
    summary:
      'List verifications by subject, status, jurisdiction, policy, creation time or pending override (newest first)',
    operationId: 'listVerifications',
    response: VerificationListPage,
    problems: ['validation_failed', ...READ_PROBLEMS],
  })
  @ReadsProjection(VERIFICATION_STATUS)
  async list(@Query() query: VerificationListQuery): Promise<VerificationListPage> {
    const page = await this.statuses.list(listFilter(query));
    return { items: page.rows.map(statusView), nextCursor: page.nextCursor };
  }

  @Get(':sessionId')
  @Roles('operator', 'reviewer', 'senior_reviewer', 'auditor')
  @ApiEndpoint({
    summary: 'Status of a verification (read model; X-Min-Position to read your own write)',
    operationId: 'getVerification',
    response: VerificationStatusView,
    problems: ['validation_failed', 'not_found', ...READ_PROBLEMS],
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO time: the status as the ledger stood then' })
  @ApiQuery({
    name: 'atPosition',
    required: false,
    description: 'Global position: the status as of that event',
  })
  @ReadsProjection(VERIFICATION_STATUS)
  async status(
    @SessionId() sessionId: string,
    @Query('asOf') asOf?: string,
    @Query('atPosition') atPosition?: string,
  ): Promise<VerificationStatusView> {
    const point = parsePointInTime(asOf, atPosition);
    const row =
      point === undefined ? await this.statuses.find(sessionId) : await this.statusAt(sessionId, point);
    if (row === null) throw new NotFoundError('verification', sessionId);
    return statusView(row);
  }

  /**
   * Point-in-time status: the read model's own pure `evolveStatus`, folded over the session's events up to the
   * point (reconstruction reads the ledger, docs/architecture.md, "The data path"), so "then" and "now" are computed the same way.
   */
  private async statusAt(sessionId: string, point: PointInTime): Promise<VerificationStatusEntity | null> {
    const events = (await this.ledger.readStream(verificationStream(sessionId))).filter(stoodAt(point));
    let row: VerificationStatusEntity | null = null;
    for (const event of events) {
      row = evolveStatus(row, {
        ...event,
        streamKind: 'verification',
        streamId: sessionId,
        body: new EventData(event.type, event.data),
      });
    }
    return row;
  }

  @Get(':sessionId/timeline')
  @Roles('reviewer', 'senior_reviewer', 'auditor')
  @ApiEndpoint({
    summary:
      'Audit timeline of a verification and its subject: actor, action, reason codes, policy hash, hashes',
    operationId: 'getVerificationTimeline',
    response: SessionTimelineView,
    problems: ['validation_failed', 'not_found', ...READ_PROBLEMS],
  })
  @ReadsProjection(AUDIT_TIMELINE)
  async sessionTimeline(
    @SessionId() sessionId: string,
    @Query() query: TimelinePageQuery,
  ): Promise<SessionTimelineView> {
    const session = await this.timeline.session(sessionId);
    if (session === null) throw new NotFoundError('verification', sessionId);
    const page = timelinePage(query);
    // The session's start, from the ledger: before it the session did not exist, as status and explanation say.
    const initiated = (await this.ledger.readStream(verificationStream(sessionId))).find(
      (e) => e.type === 'VerificationInitiated',
    );
    if (initiated === undefined || !stoodAt(page)(initiated))
      throw new NotFoundError('verification', sessionId);
    const entries = await this.timeline.forSession(sessionId, session.subjectId, page);
    const last = entries.at(-1);
    return {
      sessionId,
      subjectId: session.subjectId,
      entries: entries.map(timelineEntryView),
      ...(last !== undefined && entries.length === page.limit ? { nextAfter: last.position } : {}),
    };
  }
}
