import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  SubjectCommandResponse,
} from './subject.dto';

/** A DTO's string fields that were sent, as a plain object. */
function definedStrings(dto: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(dto).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'A repeat with the same key and body returns the first response; another body is a 422',
};

@ApiTags('subjects')
@ApiBearerAuth()
@Controller('v1/subjects/:subjectId')
export class SubjectsController {
  constructor(private readonly commands: CommandBus) {}

  @Post('consents')
  @Roles('operator')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Record a consent (scopes, notice version, locale, channel)' })
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
  @ApiOperation({ summary: 'Withdraw a consent (as easy as granting it)' })
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
  @ApiOperation({
    summary: 'Record (or, with correction: true, correct) the end of the business relationship',
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
  @ApiOperation({ summary: 'Place a legal hold: nothing of the subject is shredded while it holds' })
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
  @ApiOperation({ summary: 'Release a legal hold' })
  releaseLegalHold(
    @Param('subjectId', new ParseIdPipe('subjectId')) subjectId: string,
    @Param('holdId', new ParseIdPipe('holdId')) holdId: string,
    @Ctx() context: CommandContext,
  ): Promise<SubjectCommandResponse> {
    return this.run(subjectId, { kind: 'ReleaseLegalHold', holdId }, context);
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
