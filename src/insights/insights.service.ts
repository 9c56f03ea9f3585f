import { Injectable } from '@nestjs/common';
import { InsightsRepository, type KpiCounts } from './insights.repository';
import type { KpiFilter } from './kpi.query';
import { byDayThenGroup, cellKey, nearestRank, ratio } from './kpis';
import type { KpiRowView, KpisView } from './insights.views';

/** The KPIs of a range: counts summed by SQL per (day, group), percentiles over the exact decision times. */
@Injectable()
export class InsightsService {
  constructor(private readonly repository: InsightsRepository) {}

  async kpis(filter: KpiFilter, now: Date): Promise<KpisView> {
    const [counts, times, queue] = await Promise.all([
      this.repository.counts(filter),
      this.repository.decisionTimes(filter),
      this.repository.queue(filter),
    ]);
    // Ascending from SQL, so each cell's list is sorted too.
    const timesByCell = new Map<string, number[]>();
    for (const { day, group, ms } of times) {
      const key = cellKey(day, group);
      const list = timesByCell.get(key) ?? [];
      list.push(ms);
      timesByCell.set(key, list);
    }
    const rows = counts
      .map((cell) => kpiRow(cell, timesByCell.get(cellKey(cell.day, cell.group)) ?? []))
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

function kpiRow(cell: KpiCounts, decisionTimes: readonly number[]): KpiRowView {
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
    medianDecisionMs: nearestRank(decisionTimes, 0.5),
    p90DecisionMs: nearestRank(decisionTimes, 0.9),
    vendorErrorRate: ratio(cell.vendorErrors, cell.vendorCalls),
    passRate: ratio(approved, approved + cell.rejected),
  };
}
