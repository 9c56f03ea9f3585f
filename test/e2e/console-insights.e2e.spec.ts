import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { planDemo } from '../../scripts/demo/plan';
import { seedDemo } from '../../scripts/demo/seed';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/ledger/event-store.port';
import { VERIFICATION_STREAM_PREFIX } from '../../src/ledger/stream-names';
import type { TestApp } from '../support/app';
import {
  collectPageErrors,
  describeWithBrowser,
  DESKTOP,
  expectAccessible,
  launchBrowser,
  newContext,
  PHONE,
  screenshot,
  signIn,
  startConsoleApp,
} from '../support/console-browser';

/** What the insights page counts for one session, folded here from the ledger's events as docs/insights.md says. */
interface SessionFacts {
  country: string;
  vendor: string | null;
  outcome: 'auto_approved' | 'approved_after_review' | 'rejected' | 'expired' | 'abandoned' | 'closed' | null;
  reviewed: boolean;
  waiting: boolean;
}

const FIELDS = ['sessionsStarted', 'autoApproved', 'approvedAfterReview', 'rejected', 'reviewed'] as const;
type Field = (typeof FIELDS)[number];
type Counts = Record<Field, number> & { expired: number; abandoned: number; closed: number };

function factsFrom(events: readonly RecordedEvent[]): Map<string, SessionFacts> {
  const sessions = new Map<string, SessionFacts>();
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    if (event.type === 'VerificationInitiated') {
      sessions.set(event.stream, {
        country: String(data.jurisdiction),
        vendor: null,
        outcome: null,
        reviewed: false,
        waiting: false,
      });
      continue;
    }
    const s = sessions.get(event.stream);
    if (s === undefined) continue;
    switch (event.type) {
      case 'EvidenceSubmitted':
        s.vendor ??= String(data.vendor);
        break;
      case 'VendorResultReceived':
        if (data.counted === true) s.vendor ??= String(data.vendor);
        break;
      case 'ReviewRequested':
        Object.assign(s, { reviewed: true, waiting: true, outcome: null });
        break;
      case 'ResubmissionRequested':
        s.waiting = false;
        break;
      case 'VerificationApproved':
        Object.assign(s, {
          outcome: data.decidedBy === 'policy' ? 'auto_approved' : 'approved_after_review',
          waiting: false,
        });
        break;
      case 'VerificationRejected':
        Object.assign(s, { outcome: 'rejected', waiting: false });
        break;
      case 'VerificationExpired':
        Object.assign(s, {
          outcome: ['initiated', 'capture_in_progress'].includes(String(data.previousStatus))
            ? 'abandoned'
            : 'expired',
          waiting: false,
        });
        break;
      case 'VerificationClosed':
        Object.assign(s, { outcome: 'closed', waiting: false });
        break;
      default:
        break;
    }
  }
  return sessions;
}

function count(sessions: Iterable<SessionFacts>): Counts {
  const c: Counts = {
    sessionsStarted: 0,
    autoApproved: 0,
    approvedAfterReview: 0,
    rejected: 0,
    reviewed: 0,
    expired: 0,
    abandoned: 0,
    closed: 0,
  };
  for (const s of sessions) {
    c.sessionsStarted += 1;
    if (s.reviewed) c.reviewed += 1;
    if (s.outcome === 'auto_approved') c.autoApproved += 1;
    if (s.outcome === 'approved_after_review') c.approvedAfterReview += 1;
    if (s.outcome === 'rejected') c.rejected += 1;
    if (s.outcome === 'expired') c.expired += 1;
    if (s.outcome === 'abandoned') c.abandoned += 1;
    if (s.outcome === 'closed') c.closed += 1;
  }
  return c;
}

