import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  AUDIT_TIMELINE,
  SubjectTimelineView,
  timelineEntryView,
  timelinePage,
  TimelinePageQuery,
  TimelineRepository,
} from '../audit';
import { ApiTags } from '@nestjs/swagger';
import { ApiEndpoint, READ_PROBLEMS } from '../platform/http/openapi';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { NotFoundError } from '../domain/shared/domain-error';
import { SUBJECT_CONSENTS } from './consents.projection';
import { ReadsProjection } from '../projections/queries/read-your-writes';
import { ConsentRepository, SubjectConsentsView } from './consents.queries';

const SubjectId = (): ParameterDecorator => Param('subjectId', new ParseIdPipe('subjectId'));

@ApiTags('subjects')
@Controller('v1/subjects/:subjectId')
export class SubjectQueriesController {
  constructor(
    private readonly consents: ConsentRepository,
    private readonly timeline: TimelineRepository,
  ) {}

  @Get('consents')
  @Roles('operator', 'privacy_officer', 'auditor')
  @ApiEndpoint({
    summary: 'Consents in force, the consent covering each scope, and the consent history',
    operationId: 'getSubjectConsents',
    response: SubjectConsentsView,
    problems: ['validation_failed', 'not_found', ...READ_PROBLEMS],
  })
  @ReadsProjection(SUBJECT_CONSENTS)
  async subjectConsents(@SubjectId() subjectId: string): Promise<SubjectConsentsView> {
    const { consents, history } = await this.consents.forSubject(subjectId);
    if (history.length === 0) throw new NotFoundError('consents of subject', subjectId);
    // As the domain's consentInForce: the latest grant covering a scope decides it (consents are versioned, a
    // newer one supersedes the older); when that grant was withdrawn, nothing is in force for the scope.
    const latest = new Map<string, (typeof consents)[number]>();
    for (const consent of consents) for (const scope of consent.scopes) latest.set(scope, consent);
    const scopes: Record<string, string> = {};
    for (const [scope, consent] of latest)
      if (consent.withdrawnAt === null) scopes[scope] = consent.consentId;
    const inForceIds = new Set(Object.values(scopes));
    const inForce = consents.filter((consent) => inForceIds.has(consent.consentId));
    return {
      subjectId,
      inForce: inForce.map((consent) => ({
        consentId: consent.consentId,
        scopes: consent.scopes,
        noticeVersion: consent.noticeVersion,
        policyHash: consent.policyHash,
        locale: consent.locale,
        channel: consent.channel,
        grantedAt: consent.grantedAt,
        position: consent.grantedPosition,
      })),
      scopes,
      history: history.map((entry) => ({
        position: entry.position,
        eventId: entry.eventId,
        consentId: entry.consentId,
        action: entry.action,
        scopes: entry.scopes,
        at: entry.at,
      })),
      position: history.at(-1)?.position ?? 0,
    };
  }

  @Get('timeline')
  @Roles('auditor', 'privacy_officer')
  @ApiEndpoint({
    summary: 'Audit timeline of a subject: its own events and those of its verifications',
    operationId: 'getSubjectTimeline',
    response: SubjectTimelineView,
    problems: ['validation_failed', 'not_found', ...READ_PROBLEMS],
  })
  @ReadsProjection(AUDIT_TIMELINE)
  async subjectTimeline(
    @SubjectId() subjectId: string,
    @Query() query: TimelinePageQuery,
  ): Promise<SubjectTimelineView> {
    const page = timelinePage(query);
    const entries = await this.timeline.forSubject(subjectId, page);
    if (entries.length === 0 && page.after === 0) throw new NotFoundError('timeline of subject', subjectId);
    const last = entries.at(-1);
    return {
      subjectId,
      entries: entries.map(timelineEntryView),
      ...(last !== undefined && entries.length === page.limit ? { nextAfter: last.position } : {}),
    };
  }
}
