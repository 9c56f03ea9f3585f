import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint, BODY_PROBLEMS, IDEMPOTENCY_PROBLEMS, READ_PROBLEMS } from '../platform/http/openapi';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { Idempotent } from '../platform/http/idempotency/idempotency.interceptor';
import type { CommandContext } from '../commands/command-context';
import { Ctx } from '../platform/http/request-context';
import { NotFoundError } from '../domain/shared/domain-error';
import { ReadsProjection } from '../projections/queries/read-your-writes';
import { RETENTION } from './retention.projection';
import { type ErasureOutcome, RequestErasureCommand } from './erasure.handlers';
import { ErasureRequestDto, ErasureResponse, SubjectRetentionView } from './retention.dto';
import { RetentionService } from './retention.service';

const SubjectId = (): ParameterDecorator => Param('subjectId', new ParseIdPipe('subjectId'));

/** One sentence a privacy officer can pass on: what was erased, what is kept, and why. */
export function erasureExplanation(outcome: ErasureOutcome): string {
  const parts: string[] = [];
  parts.push(
    outcome.erased.length > 0
      ? `Erased now: ${outcome.erased.join(', ')}.`
      : 'Nothing could be erased at once.',
  );
  for (const item of outcome.restricted) {
    const until =
      item.retainUntil === null
        ? 'until its retention period, which has not started yet, ends'
        : `until ${item.retainUntil}`;
    parts.push(
      item.basis === 'legal_obligation'
        ? `Kept under restriction ${until} to comply with a legal obligation (GDPR Art. 17(3)(b); ${item.legalBasis}): ${item.dataClass}.`
        : `Kept under restriction while legal hold ${item.holdIds.join(', ')} is in force (GDPR Art. 17(3)(e)): ${item.dataClass}.`,
    );
  }
  return parts.join(' ');
}

@ApiTags('subjects')
@Controller('v1/subjects/:subjectId')
export class RetentionController {
  constructor(
    private readonly commands: CommandBus,
    private readonly retention: RetentionService,
  ) {}

  @Post('erasure-requests')
  @Roles('privacy_officer')
  @Idempotent()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A repeat with the same key and body returns the first response; another body is a 422',
  })
  @ApiEndpoint({
    summary: 'Erasure request (GDPR Art. 17): erase what no obligation keeps, restrict the rest',
    description:
      '503 read_model_behind: the retention read model did not catch up in time (Retry-After); nothing changed.',
    operationId: 'requestErasure',
    response: ErasureResponse,
    status: 201,
    problems: [
      ...BODY_PROBLEMS,
      ...IDEMPOTENCY_PROBLEMS,
      'subject_not_found',
      'unknown_erasure_ground',
      'concurrency_conflict',
      ...READ_PROBLEMS,
    ],
  })
  async requestErasure(
    @SubjectId() subjectId: string,
    @Body() body: ErasureRequestDto,
    @Ctx() context: CommandContext,
  ): Promise<ErasureResponse> {
    const outcome = await this.commands.execute<RequestErasureCommand, ErasureOutcome>(
      new RequestErasureCommand(
        subjectId,
        { ground: body.ground, ...(body.reference === undefined ? {} : { reference: body.reference }) },
        context,
      ),
    );
    return {
      subjectId,
      requestId: outcome.requestId,
      requestedAt: outcome.requestedAt,
      erased: [...outcome.erased],
      restricted: outcome.restricted.map((item) => ({ ...item, holdIds: [...item.holdIds] })),
      notHeld: [...outcome.notHeld],
      explanation: erasureExplanation(outcome),
      revision: outcome.revision,
      position: outcome.position,
    };
  }

  @Get('retention')
  @Roles('privacy_officer', 'auditor')
  @ApiEndpoint({
    summary: 'Each data class: status, legal basis, due date, holds, restriction',
    operationId: 'getSubjectRetention',
    response: SubjectRetentionView,
    problems: ['validation_failed', 'not_found', ...READ_PROBLEMS],
  })
  @ReadsProjection(RETENTION)
  async subjectRetention(@SubjectId() subjectId: string): Promise<SubjectRetentionView> {
    const assessed = await this.retention.assess(subjectId);
    if (!assessed.known) throw new NotFoundError('retention of subject', subjectId);
    const { subject } = assessed;
    return {
      subjectId,
      asOf: assessed.asOf,
      policy: { ...assessed.policy, safeguards: { ...assessed.policy.safeguards } },
      relationshipEndedAt: subject.relationshipEndedAt,
      relationshipEndRecordedAt: subject.relationshipEndRecordedAt,
      legalHolds: [...subject.activeHolds],
      erasureRequest:
        subject.erasureRequestId === null || subject.erasureRequestedAt === null
          ? null
          : { requestId: subject.erasureRequestId, requestedAt: subject.erasureRequestedAt },
      classes: assessed.classes.map((item) => ({ ...item, holds: [...item.holds] })),
    };
  }
}
