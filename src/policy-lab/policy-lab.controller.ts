import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, Matches, Max, Min } from 'class-validator';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { ApiEndpoint, BODY_PROBLEMS } from '../platform/http/openapi';
import { PolicyLabService } from './policy-lab.service';
import type { ReplayFilter } from './replay';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class StartReplayDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The candidate policy document, as JSON (the same shape as a policy file; policies/README.md)',
  })
  @IsObject()
  policy!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Evaluations recorded at or after this ISO 8601 time' })
  @IsOptional()
  @Matches(INSTANT, { message: 'from must be an ISO 8601 time with a zone, e.g. 2026-12-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Evaluations recorded before this ISO 8601 time' })
  @IsOptional()
  @Matches(INSTANT, { message: 'to must be an ISO 8601 time with a zone, e.g. 2026-12-31T00:00:00Z' })
  to?: string;

  @ApiPropertyOptional({ description: 'Only sessions of this country (ISO 3166-1 alpha-2)', example: 'DE' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'jurisdiction must be an ISO 3166-1 alpha-2 code' })
  jurisdiction?: string;

  @ApiPropertyOptional({ description: 'Only sessions of this segment', example: 'retail' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_-]{0,63}$/, { message: 'segment must be a segment name' })
  segment?: string;

  @ApiPropertyOptional({
    description:
      'Read the ledger to this global position (default: its head when the replay starts); the same candidate, range and position give the same report',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  atPosition?: number;
}

export class ReplayStartedView {
  @ApiProperty() replayId!: string;
  @ApiProperty({ description: 'The ledger position the replay reads to' }) readTo!: number;
}

export class ReplayTallyView {
  @ApiProperty() evaluated!: number;
  @ApiProperty({ description: 'Evaluations whose outcome or reason codes differ under the candidate' })
  changed!: number;
}

export class ReasonCodeDeltaView {
  @ApiProperty({ description: 'Evaluations where the candidate gives the code and the recorded one did not' })
  added!: number;
  @ApiProperty({ description: 'Evaluations where the recorded one gave the code and the candidate does not' })
  removed!: number;
}

export class ReplayProgressView {
  @ApiProperty({ description: 'The last position read' }) position!: number;
  @ApiProperty({ description: 'The position the replay reads to' }) readTo!: number;
  @ApiProperty() eventsRead!: number;
  @ApiProperty() decisionsEvaluated!: number;
}

export class ReplayCandidateView {
  @ApiProperty() policyId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'SHA-256 of the canonical JSON of the candidate' }) hash!: string;
}

export class ReplayFilterView {
  @ApiPropertyOptional() from?: string;
  @ApiPropertyOptional() to?: string;
  @ApiPropertyOptional() jurisdiction?: string;
  @ApiPropertyOptional() segment?: string;
}

export class ReviewLoadView {
  @ApiProperty({ description: 'Evaluations that sent the session to review, as recorded' }) recorded!: number;
  @ApiProperty({ description: 'The same under the candidate' }) candidate!: number;
  @ApiProperty() delta!: number;
}

const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const tallies = (description: string) =>
  ({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ReplayTallyView) },
    description,
  }) as const;

