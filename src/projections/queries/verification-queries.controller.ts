import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../api/auth/auth.decorators';
import { ParseIdPipe } from '../../api/id.pipe';
import { NotFoundError } from '../../domain/shared/domain-error';
import { AUDIT_TIMELINE, VERIFICATION_STATUS } from '../read-models';
import { SessionTimelineView, TimelinePageQuery, VerificationStatusView } from './query.dto';
import { ReadsProjection } from './read-your-writes';
import { TimelineRepository, VerificationStatusRepository } from './read-model.repositories';
import { statusView, timelineEntryView } from './views';

const SessionId = (): ParameterDecorator => Param('sessionId', new ParseIdPipe('sessionId'));

export function timelinePage(query: TimelinePageQuery): { after: number; limit: number } {
  return { after: Number(query.after ?? '0'), limit: Number(query.limit ?? '500') };
}

@ApiTags('verifications')
@ApiBearerAuth()
@Controller('v1/verifications')
export class VerificationQueriesController {
  constructor(
    private readonly statuses: VerificationStatusRepository,
    private readonly timeline: TimelineRepository,
  ) {}

  @Get(':sessionId')
  @Roles('operator', 'reviewer', 'auditor')
  @ReadsProjection(VERIFICATION_STATUS)
  @ApiOperation({ summary: 'Status of a verification (read model; X-Min-Position to read your own write)' })
  async status(@SessionId() sessionId: string): Promise<VerificationStatusView> {
    const row = await this.statuses.find(sessionId);
    if (row === null) throw new NotFoundError('verification', sessionId);
    return statusView(row);
  }

  @Get(':sessionId/timeline')
  @Roles('reviewer', 'auditor')
  @ReadsProjection(AUDIT_TIMELINE)
  @ApiOperation({
    summary:
      'Audit timeline of a verification and its subject: actor, action, reason codes, policy hash, hashes',
  })
  async sessionTimeline(
    @SessionId() sessionId: string,
    @Query() query: TimelinePageQuery,
  ): Promise<SessionTimelineView> {
    const session = await this.timeline.session(sessionId);
    if (session === null) throw new NotFoundError('verification', sessionId);
    const page = timelinePage(query);
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
