import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import type { AppConfig } from '../platform/config/config';
import { APP_CONFIG } from '../platform/config/tokens';
import { RequestValidationError } from '../platform/http/validation';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint, BODY_PROBLEMS, IDEMPOTENCY_PROBLEMS, type ProblemCode } from '../platform/http/openapi';
import {
  VerificationCommandCommand,
  type VerificationCommandResult,
  type VerificationInput,
} from './verification-command.handler';
import { uuidV5 } from '../shared/deterministic-uuid';
import { Roles } from '../platform/auth/auth.decorators';
import { normalisePrincipalId } from '../platform/auth/principal';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { Idempotent } from '../platform/http/idempotency/idempotency.interceptor';
import type { CommandContext } from '../commands/command-context';
import { Ctx } from '../platform/http/request-context';
import {
  AssignReviewerDto,
  CommandResponse,
  EvidenceResponse,
  OverrideResponse,
  RejectOverrideDto,
  RequestOverrideDto,
  ReviewDecisionDto,
  StartCaptureDto,
  StartVerificationDto,
  StartVerificationResponse,
  SubmitEvidenceDto,
  VendorResultDto,
} from './verification.dto';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'A repeat with the same key and body returns the first response; another body is a 422',
};

/** What any command on an existing session can be refused with. */
const SESSION_PROBLEMS: readonly ProblemCode[] = [
  'not_found',
  'illegal_transition',
  'verification_expired',
  'concurrency_conflict',
  'event_store_unavailable',
];

const SessionId = (): ParameterDecorator => Param('sessionId', new ParseIdPipe('sessionId'));

