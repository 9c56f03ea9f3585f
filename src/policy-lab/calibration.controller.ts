import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { NoActivePolicyError } from '../domain/policy/policy.errors';
import { CHECK_KINDS, type CheckKind, type LoadedPolicy } from '../domain/policy/policy.types';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { Roles } from '../platform/auth/auth.decorators';
import { ApiEndpoint } from '../platform/http/openapi';
import { RequestValidationError } from '../platform/http/validation';
import { PolicyRegistry } from '../policies/policy-registry';
import { CLOCK, type Clock } from '../shared/clock';
import { LedgerError } from '../shared/ledger-error';
import {
  type CalibrationFilter,
  type CalibrationTargets,
  HISTOGRAM_BINS,
  MIN_PER_GROUP,
  ScoreCalibration,
} from './calibration';
import { runCalibration } from './replay-runner';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** A share from 0 to 1, at most four decimals. */
const RATE = /^(?:0(?:\.\d{1,4})?|1(?:\.0{1,4})?)$/;

/** Calibrations computed at once (each reads the whole log); more answer 409 `calibration_limit_reached`. */
const MAX_RUNNING = 2;

/**
 * As many calibration reports are being computed as the service allows at once: ask again when one is done.
 * (Beside its controller because the brief kept policy-lab.errors.ts out of this change.)
 */
export class CalibrationLimitReachedError extends LedgerError {
  readonly code = 'calibration_limit_reached';
  override readonly httpStatus = 409;
  constructor(running: number) {
    super(
      `${running} calibration report(s) are being computed, the most this service does at once; try again`,
      {
        running,
      },
    );
  }
}

export class CalibrationQuery {
  @ApiPropertyOptional({ description: 'Only this vendor’s results', example: 'onfido' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/, { message: 'vendor must be a vendor name' })
  vendor?: string;

  @ApiPropertyOptional({ enum: CHECK_KINDS, description: 'Only results of this check kind' })
  @IsOptional()
  @IsIn(CHECK_KINDS, { message: `checkKind must be one of ${CHECK_KINDS.join(', ')}` })
  checkKind?: CheckKind;

  @ApiPropertyOptional({ description: 'Only sessions of this country (ISO 3166-1 alpha-2)', example: 'DE' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'jurisdiction must be an ISO 3166-1 alpha-2 code' })
  jurisdiction?: string;

  @ApiPropertyOptional({ description: 'Results recorded at or after this ISO 8601 time' })
  @IsOptional()
  @IsString()
  @Matches(INSTANT, { message: 'from must be an ISO 8601 time with a zone, e.g. 2026-12-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Results recorded before this ISO 8601 time' })
  @IsOptional()
  @IsString()
  @Matches(INSTANT, { message: 'to must be an ISO 8601 time with a zone, e.g. 2026-12-31T00:00:00Z' })
  to?: string;

  @ApiPropertyOptional({
    description:
      'Review budget: at most this share (0–1) of a group’s results below the suggested threshold, e.g. 0.1',
    example: '0.1',
  })
  @IsOptional()
  @IsString()
  @Matches(RATE, { message: 'targetReviewRate must be a share from 0 to 1, e.g. 0.1' })
  targetReviewRate?: string;

  @ApiPropertyOptional({
    description:
      'At most this share (0–1) of a group’s rejected or overturned results passing the suggested threshold, e.g. 0',
    example: '0',
  })
  @IsOptional()
  @IsString()
  @Matches(RATE, { message: 'targetFalsePositiveRate must be a share from 0 to 1, e.g. 0.01' })
  targetFalsePositiveRate?: string;
}

export class CalibrationOutcomeCountsView {
  @ApiProperty({ description: 'Approved by the policy, never changed' }) approved_automatically!: number;
  @ApiProperty({ description: 'Approved by a reviewer or an override' }) approved_after_review!: number;
  @ApiProperty({ description: 'Rejected by the policy, a reviewer or an override, never changed' })
  rejected!: number;
  @ApiProperty({ description: 'The final decision differs from an earlier one (an override, a re-review)' })
  overturned!: number;
  @ApiProperty({ description: 'No decision stands (open, or in review)' }) undecided!: number;
  @ApiProperty() expired!: number;
  @ApiProperty({ description: 'Closed without a decision (consent withdrawn, erasure)' }) closed!: number;
}

export class CalibrationHistogramBinView {
  @ApiProperty({ description: 'Lower edge (inclusive)', example: 0.82 }) from!: number;
  @ApiProperty({ description: 'Upper edge (exclusive; the last bin holds 1)', example: 0.84 }) to!: number;
  @ApiProperty() total!: number;
  @ApiProperty({ type: CalibrationOutcomeCountsView }) byOutcome!: CalibrationOutcomeCountsView;
}

export class CalibrationThresholdView {
  @ApiProperty({ description: 'A result passes at or above it', example: 0.83 }) threshold!: number;
  @ApiProperty({ description: 'Share of the group’s results below it (review or resubmission)' })
  reviewRate!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Share of the group’s rejected or overturned results that pass it; null when it has none',
  })
  falsePositiveRate!: number | null;
  @ApiProperty({ description: 'Share of the group’s results that pass it' }) passRate!: number;
}

