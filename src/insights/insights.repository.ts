import { Injectable } from '@nestjs/common';
import { DataSource, type Repository, type SelectQueryBuilder } from 'typeorm';
import { InsightsSessionEntity } from './insights-session.entity';
import type { KpiDimensions, KpiFilter, KpiGroupBy } from './kpi.query';

/** The column each grouping reads. */
const GROUP_COLUMN: Readonly<Record<KpiGroupBy, string>> = {
  country: 's.country',
  deviceClass: 's.deviceClass',
  documentType: 's.documentType',
  vendor: 's.vendor',
};

/** Counts of one (day, group) cell, as summed by SQL. */
export interface KpiCounts {
  readonly day: string;
  readonly group: string | null;
  readonly sessionsStarted: number;
  readonly submissionsSucceeded: number;
  readonly resubmissions: number;
  readonly livenessPassed: number;
  readonly livenessChecked: number;
  readonly autoApproved: number;
  readonly approvedAfterReview: number;
  readonly rejected: number;
  readonly expired: number;
  readonly abandoned: number;
  readonly closed: number;
  readonly reviewed: number;
  readonly slaBreaches: number;
  readonly vendorErrors: number;
  readonly vendorCalls: number;
  /** Σ and count of the sessions' callback latencies (each session's slowest vendor result), and the largest. */
  readonly callbackMsSum: number;
  readonly callbackCount: number;
  readonly callbackMsMax: number | null;
}

/** The exact median and p90 of a cell (nearest rank): time to decision, or callback latency. */
export interface DecisionPercentiles {
  readonly day: string;
  readonly group: string | null;
  readonly median: number | null;
  readonly p90: number | null;
}

export interface QueueState {
  readonly depth: number;
  /** When the oldest pending review was requested; null when none is pending. */
  readonly oldestRequestedAt: string | null;
}