function countBy(
  sessions: Iterable<SessionFacts>,
  key: (s: SessionFacts) => string | null,
): Record<string, Record<Field, number>> {
  const groups = new Map<string, SessionFacts[]>();
  for (const s of sessions) {
    const k = key(s) ?? '';
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  return Object.fromEntries(
    [...groups].map(([k, list]) => {
      const c = count(list);
      return [k, Object.fromEntries(FIELDS.map((f) => [f, c[f]])) as Record<Field, number>];
    }),
  );
}

/** The group table as the page shows it: group → field → number. */
async function groupTable(page: Page): Promise<Record<string, Record<Field, number>>> {
  const out: Record<string, Record<Field, number>> = {};
  for (const row of await page.locator('[data-testid=group-table] tbody tr').all()) {
    const cells = {} as Record<Field, number>;
    for (const field of FIELDS) {
      cells[field] = Number(await row.locator(`td[data-field="${field}"]`).textContent({ timeout: 2_000 }));
    }
    out[(await row.getAttribute('data-group', { timeout: 2_000 })) ?? '?'] = cells;
  }
  return out;
}

async function headline(page: Page, id: string): Promise<number> {
  return Number(await page.getByTestId(`kpi-${id}`).getAttribute('data-value'));
}

describeWithBrowser('web console: insights, counted from the ledger', () => {
  let t: TestApp;
  let browser: Browser;
  let sessions: Map<string, SessionFacts>;

  beforeAll(async () => {
    t = await startConsoleApp();
    browser = await launchBrowser();
    await seedDemo({
      baseUrl: t.baseUrl,
      keys: {
        operator: t.keys.operator,
        reviewer: t.keys.reviewer,
        senior: t.keys.senior,
        secondSenior: t.keys.senior2,
        privacyOfficer: t.keys.privacy,
      },
      cases: planDemo(48, 3),
    });
    const store = t.app.get<EventStore>(EVENT_STORE);
    const events: RecordedEvent[] = [];
    for (;;) {
      const page = await store.readAll({
        after: events.at(-1)?.position ?? 0,
        maxCount: 1000,
        filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX] },
      });
      if (page.length === 0) break;
      events.push(...page);
    }
    sessions = factsFrom(events);
    // The page reads the read model as it stands: let it reach the ledger's head first (read your writes).
    const head = await store.headPosition();
    const ready = await fetch(`${t.baseUrl}/v1/insights/kpis`, {
      headers: { authorization: `Bearer ${t.keys.auditor}`, 'x-min-position': String(head) },
    });
    expect(ready.status).toBe(200);
  }, 180_000);

  afterAll(async () => {
    await browser.close();
    await t.close();
  });

  it('shows the headline figures and the figures per country that the ledger’s events add up to', async () => {
    const expected = count(sessions.values());
    expect(expected.sessionsStarted).toBeGreaterThan(30);
    expect(expected.reviewed).toBeGreaterThan(0);
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, t.baseUrl, t.keys.auditor, '#/insights');
    await page.locator('[data-testid=group-table][data-group-by=country]').waitFor();

    for (const field of [
      'sessionsStarted',
      'autoApproved',
      'approvedAfterReview',
      'rejected',
      'reviewed',
      'expired',
      'abandoned',
      'closed',
    ] as const) {
      expect(await headline(page, field), field).toBe(expected[field]);
    }
    const waiting = [...sessions.values()].filter((s) => s.waiting).length;
    expect(waiting).toBeGreaterThan(0);
    expect(await headline(page, 'queueDepth')).toBe(waiting);
    const approved = expected.autoApproved + expected.approvedAfterReview;
    expect(await headline(page, 'passRate')).toBeCloseTo(approved / (approved + expected.rejected), 10);

    const byCountry = countBy(sessions.values(), (s) => s.country);
    expect(Object.keys(byCountry).length).toBeGreaterThanOrEqual(4);
    // Polled: the table may redraw while it is read (a row read mid-redraw is gone).
    await expect.poll(() => groupTable(page).catch(() => undefined)).toEqual(byCountry);
    expect(await page.getByTestId('chart-outcomes-by-group').locator('figcaption').textContent()).toBe(
      'Outcomes by country',
    );
    await expect
      .poll(() => page.getByTestId('kpi-validPassRate').getAttribute('data-value'))
      .toMatch(/^0(\.\d+)?$|^1$/);
    await page.getByTestId('chart-calibration').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('puts the grouping and filters in the URL and redraws the charts for them, by keyboard', async () => {
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, t.baseUrl, t.keys.auditor, '#/insights');
    await page.locator('[data-testid=group-table][data-group-by=country]').waitFor();

    await page.getByLabel('Group by').focus();
    await page.getByLabel('Group by').selectOption('vendor');
    await page.getByLabel('Country', { exact: true }).fill('DE');
    await page.getByLabel('Country', { exact: true }).press('Enter');
    await page.waitForURL(/#\/insights\?/);
    const params = new URL(page.url().replace('#/insights', '')).searchParams;
    expect(params.get('groupBy')).toBe('vendor');
    expect(params.get('country')).toBe('DE');
    await page.locator('[data-testid=group-table][data-group-by=vendor]').waitFor();

    const german = [...sessions.values()].filter((s) => s.country === 'DE');
    expect(german.length).toBeGreaterThan(0);
    await expect
      .poll(() => groupTable(page).catch(() => undefined))
      .toEqual(countBy(german, (s) => s.vendor));
    expect(await headline(page, 'sessionsStarted')).toBe(german.length);
    const chart = page.getByTestId('chart-outcomes-by-group');
    expect(await chart.locator('figcaption').textContent()).toBe('Outcomes by vendor');
    expect(await chart.locator('svg title').textContent()).toBe('Outcomes by vendor');
    // One bar label per vendor group the table shows.
    expect(await chart.locator('svg g > text:not(.value)').count()).toBe(
      Object.keys(countBy(german, (s) => s.vendor)).length,
    );

    // A link to the view opens it again, as shared.
    const shared = await context.newPage();
    await signIn(shared, t.baseUrl, t.keys.auditor, '#/insights?groupBy=deviceClass&country=DE');
    await shared.locator('[data-testid=group-table][data-group-by=deviceClass]').waitFor();
    expect(await shared.getByLabel('Country', { exact: true }).inputValue()).toBe('DE');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('is accessible and readable on a desktop and on a 390-px phone', async () => {
    for (const [name, viewport] of [
      ['insights-desktop', DESKTOP],
      ['insights-phone', PHONE],
    ] as const) {
      const context = await newContext(browser, viewport);
      const page = await context.newPage();
      const errors = collectPageErrors(page);
      await signIn(page, t.baseUrl, t.keys.auditor, '#/insights');
      await page.locator('[data-testid=group-table]').waitFor();
      await page.getByTestId('chart-calibration').waitFor();
      await page.getByTestId('kpi-validPassRate').waitFor();
      // Every chart has a name and its table one keypress away.
      for (const figure of await page.locator('figure.chart-figure').all()) {
        expect(await figure.locator('svg[role=img] title').textContent()).not.toBe('');
        expect(await figure.locator('details table').count()).toBe(1);
      }
      await page.locator('figure.chart-figure summary').first().focus();
      await page.keyboard.press('Enter');
      expect(await page.locator('figure.chart-figure details').first().getAttribute('open')).not.toBeNull();
      await expectAccessible(page);
      // Nothing wider than the screen (tables scroll inside their own box).
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(
        viewport.width,
      );
      await screenshot(page, name);
      expect(errors).toEqual([]);
      await context.close();
    }
  });
});