export class CalibrationCurrentThresholdView {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The policy in force’s threshold when one applies to every result; null when they differ',
  })
  threshold!: number | null;
  @ApiProperty({
    type: [Number],
    description: 'Every threshold the policy applies to the group’s results (by country and segment)',
  })
  thresholds!: number[];
  @ApiProperty({ description: 'Share of the results below their own threshold' }) reviewRate!: number;
  @ApiProperty({ type: Number, nullable: true }) falsePositiveRate!: number | null;
  @ApiProperty() passRate!: number;
}

export class CalibrationGroupView {
  @ApiProperty() vendor!: string;
  @ApiProperty({ enum: CHECK_KINDS }) checkKind!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: `The country; null for every country together (a country with fewer than ${MIN_PER_GROUP} results is only there)`,
  })
  jurisdiction!: string | null;
  @ApiProperty({ description: 'Scored clear results: one per session, vendor and kind' }) results!: number;
  @ApiProperty({ type: CalibrationOutcomeCountsView }) byOutcome!: CalibrationOutcomeCountsView;
  @ApiProperty({
    type: [CalibrationHistogramBinView],
    description: `${HISTOGRAM_BINS} bins of 0.02 from 0 to 1`,
  })
  histogram!: CalibrationHistogramBinView[];
  @ApiProperty({
    type: CalibrationThresholdView,
    nullable: true,
    description:
      'The threshold the targets lead to (0.01 grid); null without targets or when none meets them',
  })
  suggested!: CalibrationThresholdView | null;
  @ApiProperty({
    type: CalibrationCurrentThresholdView,
    nullable: true,
    description: 'Where the policy in force stands; null when it sets no threshold for these results',
  })
  current!: CalibrationCurrentThresholdView | null;
}

export class CalibrationFilterView {
  @ApiPropertyOptional() vendor?: string;
  @ApiPropertyOptional({ enum: CHECK_KINDS }) checkKind?: string;
  @ApiPropertyOptional() jurisdiction?: string;
  @ApiPropertyOptional() from?: string;
  @ApiPropertyOptional() to?: string;
}

export class CalibrationTargetsView {
  @ApiProperty({ type: Number, nullable: true }) targetReviewRate!: number | null;
  @ApiProperty({ type: Number, nullable: true }) targetFalsePositiveRate!: number | null;
}

export class CalibrationPolicyView {
  @ApiProperty() policyId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'SHA-256 of the canonical JSON of the policy' }) hash!: string;
}

