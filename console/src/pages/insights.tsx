import { useEffect, useState } from 'preact/hooks';
import { call, query, type Schemas } from '../api';
import { BarChart, type Datum, LineChart, StackedBars } from '../charts';
import { duration, ErrorNote, Loading, Page, useAsync } from '../components';
import { href, navigate } from '../router';
import { can, type Me } from '../session';
import './insights.css';

/*
 * The KPIs of the verification flow (GET /v1/insights/kpis, docs/insights.md) for a range of UTC days, by a
 * dimension, with filters; all of them live in the URL (#/insights?from=&to=&groupBy=&country=…), so a view can be
 * shared. Below, the policy lab's calibration of vendor scores and the valid pass rate.
 */

type Kpis = Schemas['KpisView'];
type KpiRow = Schemas['KpiRowView'];
type Calibration = Schemas['CalibrationReportView'];
type CalibrationGroup = Calibration['groups'][number];
type Outcomes = Schemas['OutcomeReportView'];

const GROUP_BY = [
  { value: 'country', label: 'Country', none: 'unknown country' },
  { value: 'deviceClass', label: 'Device class', none: 'no capture yet' },
  { value: 'documentType', label: 'Document type', none: 'no document yet' },
  { value: 'vendor', label: 'Vendor', none: 'no vendor yet' },
] as const;
type GroupBy = (typeof GROUP_BY)[number]['value'];

/** The filters the API takes besides the range and the grouping, with values seen in the shipped policies. */
const FILTERS = [
  { name: 'country', label: 'Country', hint: 'ISO code, e.g. DE', options: ['DE', 'GB', 'US', 'FR'] },
  { name: 'deviceClass', label: 'Device class', hint: '', options: ['mobile', 'desktop', 'tablet'] },
  {
    name: 'documentType',
    label: 'Document type',
    hint: '',
    options: ['passport', 'id_card', 'driving_licence', 'residence_permit'],
  },
  { name: 'vendor', label: 'Vendor', hint: '', options: ['onfido', 'veriff', 'sumsub', 'persona'] },
  { name: 'policyVersion', label: 'Policy version', hint: 'e.g. 2026-12-01', options: [] },
] as const;
type FilterName = (typeof FILTERS)[number]['name'];
const PARAMS = ['from', 'to', 'groupBy', ...FILTERS.map((f) => f.name)] as const;
type Params = Partial<Record<(typeof PARAMS)[number], string>>;

function readParams(params: URLSearchParams): Params {
  const out: Params = {};
  for (const name of PARAMS) {
    const value = params.get(name);
    if (value !== null && value !== '') out[name] = value;
  }
  return out;
}

function groupByOf(params: Params): GroupBy {
  return GROUP_BY.find((g) => g.value === params.groupBy)?.value ?? 'country';
}

const COUNTS = [
  'sessionsStarted',
  'submissionsSucceeded',
  'resubmissions',
  'autoApproved',
  'approvedAfterReview',
  'rejected',
  'expired',
  'abandoned',
  'closed',
  'reviewed',
  'slaBreaches',
] as const;
type Count = (typeof COUNTS)[number];
type Totals = Record<Count, number>;

function sum(rows: readonly KpiRow[]): Totals {
  const totals = Object.fromEntries(COUNTS.map((c) => [c, 0])) as Totals;
  for (const row of rows) for (const c of COUNTS) totals[c] += row[c];
  return totals;
}

/** (auto-approved + approved after review) / decided, from summed counts: exact over any set of rows. */
function passRate(t: Totals): number | null {
  const approved = t.autoApproved + t.approvedAfterReview;
  return approved + t.rejected === 0 ? null : approved / (approved + t.rejected);
}

const percent = (value: number): string => `${(value * 100).toFixed(1)} %`;
const ms = (value: number): string => duration(value / 1000);

/** Sessions still open (no outcome yet): started minus every outcome. */
function open(t: Totals): number {
  return (
    t.sessionsStarted -
    t.autoApproved -
    t.approvedAfterReview -
    t.rejected -
    t.expired -
    t.abandoned -
    t.closed
  );
}