@ApiExtraModels(ReplayTallyView, ReasonCodeDeltaView)
export class ReplayView {
  @ApiProperty() replayId!: string;
  @ApiProperty({ enum: ['running', 'done', 'failed'] }) status!: string;
  @ApiProperty() startedAt!: string;
  @ApiProperty({ type: String, nullable: true }) finishedAt!: string | null;
  @ApiProperty({ type: ReplayProgressView }) progress!: ReplayProgressView;
  @ApiProperty({ type: String, nullable: true, description: 'Why it failed (a class, never data)' })
  error!: string | null;
  @ApiProperty({ type: ReplayCandidateView }) candidate!: ReplayCandidateView;
  @ApiProperty({ ...COUNTS, description: 'Policy hash the replayed evaluations were recorded under → count' })
  recordedPolicies!: Record<string, number>;
  @ApiProperty({ description: 'The ledger position the report covers (inclusive)' }) readTo!: number;
  @ApiProperty({ type: ReplayFilterView }) filter!: ReplayFilterView;
  @ApiProperty({ description: 'Recorded evaluations evaluated again' }) decisionsEvaluated!: number;
  @ApiProperty({ description: 'Of those, with another outcome or other reason codes' }) changed!: number;
  @ApiProperty({ description: 'Of those, with another outcome' }) outcomeChanged!: number;
  @ApiProperty({
    ...COUNTS,
    description:
      '`<recorded outcome>→<candidate outcome>` → evaluations (approve, review, reject, resubmit, …)',
  })
  byOutcome!: Record<string, number>;
  @ApiProperty(tallies('Country → evaluations')) byJurisdiction!: Record<string, ReplayTallyView>;
  @ApiProperty(tallies('Document type of the attempt → evaluations')) byDocumentType!: Record<
    string,
    ReplayTallyView
  >;
  @ApiProperty(tallies('Device class of the capture → evaluations')) byDeviceClass!: Record<
    string,
    ReplayTallyView
  >;
  @ApiProperty(tallies('Vendor of the results → evaluations')) byVendor!: Record<string, ReplayTallyView>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ReasonCodeDeltaView) },
    description: 'Reason code → how often the candidate adds or drops it',
  })
  byReasonCode!: Record<string, ReasonCodeDeltaView>;
  @ApiProperty({
    type: 'object',
    additionalProperties: COUNTS,
    description:
      'How each session finally stood (approved, rejected, expired, closed, undecided: what reviewers and overrides decided) → the candidate’s outcome at its last evaluation → sessions',
  })
  confusion!: Record<string, Record<string, number>>;
  @ApiProperty({ type: ReviewLoadView }) reviewLoad!: ReviewLoadView;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description:
      'The sessions behind each changed `byOutcome` cell (ids only, sorted, at most 1000 per cell)',
  })
  sessions!: Record<string, string[]>;
  @ApiProperty({ type: [String], description: 'Cells whose session list was cut at 1000' })
  sessionsTruncated!: string[];
}

/**
 * The policy lab: replay the ledger's recorded decisions under a candidate policy (docs/policy-lab.md). Auditors
 * and admins; the report holds counts and session ids, never personal data.
 */
@ApiTags('policy-lab')
@Controller('v1/policy-lab/replays')
export class PolicyLabController {
  constructor(private readonly lab: PolicyLabService) {}

  @Post()
  @Roles('auditor')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiEndpoint({
    operationId: 'startPolicyReplay',
    summary: 'Replay recorded decisions under a candidate policy (a background job); never writes a decision',
    response: ReplayStartedView,
    status: HttpStatus.ACCEPTED,
    problems: [...BODY_PROBLEMS, 'invalid_policy', 'replay_limit_reached', 'event_store_unavailable'],
  })
  async start(@Body() body: StartReplayDto): Promise<ReplayStartedView> {
    const filter: ReplayFilter = {
      ...(body.from === undefined ? {} : { from: new Date(body.from).toISOString() }),
      ...(body.to === undefined ? {} : { to: new Date(body.to).toISOString() }),
      ...(body.jurisdiction === undefined ? {} : { jurisdiction: body.jurisdiction }),
      ...(body.segment === undefined ? {} : { segment: body.segment }),
    };
    return this.lab.start({
      policy: body.policy,
      filter,
      ...(body.atPosition === undefined ? {} : { atPosition: body.atPosition }),
    });
  }

  @Get(':replayId')
  @Roles('auditor')
  @ApiEndpoint({
    operationId: 'getPolicyReplay',
    summary: 'A replay’s progress and report (partial while running)',
    response: ReplayView,
    problems: ['validation_failed', 'replay_not_found'],
  })
  get(@Param('replayId', new ParseIdPipe('replayId')) replayId: string): ReplayView {
    const { report, ...job } = this.lab.view(replayId);
    return { ...job, ...report };
  }
}