/** How many rows meet `condition` (flags are 0/1 integers: `= 1` reads the same on PostgreSQL and SQLite). */
const countWhere = (condition: string): string => `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

/** Raw numbers come back as strings from PostgreSQL (bigint sums) and as numbers from SQLite. */
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const str = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

/** Reads of `insights_sessions`: counts grouped in SQL, the exact decision times, the pending reviews. */
@Injectable()
export class InsightsRepository {
  private readonly sessions: Repository<InsightsSessionEntity>;

  constructor(dataSource: DataSource) {
    this.sessions = dataSource.getRepository(InsightsSessionEntity);
  }

  async counts(filter: KpiFilter): Promise<KpiCounts[]> {
    const query = this.inRange(filter)
      .select('s.startedDay', 'day')
      .addSelect('COUNT(*)', 'sessions_started')
      .addSelect('SUM(s.submissionsOk)', 'submissions_ok')
      .addSelect('SUM(s.resubmissions)', 'resubmissions')
      .addSelect(countWhere('s.livenessPassed = 1'), 'liveness_passed')
      .addSelect('COUNT(s.livenessPassed)', 'liveness_checked')
      .addSelect(countWhere("s.outcome = 'auto_approved'"), 'auto_approved')
      .addSelect(countWhere("s.outcome = 'approved_after_review'"), 'approved_after_review')
      .addSelect(countWhere("s.outcome = 'rejected'"), 'rejected')
      .addSelect(countWhere("s.outcome = 'expired'"), 'expired')
      .addSelect(countWhere("s.outcome = 'abandoned'"), 'abandoned')
      .addSelect(countWhere("s.outcome = 'closed'"), 'closed')
      .addSelect(countWhere('s.reviewed = 1'), 'reviewed')
      .addSelect(countWhere('s.slaBreached = 1'), 'sla_breached')
      .addSelect('SUM(s.vendorErrors)', 'vendor_errors')
      .addSelect('SUM(s.vendorCalls)', 'vendor_calls')
      .addSelect('SUM(s.callbackMs)', 'callback_sum')
      .addSelect('COUNT(s.callbackMs)', 'callback_count')
      .addSelect('MAX(s.callbackMs)', 'callback_max')
      .groupBy('s.startedDay');
    const group = filter.groupBy === undefined ? undefined : GROUP_COLUMN[filter.groupBy];
    if (group !== undefined) query.addSelect(group, 'grp').addGroupBy(group);
    const rows = await query.getRawMany<Record<string, unknown>>();
    return rows.map((raw) => ({
      day: str(raw.day) ?? '',
      group: str(raw.grp),
      sessionsStarted: num(raw.sessions_started),
      submissionsSucceeded: num(raw.submissions_ok),
      resubmissions: num(raw.resubmissions),
      livenessPassed: num(raw.liveness_passed),
      livenessChecked: num(raw.liveness_checked),
      autoApproved: num(raw.auto_approved),
      approvedAfterReview: num(raw.approved_after_review),
      rejected: num(raw.rejected),
      expired: num(raw.expired),
      abandoned: num(raw.abandoned),
      closed: num(raw.closed),
      reviewed: num(raw.reviewed),
      slaBreaches: num(raw.sla_breached),
      vendorErrors: num(raw.vendor_errors),
      vendorCalls: num(raw.vendor_calls),
      callbackMsSum: num(raw.callback_sum),
      callbackCount: num(raw.callback_count),
      callbackMsMax:
        raw.callback_max === null || raw.callback_max === undefined ? null : num(raw.callback_max),
    }));
  }

  /**
   * The exact median and p90 of the time to decision per (day, group), by nearest rank (rank ⌈q·n⌉), taken in
   * the database with window functions: only two rows per cell leave it, not every decision time.
   */
  decisionPercentiles(filter: KpiFilter): Promise<DecisionPercentiles[]> {
    return this.percentiles(filter, 's.decisionMs');
  }

  private async percentiles(filter: KpiFilter, column: 's.decisionMs'): Promise<DecisionPercentiles[]> {
    const group = filter.groupBy === undefined ? undefined : GROUP_COLUMN[filter.groupBy];
    const partition = group === undefined ? 's.startedDay' : `s.startedDay, ${group}`;
    const inner = this.inRange(filter)
      .select('s.startedDay', 'day')
      .addSelect(group ?? 'NULL', 'grp')
      .addSelect(column, 'ms')
      .addSelect(`ROW_NUMBER() OVER (PARTITION BY ${partition} ORDER BY ${column})`, 'rn')
      .addSelect(`COUNT(*) OVER (PARTITION BY ${partition})`, 'n')
      .andWhere(`${column} IS NOT NULL`);
    const rows = await this.sessions.manager
      .createQueryBuilder()
      .select('t.day', 'day')
      .addSelect('t.grp', 'grp')
      .addSelect('t.ms', 'ms')
      .addSelect('t.rn', 'rn')
      .addSelect('t.n', 'n')
      .from(`(${inner.getQuery()})`, 't')
      .setParameters(inner.getParameters())
      // ⌈n/2⌉ and ⌈9n/10⌉ in integer arithmetic (the same on SQLite and PostgreSQL).
      .where('t.rn = (t.n + 1) / 2 OR t.rn = (9 * t.n + 9) / 10')
      .getRawMany<Record<string, unknown>>();
    const cells = new Map<
      string,
      { day: string; group: string | null; median: number | null; p90: number | null }
    >();
    for (const raw of rows) {
      const day = str(raw.day) ?? '';
      const grp = str(raw.grp);
      const key = JSON.stringify([day, grp]);
      const cell = cells.get(key) ?? { day, group: grp, median: null, p90: null };
      const n = num(raw.n);
      const rank = num(raw.rn);
      if (rank === Math.floor((n + 1) / 2)) cell.median = num(raw.ms);
      if (rank === Math.floor((9 * n + 9) / 10)) cell.p90 = num(raw.ms);
      cells.set(key, cell);
    }
    return [...cells.values()];
  }

  /** Sessions waiting for a review now, whenever they started. */
  async queue(dimensions: KpiDimensions): Promise<QueueState> {
    const raw = await this.withDimensions(this.sessions.createQueryBuilder('s'), dimensions)
      .select('COUNT(*)', 'depth')
      .addSelect('MIN(s.reviewRequestedAt)', 'oldest')
      .andWhere('s.reviewRequestedAt IS NOT NULL')
      .getRawOne<Record<string, unknown>>();
    return { depth: num(raw?.depth), oldestRequestedAt: str(raw?.oldest) };
  }

  /**
   * Sessions by country and outcome over the whole read model (`open` while undecided): the business series on
   * `/metrics`. Countries are those the policies name, so the label set stays small.
   */
  async outcomesByCountry(): Promise<{ country: string; outcome: string; count: number }[]> {
    const rows = await this.sessions
      .createQueryBuilder('s')
      .select('s.country', 'country')
      .addSelect("COALESCE(s.outcome, 'open')", 'outcome')
      .addSelect('COUNT(*)', 'count')
      .groupBy('s.country')
      .addGroupBy("COALESCE(s.outcome, 'open')")
      .getRawMany<Record<string, unknown>>();
    return rows.map((raw) => ({
      country: str(raw.country) ?? 'unknown',
      outcome: str(raw.outcome) ?? 'open',
      count: num(raw.count),
    }));
  }

  private inRange(filter: KpiFilter): SelectQueryBuilder<InsightsSessionEntity> {
    return this.withDimensions(
      this.sessions
        .createQueryBuilder('s')
        .where('s.startedDay >= :from', { from: filter.from })
        .andWhere('s.startedDay <= :to', { to: filter.to }),
      filter,
    );
  }

  private withDimensions(
    query: SelectQueryBuilder<InsightsSessionEntity>,
    dimensions: KpiDimensions,
  ): SelectQueryBuilder<InsightsSessionEntity> {
    const { country, deviceClass, documentType, vendor, policyVersion } = dimensions;
    if (country !== undefined) query.andWhere('s.country = :country', { country });
    if (deviceClass !== undefined) query.andWhere('s.deviceClass = :deviceClass', { deviceClass });
    if (documentType !== undefined) query.andWhere('s.documentType = :documentType', { documentType });
    if (vendor !== undefined) query.andWhere('s.vendor = :vendor', { vendor });
    if (policyVersion !== undefined) query.andWhere('s.policyVersion = :policyVersion', { policyVersion });
    return query;
  }
}