export class CalibrationReportView {
  @ApiProperty({ description: 'The ledger position the report covers (inclusive)' }) readTo!: number;
  @ApiProperty({ type: CalibrationFilterView }) filter!: CalibrationFilterView;
  @ApiProperty({ type: CalibrationTargetsView }) targets!: CalibrationTargetsView;
  @ApiProperty({
    type: CalibrationPolicyView,
    nullable: true,
    description: 'The policy in force, whose thresholds `current` shows',
  })
  policy!: CalibrationPolicyView | null;
  @ApiProperty({ description: 'Results a country needs to be reported on its own' }) minPerGroup!: number;
  @ApiProperty({
    type: [CalibrationGroupView],
    description: 'By vendor and check kind: every country together, then each country with enough results',
  })
  groups!: CalibrationGroupView[];
}

/**
 * The policy lab's calibration report (docs/policy-lab.md, "Calibration"): vendors' confidence scores against
 * how the sessions finally ended, with a threshold finder. Auditors and admins; counts only, no personal data.
 * Computed on request by reading the log to its head in pages (yielding between them).
 */
@ApiTags('policy-lab')
@Controller('v1/policy-lab/calibration')
export class CalibrationController {
  private running = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policies: PolicyRegistry,
  ) {}

  @Get()
  @Roles('auditor')
  @ApiEndpoint({
    operationId: 'getPolicyCalibration',
    summary:
      'Vendor confidence scores against final outcomes, per vendor, check kind and country; a threshold finder',
    description:
      'Reads every verification event of the log on each request (paged, yielding between pages): its cost grows with the log, like a replay’s.',
    response: CalibrationReportView,
    problems: ['validation_failed', 'calibration_limit_reached', 'event_store_unavailable'],
  })
  async report(@Query() query: CalibrationQuery): Promise<CalibrationReportView> {
    if (this.running >= MAX_RUNNING) throw new CalibrationLimitReachedError(this.running);
    this.running += 1;
    try {
      const filter: CalibrationFilter = {
        ...(query.vendor === undefined ? {} : { vendor: query.vendor }),
        ...(query.checkKind === undefined ? {} : { checkKind: query.checkKind }),
        ...(query.jurisdiction === undefined ? {} : { jurisdiction: query.jurisdiction }),
        ...(query.from === undefined ? {} : { from: instant('from', query.from) }),
        ...(query.to === undefined ? {} : { to: instant('to', query.to) }),
      };
      const targets: CalibrationTargets = {
        ...(query.targetReviewRate === undefined ? {} : { targetReviewRate: Number(query.targetReviewRate) }),
        ...(query.targetFalsePositiveRate === undefined
          ? {}
          : { targetFalsePositiveRate: Number(query.targetFalsePositiveRate) }),
      };
      const head = await this.store.headPosition();
      return await runCalibration(
        this.store,
        new ScoreCalibration(filter, this.policyInForce()),
        head,
        targets,
      );
    } finally {
      this.running -= 1;
    }
  }

  /** The policy in force now, whose thresholds the report compares with; none before the first takes effect. */
  private policyInForce(): LoadedPolicy | undefined {
    try {
      return this.policies.active(this.clock.now());
    } catch (error) {
      if (error instanceof NoActivePolicyError) return undefined;
      throw error;
    }
  }
}

/** The instant in UTC; a time of the right form that is no instant (February 30th, 25 o'clock) is refused too. */
function instant(field: 'from' | 'to', value: string): string {
  const [, y, m, d, hh, mm, ss] = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value) ?? [];
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const ms = Date.parse(value);
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth &&
    Number(hh) <= 23 &&
    Number(mm) <= 59 &&
    Number(ss ?? '0') <= 59 &&
    !Number.isNaN(ms);
  if (!valid) {
    throw new RequestValidationError([
      { field, problems: [`${field} must be an ISO 8601 time with a zone`] },
    ]);
  }
  return new Date(ms).toISOString();
}
