import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Roles } from '../platform/auth/auth.decorators';
import { ApiEndpoint, READ_PROBLEMS } from '../platform/http/openapi';
import { ReadsProjection } from '../projections/queries/read-your-writes';
import { CLOCK, type Clock } from '../shared/clock';
import { INSIGHTS_SESSIONS } from './insights.projection';
import { InsightsService } from './insights.service';
import { KpisView } from './insights.views';
import { kpiFilter, KpiQuery } from './kpi.query';

/** `GET /v1/insights/kpis`: the seed's KPIs per day and group (docs/insights.md). */
@ApiTags('insights')
@Controller('v1/insights')
export class InsightsController {
  constructor(
    private readonly insights: InsightsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('kpis')
  @Roles('auditor')
  @ApiEndpoint({
    summary: 'KPIs per UTC day and group (country, device class, document type or vendor), with filters',
    operationId: 'getInsightsKpis',
    response: KpisView,
    problems: ['validation_failed', ...READ_PROBLEMS],
  })
  @ReadsProjection(INSIGHTS_SESSIONS)
  async kpis(@Query() query: KpiQuery): Promise<KpisView> {
    const now = this.clock.now();
    return this.insights.kpis(kpiFilter(query, now), now);
  }
}
