import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  VerificationCommandCommand,
  type VerificationCommandResult,
  type VerificationInput,
} from './verification-command.handler';
import { uuidV5 } from '../shared/deterministic-uuid';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { Idempotent } from '../platform/http/idempotency/idempotency.interceptor';
import type { CommandContext } from '../commands/command-context';
import { Ctx } from '../platform/http/request-context';
import {
  AssignReviewerDto,
  CommandResponse,
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

const SessionId = (): ParameterDecorator => Param('sessionId', new ParseIdPipe('sessionId'));

@ApiTags('verifications')
@ApiBearerAuth()
@Controller('v1/verifications')
export class VerificationsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Roles('operator')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Start a verification session (needs consent in force for identity_verification)',
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
  @ApiOperation({ summary: 'Capture started (first attempt, or the next one after a resubmission request)' })
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
  @ApiOperation({ summary: 'Evidence reference, with extracted attributes (encrypted, never logged)' })
  async evidence(
    @SessionId() sessionId: string,
    @Body() body: SubmitEvidenceDto,
    @Ctx() context: CommandContext,
  ): Promise<CommandResponse & { evidenceId: string }> {
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
  @ApiOperation({ summary: 'A normalised vendor result; a repeated vendorEventId has no effect' })
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
  @ApiOperation({ summary: 'Assign a reviewer (default: the caller)' })
  async assign(
    @SessionId() sessionId: string,
    @Body() body: AssignReviewerDto,
    @Ctx() context: CommandContext,
  ): Promise<CommandResponse> {
    const reviewerId = body.reviewerId ?? context.actor.id;
    return toResponse(await this.run(sessionId, { type: 'AssignReviewer', reviewerId }, context));
  }

  @Post(':sessionId/review/decision')
  @HttpCode(HttpStatus.OK)
  @Roles('reviewer', 'senior_reviewer')
  @ApiOperation({ summary: 'Decide a review with reason codes and an optional note (personal data)' })
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
  @ApiOperation({ summary: 'Request an override of a final decision (needs another person’s approval)' })
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
  @ApiOperation({ summary: 'Approve an override: a senior reviewer other than the requester (four-eyes)' })
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
  @ApiOperation({ summary: 'Reject an override request (same four-eyes rules)' })
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