@ApiTags('verifications')
@Controller('v1/verifications')
export class VerificationsController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles('operator')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({
    type: StartVerificationDto,
    examples: {
      retail: {
        summary: 'A retail customer in Germany',
        value: { subjectId: 'sub_123', jurisdiction: 'DE', segment: 'retail' },
      },
    },
  })
  @ApiEndpoint({
    operationId: 'startVerification',
    summary: 'Start a verification session (needs consent in force for identity_verification)',
    response: StartVerificationResponse,
    status: 201,
    problems: [
      ...BODY_PROBLEMS,
      ...IDEMPOTENCY_PROBLEMS,
      'consent_required',
      'unknown_jurisdiction',
      'unknown_segment',
      'unknown_risk_signal',
      'processing_restricted',
      'too_many_attempts',
      'concurrency_conflict',
      'no_active_policy',
      'event_store_unavailable',
    ],
    description:
      'While the subject has an undecided session for the same jurisdiction and segment, that session is ' +
      'returned with `reused: true` instead of a new one being created (retries and back-button navigation ' +
      'never create duplicate attempts); send `newAttempt: true` to start another on purpose.',
  })
  async start(
    @Body() body: StartVerificationDto,
    @Ctx() context: CommandContext,
  ): Promise<StartVerificationResponse> {
    const result = await this.commands.execute<VerificationCommandCommand, VerificationCommandResult>(
      new VerificationCommandCommand(
        undefined,
        {
          type: 'StartVerification',
          subjectId: body.subjectId,
          jurisdiction: body.jurisdiction,
          segment: body.segment,
          riskSignals: body.riskSignals ?? {},
        },
        context,
        { newAttempt: body.newAttempt === true },
      ),
    );
    const state = result.state;
    return {
      ...toResponse(result),
      tier: state.status === 'none' ? '' : state.tier,
      requiredChecks: state.status === 'none' ? [] : [...state.requiredChecks],
      reused: result.reused === true,
    };
  }

  @Post(':sessionId/capture')
  @HttpCode(HttpStatus.OK)
  @Roles('operator')
  @ApiEndpoint({
    operationId: 'startCapture',
    summary: 'Capture started (first attempt, or the next one after a resubmission request)',
    response: CommandResponse,
    problems: [...BODY_PROBLEMS, ...SESSION_PROBLEMS],
  })
  async capture(
    @SessionId() sessionId: string,
    @Body() body: StartCaptureDto,
    @Ctx() context: CommandContext,
  ): Promise<CommandResponse> {
    return toResponse(await this.run(sessionId, { type: 'StartCapture', ...body }, context));
  }

  @Post(':sessionId/evidence')
  @Roles('operator')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiEndpoint({
    operationId: 'submitEvidence',
    summary: 'Evidence reference, with extracted attributes (encrypted, never logged)',
    response: EvidenceResponse,
    status: 201,
    problems: [...BODY_PROBLEMS, ...IDEMPOTENCY_PROBLEMS, ...SESSION_PROBLEMS, 'evidence_id_conflict'],
  })
  async evidence(
    @SessionId() sessionId: string,
    @Body() body: SubmitEvidenceDto,
    @Ctx() context: CommandContext,
  ): Promise<EvidenceResponse> {
    const generated =
      context.idempotencyScope === undefined ? randomUUID() : uuidV5(`${context.idempotencyScope}\nevidence`);
    const { attributes, mediaReferences, ...rest } = body;
    const result = await this.run(
      sessionId,
      {
        type: 'SubmitEvidence',
        evidenceId: generated,
        ...rest,
        ...(attributes === undefined ? {} : { attributes: { ...attributes } }),
        ...(mediaReferences === undefined ? {} : { mediaReferences: [...mediaReferences] }),
      },
      context,
    );
    // A retry of evidence already recorded answers with the id it was recorded under.
    const state = result.state;
    const recorded =
      state.status === 'none'
        ? undefined
        : state.evidence.find(
            (ref) =>
              ref.evidenceId === generated ||
              (ref.attempt === state.attempt &&
                ref.kind === body.kind &&
                ref.vendor === body.vendor &&
                ref.vendorReference === body.vendorReference),
          );
    return { ...toResponse(result), evidenceId: recorded?.evidenceId ?? generated };
  }

  @Post(':sessionId/vendor-results')
  @HttpCode(HttpStatus.OK)
  @Roles('operator')
  @ApiBody({
    type: VendorResultDto,
    examples: {
      clear: {
        summary: 'All checks clear',
        value: {
          vendor: 'onfido',
          vendorEventId: 'evt_1',
          vendorCreatedAt: '2026-11-26T10:00:00Z',
          checks: [
            { kind: 'document', result: 'clear', score: 0.97 },
            { kind: 'face_match', result: 'clear', score: 0.95 },
            { kind: 'liveness', result: 'clear', score: 0.99 },
            { kind: 'sanctions', result: 'clear' },
          ],
        },
      },
    },
  })
  @ApiEndpoint({
    operationId: 'recordVendorResult',
    summary: 'A normalised vendor result; a repeated vendorEventId has no effect',
    response: CommandResponse,
    problems: [...BODY_PROBLEMS, ...SESSION_PROBLEMS, 'evidence_required', 'no_active_policy'],
  })
  async vendorResult(
    @SessionId() sessionId: string,
    @Body() body: VendorResultDto,
    @Ctx() context: CommandContext,
  ): Promise<CommandResponse> {
    return toResponse(await this.run(sessionId, { type: 'RecordVendorResult', ...body }, context));
  }

  @Post(':sessionId/review/assignment')
  @HttpCode(HttpStatus.OK)
  @Roles('reviewer', 'senior_reviewer')
  @ApiEndpoint({
    operationId: 'assignReviewer',
    summary:
      'Assign a reviewer (default: the caller). Claiming an unassigned review for oneself is any reviewer’s; taking it from its assignee or assigning someone else is a senior reviewer’s, and the assignee must be a principal who may review',
    response: CommandResponse,
    problems: [...BODY_PROBLEMS, ...SESSION_PROBLEMS, 'reassignment_not_allowed'],
  })
  async assign(
    @SessionId() sessionId: string,
    @Body() body: AssignReviewerDto,
    @Ctx() context: CommandContext,
  ): Promise<CommandResponse> {
    const reviewerId =
      body.reviewerId === undefined ? context.actor.id : normalisePrincipalId(body.reviewerId);
    if (reviewerId !== context.actor.id && !this.mayReview(reviewerId)) {
      throw new RequestValidationError([
        {
          field: 'reviewerId',
          problems: ['reviewerId must name a principal of this service who holds a reviewer role'],
        },
      ]);
    }
    return toResponse(
      await this.run(
        sessionId,
        {
          type: 'AssignReviewer',
          reviewerId,
          assignedBy: context.actor.id,
          assignerRoles: [...context.actor.roles],
        },
        context,
      ),
    );
  }

  /**
   * Whether a principal other than the caller may be given a review: an API-key principal holding reviewer,
   * senior_reviewer or admin. JWT subjects are not known in advance, so they can only claim reviews themselves.
   */
  private mayReview(principal: string): boolean {
    return (this.config.apiKeys ?? []).some(
      (key) =>
        normalisePrincipalId(key.principal) === principal &&
        key.roles.some((role) => role === 'reviewer' || role === 'senior_reviewer' || role === 'admin'),
    );
  }

  @Post(':sessionId/review/decision')
  @HttpCode(HttpStatus.OK)
  @Roles('reviewer', 'senior_reviewer')
  @ApiBody({
    type: ReviewDecisionDto,
    examples: {
      approve: { summary: 'Approve after checking', value: { outcome: 'approve', reasonCodes: [] } },
    },
  })
  @ApiEndpoint({
    operationId: 'decideReview',
    summary: 'Decide a review with reason codes and an optional note (personal data)',
    response: CommandResponse,
    problems: [
      ...BODY_PROBLEMS,
      ...SESSION_PROBLEMS,
      'review_assigned_to_other',
      'senior_reviewer_required',
      'compliance_clearance_required',
      'note_required',
      'reason_code_required',
      'reason_code_not_allowed',
    ],
  })
  async decideReview(
    @SessionId() sessionId: string,
    @Body() body: ReviewDecisionDto,
    @Ctx() context: CommandContext,
  ): Promise<CommandResponse> {
    return toResponse(
      await this.run(
        sessionId,
        {
          type: 'CompleteReview',
          reviewerId: context.actor.id,
          reviewerRoles: context.actor.roles,
          outcome: body.outcome,
          reasonCodes: body.reasonCodes,
          ...(body.note === undefined ? {} : { note: body.note }),
        },
        context,
      ),
    );
  }

  @Post(':sessionId/overrides')
  @Roles('reviewer', 'senior_reviewer')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiEndpoint({
    operationId: 'requestOverride',
    summary: 'Request an override of a final decision (needs another person’s approval)',
    response: OverrideResponse,
    status: 201,
    problems: [
      ...BODY_PROBLEMS,
      ...IDEMPOTENCY_PROBLEMS,
      ...SESSION_PROBLEMS,
      'override_already_exists',
      'override_pending',
      'override_outcome_unchanged',
      'override_not_permitted',
      'reason_code_required',
      'reason_code_not_allowed',
    ],
  })
  async requestOverride(
    @SessionId() sessionId: string,
    @Body() body: RequestOverrideDto,
    @Ctx() context: CommandContext,
  ): Promise<OverrideResponse> {
    const result = await this.run(
      sessionId,
      {
        type: 'RequestOverride',
        requestedBy: context.actor.id,
        outcome: body.outcome,
        justification: body.justification,
        ...(body.reasonCodes === undefined ? {} : { reasonCodes: body.reasonCodes }),
      },
      context,
    );
    return { ...toResponse(result), overrideId: result.overrideId ?? '' };
  }

  @Post(':sessionId/overrides/:overrideId/approval')
  @HttpCode(HttpStatus.OK)
  @Roles('senior_reviewer')
  @ApiEndpoint({
    operationId: 'approveOverride',
    summary: 'Approve an override: a senior reviewer other than the requester (four-eyes)',
    response: CommandResponse,
    problems: [
      ...SESSION_PROBLEMS,
      'override_not_found',
      'override_already_decided',
      'four_eyes_violation',
      'senior_reviewer_required',
    ],
  })
  async approveOverride(
    @SessionId() sessionId: string,
    @Param('overrideId', new ParseIdPipe('overrideId')) overrideId: string,
    @Ctx() context: CommandContext,
  ): Promise<CommandResponse> {
    return toResponse(
      await this.run(
        sessionId,
        {
          type: 'ApproveOverride',
          overrideId,
          approverId: context.actor.id,
          approverRoles: context.actor.roles,
        },
        context,
      ),
    );
  }

  @Post(':sessionId/overrides/:overrideId/rejection')
  @HttpCode(HttpStatus.OK)
  @Roles('senior_reviewer')
  @ApiEndpoint({
    operationId: 'rejectOverride',
    summary: 'Reject an override request (same four-eyes rules)',
    response: CommandResponse,
    problems: [
      ...BODY_PROBLEMS,
      ...SESSION_PROBLEMS,
      'override_not_found',
      'override_already_decided',
      'four_eyes_violation',
      'senior_reviewer_required',
    ],
  })
  async rejectOverride(
    @SessionId() sessionId: string,
    @Param('overrideId', new ParseIdPipe('overrideId')) overrideId: string,
    @Body() body: RejectOverrideDto,
    @Ctx() context: CommandContext,
  ): Promise<CommandResponse> {
    return toResponse(
      await this.run(
        sessionId,
        {
          type: 'RejectOverride',
          overrideId,
          approverId: context.actor.id,
          approverRoles: context.actor.roles,
          reason: body.reason,
        },
        context,
      ),
    );
  }

  private run(
    sessionId: string | undefined,
    input: VerificationInput,
    context: CommandContext,
  ): Promise<VerificationCommandResult> {
    return this.commands.execute<VerificationCommandCommand, VerificationCommandResult>(
      new VerificationCommandCommand(sessionId, input, context),
    );
  }
}

function toResponse(result: VerificationCommandResult): CommandResponse {
  const state = result.state;
  return {
    sessionId: result.sessionId,
    status: state.status,
    revision: result.revision,
    position: result.position,
    reasonCodes: state.status === 'none' ? [] : [...state.reasonCodes],
  };
}