function Filters({ current, resolved }: { current: Params; resolved: Kpis | undefined }) {
  const [draft, setDraft] = useState<Params>(current);
  const key = JSON.stringify(current);
  useEffect(() => {
    setDraft(current);
  }, [key]);
  const set =
    (name: keyof Params) =>
    (e: { currentTarget: HTMLInputElement | HTMLSelectElement }): void => {
      const value = e.currentTarget.value.trim();
      setDraft((d) => ({ ...d, [name]: value === '' ? undefined : value }));
    };
  return (
    <form
      class="panel insights-filters"
      aria-label="Insights filters"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(['insights'], {
          ...draft,
          ...(draft.country === undefined ? {} : { country: draft.country.toUpperCase() }),
        });
      }}
    >
      <div class="row">
        <div>
          <label for="ins-from">From (UTC day)</label>
          <input
            id="ins-from"
            type="date"
            value={draft.from ?? ''}
            placeholder={resolved?.from}
            onChange={set('from')}
          />
        </div>
        <div>
          <label for="ins-to">To (UTC day)</label>
          <input
            id="ins-to"
            type="date"
            value={draft.to ?? ''}
            placeholder={resolved?.to}
            onChange={set('to')}
          />
        </div>
        <div>
          <label for="ins-group">Group by</label>
          <select id="ins-group" value={groupByOf(draft)} onChange={set('groupBy')}>
            {GROUP_BY.map((g) => (
              <option key={g.value} value={g.value}>
                {g.label}
              </option>
            ))}
          </select>
        </div>
        {FILTERS.map((f) => (
          <div key={f.name}>
            <label for={`ins-${f.name}`}>{f.label}</label>
            <input
              id={`ins-${f.name}`}
              name={f.name}
              list={f.options.length > 0 ? `ins-${f.name}-options` : undefined}
              value={draft[f.name] ?? ''}
              placeholder={f.hint === '' ? 'any' : f.hint}
              autoComplete="off"
              onChange={set(f.name)}
            />
            {f.options.length > 0 ? (
              <datalist id={`ins-${f.name}-options`}>
                {f.options.map((o) => (
                  <option key={o} value={o} />
                ))}
              </datalist>
            ) : null}
          </div>
        ))}
      </div>
      <div class="row insights-actions">
        <button type="submit">Apply</button>
        <a href={href(['insights'])}>Reset to the last 30 days</a>
      </div>
    </form>
  );
}

function Tile({
  id,
  label,
  value,
  raw,
  note,
}: {
  id: string;
  label: string;
  value: string;
  raw?: number | null;
  note?: string;
}) {
  return (
    <div class="kpi-tile">
      <dt>{label}</dt>
      <dd
        class="kpi"
        data-testid={`kpi-${id}`}
        data-value={raw === undefined || raw === null ? '' : String(raw)}
      >
        {value}
      </dd>
      {note === undefined ? null : <dd class="muted kpi-note">{note}</dd>}
    </div>
  );
}

/** A rate or a percentile can't be added up across days: one day shows its value, more show the days' span. */
function perDay(
  rows: readonly KpiRow[],
  pick: (row: KpiRow) => number | null,
  format: (value: number) => string,
): { value: string; note?: string; raw?: number | null } {
  const values = rows.map(pick).filter((v): v is number => v !== null);
  if (values.length === 0) return { value: '—', note: 'none in range', raw: null };
  if (rows.length === 1) return { value: format(values[0] ?? 0), raw: values[0] ?? null };
  const low = Math.min(...values);
  const high = Math.max(...values);
  return {
    value: low === high ? format(low) : `${format(low)} – ${format(high)}`,
    note: `lowest – highest of ${values.length} days`,
  };
}

