import { Controller, Get, Inject, Injectable, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { toLedgerEvent } from '../ledger/ledger';
import { VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';
import { Roles } from '../platform/auth/auth.decorators';
import { ApiEndpoint } from '../platform/http/openapi';
import { type OutcomeGroupBy, OutcomeQuality, type OutcomeReport } from './outcomes';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const GROUP_BY: readonly OutcomeGroupBy[] = ['week', 'country', 'vendor', 'policyVersion'];
const PAGE = 2000;

export class OutcomeQuery {
  @ApiPropertyOptional({ enum: GROUP_BY, description: 'Cohort: ISO week of the first decision (default), …' })
  @IsOptional()
  @IsIn(GROUP_BY)
  groupBy?: OutcomeGroupBy;

  @ApiPropertyOptional({ description: 'Sessions first decided at or after this ISO 8601 time' })
  @IsOptional()
  @Matches(INSTANT, { message: 'from must be an ISO 8601 time with a zone, e.g. 2026-12-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Sessions first decided before this ISO 8601 time' })
  @IsOptional()
  @Matches(INSTANT, { message: 'to must be an ISO 8601 time with a zone, e.g. 2026-12-31T00:00:00Z' })
  to?: string;
}

export class InvalidatedView {
  @ApiProperty({ description: 'Approvals later rejected (an override, or a review an approval reopened)' })
  overturned!: number;
  @ApiProperty({ description: 'Approvals a later screening found a sanctions, PEP or watchlist hit on' })
  laterScreeningHit!: number;
  @ApiProperty({
    description:
      'Approvals whose identity matched another subject (approved although it did, or matched later)',
  })
  duplicateIdentity!: number;
}

export class OutcomeTotalView {
  @ApiProperty({ description: 'Sessions with a first decision (approved or rejected) in range' })
  decided!: number;
  @ApiProperty() approved!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ description: 'Approvals that stayed valid' }) validApproved!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'approved / decided' }) passRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'validApproved / decided' })
  validPassRate!: number | null;
  @ApiProperty({ type: InvalidatedView }) invalidated!: InvalidatedView;
}

export class OutcomeGroupView extends OutcomeTotalView {
  @ApiProperty({ description: 'The cohort: 2026-W48, DE, onfido, kyc-default@2026-11-01' }) key!: string;
}

export class OutcomeFilterView {
  @ApiPropertyOptional() from?: string;
  @ApiPropertyOptional() to?: string;
}

export class OutcomeReportView {
  @ApiProperty({ enum: GROUP_BY }) groupBy!: string;
  @ApiProperty({ type: OutcomeFilterView }) filter!: OutcomeFilterView;
  @ApiProperty({ description: 'The ledger position the report covers (inclusive)' }) readTo!: number;
  @ApiProperty({ type: OutcomeTotalView }) total!: OutcomeTotalView;
  @ApiProperty({ type: [OutcomeGroupView] }) groups!: OutcomeGroupView[];
}

/**
 * The outcome-quality model, kept in memory and brought up to date from the ledger on each request (the first
 * reads the whole log, the next ones only what was appended since). One fold for the service.
 */
@Injectable()
export class OutcomeQualityService {
  private readonly model = new OutcomeQuality();
  private position = 0;
  private catchingUp: Promise<void> | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async report(groupBy: OutcomeGroupBy, filter: { from?: string; to?: string }): Promise<OutcomeReport> {
    this.catchingUp ??= this.catchUp().finally(() => {
      this.catchingUp = undefined;
    });
    await this.catchingUp;
    return this.model.report(groupBy, filter);
  }

  private async catchUp(): Promise<void> {
    const head = await this.store.headPosition();
    while (this.position < head) {
      const page = await this.store.readAll({
        after: this.position,
        maxCount: PAGE,
        filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX] },
      });
      if (page.length === 0) break;
      for (const recorded of page) this.model.apply(toLedgerEvent(recorded));
      this.position = page.at(-1)?.position ?? head;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.position = Math.max(this.position, head);
    this.model.readThrough(head);
  }
}

/** `GET /v1/policy-lab/outcomes`: pass rate and valid pass rate by cohort (docs/policy-lab.md). */
@ApiTags('policy-lab')
@Controller('v1/policy-lab/outcomes')
export class OutcomesController {
  constructor(private readonly outcomes: OutcomeQualityService) {}

  @Get()
  @Roles('auditor')
  @ApiEndpoint({
    operationId: 'getOutcomeQuality',
    summary:
      'Pass rate and valid pass rate (approvals not later overturned, hit or found duplicate) by cohort',
    response: OutcomeReportView,
    problems: ['validation_failed', 'event_store_unavailable'],
  })
  async get(@Query() query: OutcomeQuery): Promise<OutcomeReportView> {
    const report = await this.outcomes.report(query.groupBy ?? 'week', {
      ...(query.from === undefined ? {} : { from: new Date(query.from).toISOString() }),
      ...(query.to === undefined ? {} : { to: new Date(query.to).toISOString() }),
    });
    return { ...report, groups: [...report.groups] };
  }
}
