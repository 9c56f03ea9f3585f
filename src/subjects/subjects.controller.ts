import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint, BODY_PROBLEMS, IDEMPOTENCY_PROBLEMS, type ProblemCode } from '../platform/http/openapi';
import type { GrantConsentResult } from './grant-consent.handler';
import { GrantConsentCommand } from './grant-consent.handler';
import { SubjectCommandCommand, type SubjectCommandResult } from './subject-commands.handler';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { Idempotent } from '../platform/http/idempotency/idempotency.interceptor';
import type { CommandContext } from '../commands/command-context';
import { Ctx } from '../platform/http/request-context';
import {
  ConsentResponse,
  EndRelationshipDto,
  GrantConsentDto,
  PlaceLegalHoldDto,
  ReleaseErasureRestrictionDto,
  SubjectCommandResponse,
} from './subject.dto';

/** A DTO's string fields that were sent, as a plain object. */
function definedStrings(dto: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(dto).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** What any command on a subject can be refused with. */
const SUBJECT_PROBLEMS: readonly ProblemCode[] = ['concurrency_conflict', 'event_store_unavailable'];

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'A repeat with the same key and body returns the first response; another body is a 422',
};

@ApiTags('subjects')
@Controller('v1/subjects/:subjectId')
export class SubjectsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('consents')
  @Roles('operator')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({
    type: GrantConsentDto,
    examples: {
      web: {
        summary: 'Consent to identity verification, given on the web',
        value: {
          scopes: ['identity_verification'],
          noticeVersion: '2026-01',
          locale: 'de-DE',
          channel: 'web',
        },
      },
    },
  })
  @ApiEndpoint({
    summary: 'Record a consent (scopes, notice version, locale, channel)',
    operationId: 'grantConsent',
    response: ConsentResponse,
    status: 201,
    problems: [
      ...BODY_PROBLEMS,
      ...IDEMPOTENCY_PROBLEMS,
      ...SUBJECT_PROBLEMS,
      'unknown_notice',
      'unknown_consent_scope',
      'consent_already_exists',
      'erasure_release_required',
      'consent_evidence_required',
    ],
  })
  grantConsent(
    @Param('subjectId', new ParseIdPipe('subjectId')) subjectId: string,
    @Body() body: GrantConsentDto,
    @Ctx() context: CommandContext,
  ): Promise<ConsentResponse> {
    return this.commands.execute<GrantConsentCommand, GrantConsentResult>(
      new GrantConsentCommand(
        subjectId,
        {
          scopes: body.scopes,
          noticeVersion: body.noticeVersion,
          locale: body.locale,
          channel: body.channel,
          ...(body.evidence === undefined ? {} : { evidence: definedStrings(body.evidence) }),
        },
        context,
      ),
    );
  }

  @Post('consents/:consentId/withdrawal')
  @HttpCode(HttpStatus.OK)
  @Roles('operator')
  @ApiEndpoint({
    summary: 'Withdraw a consent (as easy as granting it)',
    operationId: 'withdrawConsent',
    response: SubjectCommandResponse,
    problems: ['validation_failed', ...SUBJECT_PROBLEMS, 'consent_not_found', 'consent_already_withdrawn'],
  })
  withdrawConsent(
    @Param('subjectId', new ParseIdPipe('subjectId')) subjectId: string,
    @Param('consentId', new ParseIdPipe('consentId')) consentId: string,
    @Ctx() context: CommandContext,
  ): Promise<SubjectCommandResponse> {
    return this.run(subjectId, { kind: 'WithdrawConsent', consentId }, context);
  }

  @Post('relationship-end')
  @HttpCode(HttpStatus.OK)
  @Roles('privacy_officer')
  @ApiEndpoint({
    summary: 'Record (or, with correction: true, correct) the end of the business relationship',
    operationId: 'endRelationship',
    response: SubjectCommandResponse,
    problems: [
      ...BODY_PROBLEMS,
      ...SUBJECT_PROBLEMS,
      'subject_not_found',
      'relationship_already_ended',
      'relationship_not_ended',
      'relationship_end_before_start',
      'relationship_end_backdated_too_far',
    ],
    description:
      'AML retention runs from here. 404 subject_not_found for a subject the ledger knows nothing of; 422 ' +
      'relationship_end_before_start or relationship_end_backdated_too_far for an end dated too far back.',
  })
  endRelationship(
    @Param('subjectId', new ParseIdPipe('subjectId')) subjectId: string,
    @Body() body: EndRelationshipDto,
    @Ctx() context: CommandContext,
  ): Promise<SubjectCommandResponse> {
    return this.run(
      subjectId,
      {
        kind: 'EndRelationship',
        ...(body.endedAt === undefined ? {} : { endedAt: body.endedAt }),
        ...(body.correction === true ? { correction: true } : {}),
      },
      context,
    );
  }

  @Post('legal-holds')
  @Roles('privacy_officer')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiEndpoint({
    summary: 'Place a legal hold: nothing of the subject is shredded while it holds',
    operationId: 'placeLegalHold',
    response: SubjectCommandResponse,
    status: 201,
    problems: [...BODY_PROBLEMS, ...IDEMPOTENCY_PROBLEMS, ...SUBJECT_PROBLEMS, 'legal_hold_already_exists'],
  })
  placeLegalHold(
    @Param('subjectId', new ParseIdPipe('subjectId')) subjectId: string,
    @Body() body: PlaceLegalHoldDto,
    @Ctx() context: CommandContext,
  ): Promise<SubjectCommandResponse> {
    return this.run(subjectId, { kind: 'PlaceLegalHold', reason: body.reason }, context);
  }

  @Post('legal-holds/:holdId/release')
  @HttpCode(HttpStatus.OK)
  @Roles('privacy_officer')
  @ApiEndpoint({
    summary: 'Release a legal hold',
    operationId: 'releaseLegalHold',
    response: SubjectCommandResponse,
    problems: [
      'validation_failed',
      ...SUBJECT_PROBLEMS,
      'legal_hold_not_found',
      'legal_hold_already_released',
    ],
  })
  releaseLegalHold(
    @Param('subjectId', new ParseIdPipe('subjectId')) subjectId: string,
    @Param('holdId', new ParseIdPipe('holdId')) holdId: string,
    @Ctx() context: CommandContext,
  ): Promise<SubjectCommandResponse> {
    return this.run(subjectId, { kind: 'ReleaseLegalHold', holdId }, context);
  }

  @Post('erasure-requests/:requestId/release')
  @HttpCode(HttpStatus.OK)
  @Roles('privacy_officer')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiEndpoint({
    summary: "Release an erasure request's restriction on processing, so the person can consent again",
    description:
      'Only the erasure request that restricts processing now can be released. Processing does not resume with ' +
      "the release: a consent recorded after it, with evidence of the person's action, lifts the restriction for " +
      'the scopes it covers. Erased data stays erased; restricted data stays restricted until shredded.',
    operationId: 'releaseErasureRestriction',
    response: SubjectCommandResponse,
    problems: [
      ...BODY_PROBLEMS,
      ...IDEMPOTENCY_PROBLEMS,
      ...SUBJECT_PROBLEMS,
      'erasure_request_not_found',
      'restriction_not_in_force',
    ],
  })
  releaseErasureRestriction(
    @Param('subjectId', new ParseIdPipe('subjectId')) subjectId: string,
    @Param('requestId', new ParseIdPipe('requestId')) requestId: string,
    @Body() body: ReleaseErasureRestrictionDto,
    @Ctx() context: CommandContext,
  ): Promise<SubjectCommandResponse> {
    return this.run(
      subjectId,
      {
        kind: 'ReleaseErasureRestriction',
        requestId,
        reason: body.reason,
        ...(body.reference === undefined ? {} : { reference: body.reference }),
      },
      context,
    );
  }

  private run(
    subjectId: string,
    command: SubjectCommandCommand['command'],
    context: CommandContext,
  ): Promise<SubjectCommandResult> {
    return this.commands.execute<SubjectCommandCommand, SubjectCommandResult>(
      new SubjectCommandCommand(subjectId, command, context),
    );
  }
}