function Headline({ kpis }: { kpis: Kpis }) {
  const t = sum(kpis.rows);
  const rate = passRate(t);
  const median = perDay(kpis.rows, (r) => r.medianDecisionMs, ms);
  const p90 = perDay(kpis.rows, (r) => r.p90DecisionMs, ms);
  const callbackMean = perDay(kpis.rows, (r) => r.meanCallbackMs, ms);
  const callbackMax = perDay(kpis.rows, (r) => r.maxCallbackMs, ms);
  const errors = perDay(kpis.rows, (r) => r.vendorErrorRate, percent);
  const liveness = perDay(kpis.rows, (r) => r.livenessPassRate, percent);
  const counts: [Count, string][] = [
    ['sessionsStarted', 'Sessions started'],
    ['autoApproved', 'Approved automatically'],
    ['approvedAfterReview', 'Approved after review'],
    ['reviewed', 'Sent to review'],
    ['rejected', 'Rejected'],
    ['expired', 'Expired'],
    ['abandoned', 'Abandoned'],
    ['closed', 'Closed'],
    ['slaBreaches', 'Review SLA breaches'],
  ];
  return (
    <section aria-labelledby="ins-headline">
      <h2 id="ins-headline">
        {kpis.from === kpis.to ? kpis.from : `${kpis.from} to ${kpis.to}`}{' '}
        <span class="muted">(UTC days the sessions started)</span>
      </h2>
      <dl class="kpi-tiles">
        {counts.map(([id, label]) => (
          <Tile key={id} id={id} label={label} value={t[id].toLocaleString('en-GB')} raw={t[id]} />
        ))}
        <Tile
          id="passRate"
          label="Pass rate"
          value={rate === null ? '—' : percent(rate)}
          raw={rate}
          note="approved / (approved + rejected)"
        />
        <Tile id="medianDecisionMs" label="Median time to decision" {...median} />
        <Tile id="p90DecisionMs" label="90th percentile time to decision" {...p90} />
        <Tile id="meanCallbackMs" label="Mean vendor callback latency" {...callbackMean} />
        <Tile id="maxCallbackMs" label="Slowest vendor callback" {...callbackMax} />
        <Tile id="vendorErrorRate" label="Vendor error rate" {...errors} />
        <Tile id="livenessPassRate" label="Liveness pass rate" {...liveness} />
        <Tile
          id="queueDepth"
          label="Review queue now"
          value={kpis.queue.depth.toLocaleString('en-GB')}
          raw={kpis.queue.depth}
          note="waiting, whatever day they started"
        />
        <Tile
          id="queueOldest"
          label="Oldest waiting review"
          value={kpis.queue.oldestAgeSeconds === null ? '—' : duration(kpis.queue.oldestAgeSeconds)}
          raw={kpis.queue.oldestAgeSeconds}
        />
      </dl>
    </section>
  );
}

const OUTCOME_SERIES = [
  { key: 'autoApproved', label: 'Approved automatically' },
  { key: 'approvedAfterReview', label: 'Approved after review' },
  { key: 'rejected', label: 'Rejected' },
  { key: 'expired', label: 'Expired' },
  { key: 'abandoned', label: 'Abandoned' },
  { key: 'closed', label: 'Closed' },
  { key: 'open', label: 'Still open' },
];

