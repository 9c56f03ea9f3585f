import { Injectable } from '@nestjs/common';
import { type DecisionPercentiles, InsightsRepository, type KpiCounts } from './insights.repository';
import type { KpiFilter } from './kpi.query';
import { byDayThenGroup, cellKey, ratio } from './kpis';
import type { KpiRowView, KpisView } from './insights.views';

/** The KPIs of a range: counts summed by SQL per (day, group), exact percentiles taken by SQL too. */
@Injectable()
export class InsightsService {
  constructor(private readonly repository: InsightsRepository) {}

  async kpis(filter: KpiFilter, now: Date): Promise<KpisView> {
    const [counts, percentiles, queue] = await Promise.all([
      this.repository.counts(filter),
      this.repository.decisionPercentiles(filter),
      this.repository.queue(filter),
    ]);
    const byCell = new Map(percentiles.map((p) => [cellKey(p.day, p.group), p]));
    const rows = counts
      .map((cell) => kpiRow(cell, byCell.get(cellKey(cell.day, cell.group))))
      .sort(byDayThenGroup);
    const oldest = queue.oldestRequestedAt === null ? null : Date.parse(queue.oldestRequestedAt);
    return {
      from: filter.from,
      to: filter.to,
      ...(filter.groupBy === undefined ? {} : { groupBy: filter.groupBy }),
      rows,
      queue: {
        depth: queue.depth,
        oldestAgeSeconds: oldest === null ? null : Math.max(0, Math.floor((now.getTime() - oldest) / 1000)),
      },
    };
  }
}

function kpiRow(cell: KpiCounts, times: DecisionPercentiles | undefined): KpiRowView {
  const approved = cell.autoApproved + cell.approvedAfterReview;
  return {
    day: cell.day,
    group: cell.group,
    sessionsStarted: cell.sessionsStarted,
    submissionsSucceeded: cell.submissionsSucceeded,
    resubmissions: cell.resubmissions,
    livenessPassRate: ratio(cell.livenessPassed, cell.livenessChecked),
    autoApproved: cell.autoApproved,
    approvedAfterReview: cell.approvedAfterReview,
    rejected: cell.rejected,
    expired: cell.expired,
    abandoned: cell.abandoned,
    closed: cell.closed,
    reviewed: cell.reviewed,
    slaBreaches: cell.slaBreaches,
    medianDecisionMs: times?.median ?? null,
    p90DecisionMs: times?.p90 ?? null,
    meanCallbackMs: cell.callbackCount === 0 ? null : Math.round(cell.callbackMsSum / cell.callbackCount),
    maxCallbackMs: cell.callbackMsMax,
    vendorErrorRate: ratio(cell.vendorErrors, cell.vendorCalls),
    passRate: ratio(approved, approved + cell.rejected),
  };
}