function ByGroup({ kpis, groupBy }: { kpis: Kpis; groupBy: GroupBy }) {
  const dimension = GROUP_BY.find((g) => g.value === groupBy) ?? GROUP_BY[0];
  const groups = new Map<string | null, KpiRow[]>();
  for (const row of kpis.rows) groups.set(row.group, [...(groups.get(row.group) ?? []), row]);
  const ordered = [...groups.entries()].sort(([a], [b]) =>
    a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1,
  );
  const name = (group: string | null): string => group ?? `(${dimension.none})`;
  const totals = ordered.map(([group, rows]) => ({ group, t: sum(rows) }));
  const data: Datum[] = totals.map(({ group, t }) => ({
    label: name(group),
    values: { ...t, open: open(t), passRate: passRate(t) },
  }));
  const lower = dimension.label.toLowerCase();
  if (ordered.length === 0) return <p class="muted">No session started in this range with these filters.</p>;
  return (
    <section aria-labelledby="ins-groups">
      <h2 id="ins-groups">By {lower}</h2>
      <div class="chart-grid">
        <StackedBars
          testId="chart-outcomes-by-group"
          title={`Outcomes by ${lower}`}
          summary={`Sessions per ${lower} split by outcome: ${data
            .map((d) => `${d.label} ${String(d.values.sessionsStarted ?? 0)}`)
            .join(', ')}.`}
          rowHeader={dimension.label}
          series={OUTCOME_SERIES}
          data={data}
        />
        <BarChart
          testId="chart-pass-rate-by-group"
          title={`Pass rate by ${lower}`}
          summary={`Approved / (approved + rejected) per ${lower}.`}
          rowHeader={dimension.label}
          series={{ key: 'passRate', label: 'Pass rate' }}
          data={data}
          format={percent}
          max={1}
        />
      </div>
      <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="ins-group-caption">
        <table class="stack" data-testid="group-table" data-group-by={groupBy}>
          <caption>KPIs by {lower}, summed over the range (open sessions have no outcome yet)</caption>
          <thead>
            <tr>
              <th scope="col">{dimension.label}</th>
              <th scope="col">Started</th>
              <th scope="col">Auto-approved</th>
              <th scope="col">After review</th>
              <th scope="col">Rejected</th>
              <th scope="col">Reviewed</th>
              <th scope="col">Expired</th>
              <th scope="col">Abandoned</th>
              <th scope="col">SLA breaches</th>
              <th scope="col">Pass rate</th>
            </tr>
          </thead>
          <tbody>
            {totals.map(({ group, t }) => {
              const rate = passRate(t);
              const cell = (field: Count, label: string) => (
                <td data-label={label} data-field={field}>
                  {t[field]}
                </td>
              );
              return (
                <tr key={group ?? ''} data-group={group ?? ''}>
                  <th scope="row" data-label={dimension.label}>
                    {name(group)}
                  </th>
                  {cell('sessionsStarted', 'Started')}
                  {cell('autoApproved', 'Auto-approved')}
                  {cell('approvedAfterReview', 'After review')}
                  {cell('rejected', 'Rejected')}
                  {cell('reviewed', 'Reviewed')}
                  {cell('expired', 'Expired')}
                  {cell('abandoned', 'Abandoned')}
                  {cell('slaBreaches', 'SLA breaches')}
                  <td data-label="Pass rate" data-field="passRate">
                    {rate === null ? '—' : percent(rate)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ByDay({ kpis }: { kpis: Kpis }) {
  if (kpis.rows.length === 0) return null;
  const data: Datum[] = kpis.rows.map((row) => {
    const t = sum([row]);
    return {
      label: row.day,
      values: {
        sessionsStarted: row.sessionsStarted,
        approved: row.autoApproved + row.approvedAfterReview,
        rejected: row.rejected,
        reviewed: row.reviewed,
        median: row.medianDecisionMs,
        p90: row.p90DecisionMs,
        callbackMean: row.meanCallbackMs,
        callbackMax: row.maxCallbackMs,
        passRate: passRate(t),
      },
    };
  });
  const days = kpis.rows.length === 1 ? 'one day' : `${kpis.rows.length} days with sessions`;
  return (
    <section aria-labelledby="ins-days">
      <h2 id="ins-days">Per day</h2>
      <div class="chart-grid">
        <LineChart
          testId="chart-sessions-per-day"
          title="Sessions per day"
          summary={`Sessions started, approved, rejected and sent to review per UTC day, over ${days}.`}
          rowHeader="Day"
          series={[
            { key: 'sessionsStarted', label: 'Started' },
            { key: 'approved', label: 'Approved' },
            { key: 'rejected', label: 'Rejected' },
            { key: 'reviewed', label: 'Sent to review' },
          ]}
          data={data}
        />
        <LineChart
          testId="chart-decision-time-per-day"
          title="Time to decision per day"
          summary={`Median and 90th percentile time from start to approval or rejection per UTC day, over ${days}.`}
          rowHeader="Day"
          series={[
            { key: 'median', label: 'Median' },
            { key: 'p90', label: '90th percentile' },
          ]}
          data={data}
          format={ms}
        />
        <LineChart
          testId="chart-callback-latency-per-day"
          title="Vendor callback latency per day"
          summary={`Mean and largest delay of each session's slowest vendor result, from the vendor's own timestamp to its arrival, per UTC day, over ${days}.`}
          rowHeader="Day"
          series={[
            { key: 'callbackMean', label: 'Mean' },
            { key: 'callbackMax', label: 'Slowest' },
          ]}
          data={data}
          format={ms}
        />
      </div>
    </section>
  );
}

function approvedShare(counts: CalibrationGroup['byOutcome']): number | null {
  const approved = counts.approved_automatically + counts.approved_after_review;
  const decided = approved + counts.rejected + counts.overturned;
  return decided === 0 ? null : approved / decided;
}

function calibrationName(g: CalibrationGroup): string {
  return `${g.vendor} · ${g.checkKind.replaceAll('_', ' ')} · ${g.jurisdiction ?? 'every country'}`;
}

function CalibrationPanel() {
  const report = useAsync((signal) => call<Calibration>('/v1/policy-lab/calibration', { signal }), []);
  const [chosen, setChosen] = useState<string>('');
  if (report.loading) return <Loading what="the calibration report" />;
  if (report.error !== undefined) return <ErrorNote error={report.error} />;
  const groups = report.data?.groups ?? [];
  if (groups.length === 0) return <p class="muted">No scored vendor result yet.</p>;
  // Until one is chosen: the face match over every country, the score a threshold most often turns on.
  const group =
    groups.find((g) => calibrationName(g) === chosen) ??
    groups.find((g) => g.checkKind === 'face_match' && g.jurisdiction === null) ??
    groups[0];
  if (group === undefined) return null;
  const bins = group.histogram.filter((bin) => bin.total > 0);
  const data: Datum[] = bins.map((bin) => ({
    label: `${bin.from.toFixed(2)}–${bin.to.toFixed(2)}`,
    values: {
      approvedShare: approvedShare(bin.byOutcome),
      results: bin.total,
      rejected: bin.byOutcome.rejected + bin.byOutcome.overturned,
    },
  }));
  const threshold = group.current?.threshold;
  return (
    <>
      <div>
        <label for="ins-calibration">Vendor, check and country</label>
        <select
          id="ins-calibration"
          value={calibrationName(group)}
          onChange={(e) => {
            setChosen(e.currentTarget.value);
          }}
        >
          {groups.map((g) => (
            <option key={calibrationName(g)} value={calibrationName(g)}>
              {calibrationName(g)} ({g.results} results)
            </option>
          ))}
        </select>
      </div>
      <p class="muted">
        {group.results} scored results.
        {threshold === undefined || threshold === null
          ? ' The policy in force sets no single threshold for them.'
          : ` The policy in force passes a score of ${threshold.toFixed(2)} or more.`}
      </p>
      <div class="chart-grid">
        <LineChart
          testId="chart-calibration"
          title={`Calibration: ${calibrationName(group)}`}
          summary="Share of decided sessions that were approved, per score bin of 0.02 (bins without results are left out)."
          rowHeader="Score bin"
          series={[{ key: 'approvedShare', label: 'Approved share' }]}
          data={data}
          format={percent}
          max={1}
        />
        <BarChart
          title={`Results per score bin: ${calibrationName(group)}`}
          summary="How many scored results fall in each bin of 0.02."
          rowHeader="Score bin"
          series={{ key: 'results', label: 'Results' }}
          data={data}
        />
      </div>
    </>
  );
}

function OutcomesPanel({ kpis, groupBy }: { kpis: Kpis; groupBy: GroupBy }) {
  const cohort = groupBy === 'country' || groupBy === 'vendor' ? groupBy : 'week';
  const next = new Date(Date.parse(`${kpis.to}T00:00:00Z`) + 86_400_000).toISOString();
  const path = `/v1/policy-lab/outcomes${query({ groupBy: cohort, from: `${kpis.from}T00:00:00Z`, to: next })}`;
  const report = useAsync((signal) => call<Outcomes>(path, { signal }), [path]);
  if (report.loading) return <Loading what="the outcome quality" />;
  if (report.error !== undefined) return <ErrorNote error={report.error} />;
  const data = report.data;
  if (data === undefined) return null;
  const rows: Datum[] = data.groups.map((g) => ({
    label: g.key,
    values: { passRate: g.passRate, validPassRate: g.validPassRate, decided: g.decided },
  }));
  return (
    <>
      <dl class="kpi-tiles">
        <Tile
          id="validPassRate"
          label="Valid pass rate"
          value={data.total.validPassRate === null ? '—' : percent(data.total.validPassRate)}
          raw={data.total.validPassRate}
          note="approvals that stayed valid / decided"
        />
        <Tile
          id="outcomePassRate"
          label="Pass rate at first decision"
          value={data.total.passRate === null ? '—' : percent(data.total.passRate)}
          raw={data.total.passRate}
        />
        <Tile
          id="invalidated"
          label="Approvals invalidated later"
          value={String(
            data.total.invalidated.overturned +
              data.total.invalidated.laterScreeningHit +
              data.total.invalidated.duplicateIdentity,
          )}
          note={`${data.total.invalidated.overturned} overturned, ${data.total.invalidated.laterScreeningHit} later hits, ${data.total.invalidated.duplicateIdentity} duplicates`}
        />
      </dl>
      {rows.length === 0 ? null : cohort !== 'week' ? (
        <BarChart
          testId="chart-valid-pass-rate"
          title={`Valid pass rate by ${cohort}`}
          summary={`Per ${cohort}: approvals that stayed valid / sessions decided.`}
          rowHeader={cohort === 'country' ? 'Country' : 'Vendor'}
          series={{ key: 'validPassRate', label: 'Valid pass rate' }}
          data={rows}
          format={percent}
          max={1}
        />
      ) : (
        <LineChart
          testId="chart-valid-pass-rate"
          title={`Pass rate and valid pass rate by ${cohort}`}
          summary={`Per ${cohort} of the first decision: approved / decided, and approvals that stayed valid / decided.`}
          rowHeader="ISO week"
          series={[
            { key: 'passRate', label: 'Pass rate' },
            { key: 'validPassRate', label: 'Valid pass rate' },
          ]}
          data={rows}
          format={percent}
          max={1}
        />
      )}
    </>
  );
}

export function InsightsPage({ me, params }: { me: Me; params: URLSearchParams }) {
  const current = readParams(params);
  const groupBy = groupByOf(current);
  const filters: Partial<Record<FilterName | 'from' | 'to', string>> = {};
  for (const name of PARAMS)
    if (name !== 'groupBy' && current[name] !== undefined) filters[name] = current[name];
  const base = query(filters);
  const grouped = query({ ...filters, groupBy });
  const kpis = useAsync(
    (signal) =>
      Promise.all([
        call<Kpis>(`/v1/insights/kpis${base}`, { signal }),
        call<Kpis>(`/v1/insights/kpis${grouped}`, { signal }),
      ]),
    [base, grouped],
  );
  const [daily, byGroup] = kpis.data ?? [];
  const lab = can(me, 'auditor');
  return (
    <Page title="Insights">
      <div class="insights">
        <Filters current={current} resolved={daily} />
        <ErrorNote error={kpis.error} />
        {kpis.loading && daily === undefined ? <Loading what="the KPIs" /> : null}
        <div aria-busy={kpis.loading ? 'true' : 'false'} data-testid="insights-body">
          {daily === undefined ? null : <Headline kpis={daily} />}
          {byGroup === undefined ? null : <ByGroup kpis={byGroup} groupBy={groupBy} />}
          {daily === undefined ? null : <ByDay kpis={daily} />}
        </div>
        {lab && daily !== undefined ? (
          <>
            <section aria-labelledby="ins-outcomes" class="panel">
              <h2 id="ins-outcomes">Outcome quality</h2>
              <p class="muted">
                From the policy lab: sessions by the time of their first decision in the same days, an
                approval is valid while no override, later screening hit or duplicate identity undid it.
              </p>
              <OutcomesPanel kpis={daily} groupBy={groupBy} />
            </section>
            <section aria-labelledby="ins-calibration-title" class="panel">
              <h2 id="ins-calibration-title">Score calibration</h2>
              <p class="muted">
                Vendor confidence scores against how the sessions finally ended, over the whole ledger.
              </p>
              <CalibrationPanel />
            </section>
          </>
        ) : null}
      </div>
    </Page>
  );
}
