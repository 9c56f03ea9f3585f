import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/shared/clock';
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
} from '../support/console-browser';
import { startConsoleApp } from '../support/console-browser';
import { client } from '../support/http';
import { CLEAR, journeyOverHttp, SANCTIONS_HIT } from '../support/journey';

const HOUR = 3_600_000;

/** The session ids in the queue table, in the order shown. */
async function queueRows(page: Page): Promise<string[]> {
  await page.getByTestId('queue-table').waitFor();
  const rows = await page.locator('[data-testid=queue-table] tbody tr').all();
  return Promise.all(rows.map(async (row) => (await row.getAttribute('data-session')) ?? ''));
}

describeWithBrowser('web console: the review queue and four-eyes overrides', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let browser: Browser;
  const clock = new ManualClock(new Date());
  let breached: string[];
  let fresh: string;
  let decided: string;

  beforeAll(async () => {
    t = await startConsoleApp({}, { clock });
    api = client(t);
    const at = clock.now().toISOString();
    const review = async (): Promise<string> => {
      const { sessionId, last } = await journeyOverHttp(api, [SANCTIONS_HIT], { vendorCreatedAt: at });
      expect(last.status).toBe('pending_review');
      return sessionId;
    };
    breached = [await review(), await review()];
    // Compliance reviews are due within 4 hours (policy): five hours on, those two are past their SLA.
    clock.advance(5 * HOUR);
    fresh = await review();
    const approved = await journeyOverHttp(api, [CLEAR], { vendorCreatedAt: at });
    expect(approved.last.status).toBe('approved');
    decided = approved.sessionId;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser.close();
    await t.close();
  });

  it('a reviewer sees the queue in triage order with SLA breaches marked, claims a case and decides it', async () => {
    const context = await newContext(browser, DESKTOP);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, t.baseUrl, t.keys.reviewer, '#/queue');
    const rows = await queueRows(page);
    // The API's triage order, as shown.
    const fromApi = await api.get<{ items: { sessionId: string }[] }>('reviewer', '/v1/review-queue');
    expect(rows).toEqual(fromApi.body.items.map((i) => i.sessionId));
    expect(new Set(rows)).toEqual(new Set([...breached, fresh]));
    for (const id of breached) {
      const row = page.locator(`tr[data-session="${id}"]`);
      expect(await row.getAttribute('class')).toContain('breached');
      expect(await row.textContent()).toContain('SLA breached');
    }
    expect(await page.locator(`tr[data-session="${fresh}"]`).textContent()).not.toContain('SLA breached');
    await expectAccessible(page);
    await screenshot(page, 'queue-desktop');

    // Only the breached ones under "SLA breached".
    await page.getByRole('button', { name: 'SLA breached' }).click();
    await expect.poll(() => queueRows(page)).toEqual(rows.filter((id) => breached.includes(id)));
    await page.getByRole('button', { name: 'All pending' }).click();
    await expect.poll(() => queueRows(page)).toEqual(rows);

    // Open the first case with the keyboard, claim it, decide it.
    const target = rows[0]!;
    await page.locator(`tr[data-session="${target}"]`).getByRole('button', { name: /^Open/ }).focus();
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('case-panel');
    await expect.poll(() => panel.getByTestId('case-summary').textContent()).toMatch(/review/i);
    await panel.getByRole('button', { name: 'Claim this case' }).click();
    await expect.poll(() => panel.textContent()).toContain('Assigned to you.');
    expect(await page.locator(`tr[data-session="${target}"]`).textContent()).toContain('you');
    await screenshot(page, 'queue-case-desktop');
    await panel.getByRole('radio', { name: 'Reject' }).check();
    await panel.getByRole('checkbox', { name: 'SANCTIONS_HIT' }).check();
    await panel.getByLabel(/^Note/).fill('Confirmed match against the consolidated list.');
    await panel.getByRole('button', { name: 'Record decision' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain(`${target}: rejected`);
    await expect.poll(() => queueRows(page)).toEqual(rows.slice(1));

    const status = await api.get<{ status: string; decidedBy: string }>(
      'auditor',
      `/v1/verifications/${target}`,
    );
    expect(status.body).toMatchObject({ status: 'rejected', decidedBy: 'reviewer' });
    const explanation = await api.get<{ reviews: { reviewerId: string; reasonCodes: { code: string }[] }[] }>(
      'auditor',
      `/v1/verifications/${target}/explanation`,
    );
    expect(explanation.body.reviews).toEqual([
      expect.objectContaining({
        reviewerId: 'reviewer',
        reasonCodes: [expect.objectContaining({ code: 'SANCTIONS_HIT' })],
      }),
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a case claimed by one reviewer cannot be decided by another from the console', async () => {
    const target = (await api.get<{ items: { sessionId: string }[] }>('reviewer', '/v1/review-queue')).body
      .items[0]!.sessionId;
    expect((await api.post('reviewer', `/v1/verifications/${target}/review/assignment`, {})).status).toBe(
      200,
    );
    const page = await (await newContext(browser, PHONE)).newPage();
    await signIn(page, t.baseUrl, t.keys.reviewer2, '#/queue');
    await page.locator(`tr[data-session="${target}"]`).getByRole('button', { name: /^Open/ }).click();
    const panel = page.getByTestId('case-panel');
    await panel.getByRole('radio', { name: 'Approve' }).check();
    expect(await panel.getByRole('button', { name: 'Record decision' }).isDisabled()).toBe(true);
    expect(await panel.textContent()).toContain('only they can decide it');
    expect(await panel.getByRole('button', { name: 'Reassign to me' }).isDisabled()).toBe(true);
    await expectAccessible(page);
    await screenshot(page, 'queue-phone');
    await page.context().close();
  });

  it('two senior reviewers complete an override; the requester cannot approve their own', async () => {
    const requester = await (await newContext(browser)).newPage();
    const requesterErrors = collectPageErrors(requester);
    await signIn(requester, t.baseUrl, t.keys.senior, `#/overrides?sessionId=${decided}`);
    expect(await requester.getByLabel('Session id').inputValue()).toBe(decided);
    await requester.getByRole('radio', { name: 'Reject' }).check();
    await requester
      .getByLabel(/^Justification/)
      .fill('Adverse media found after approval; compliance asked to reverse.');
    await requester.getByRole('button', { name: 'Request override' }).click();
    await expect
      .poll(() => requester.getByRole('status').first().textContent())
      .toContain('waits for a second');
    const pending = requester.locator(`[data-testid=override-inbox] tr[data-session="${decided}"]`);
    await pending.waitFor();
    expect(await pending.textContent()).toContain('you');
    await requester.getByTestId('four-eyes-note').waitFor();
    expect(await requester.getByRole('button', { name: 'Approve override' }).isDisabled()).toBe(true);
    await expectAccessible(requester);
    await screenshot(requester, 'overrides-desktop');

    // The console hides the button; the ledger is what refuses. The requester's own token, from their browser:
    const overrideId = (
      await api.get<{ pendingOverride: { overrideId: string } }>('senior', `/v1/verifications/${decided}`)
    ).body.pendingOverride.overrideId;
    const own = await requester.evaluate<
      { status: number; body: { code: string } },
      readonly [string, string]
    >(
      async ([path, key]) => {
        const res = await fetch(path, {
          method: 'POST',
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: '{}',
        });
        return { status: res.status, body: (await res.json()) as { code: string } };
      },
      [`/v1/verifications/${decided}/overrides/${overrideId}/approval`, t.keys.senior] as const,
    );
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('four_eyes_violation');
    expect((await api.get<{ status: string }>('auditor', `/v1/verifications/${decided}`)).body.status).toBe(
      'approved',
    );

    // A second senior, in another browser context, approves it.
    const second = await (await newContext(browser)).newPage();
    await signIn(second, t.baseUrl, t.keys.senior2, '#/overrides');
    const panel = second.locator(`[data-override="${overrideId}"]`);
    await expect.poll(() => panel.textContent()).toContain('Adverse media found after approval');
    expect(await second.getByTestId('four-eyes-note').count()).toBe(0);
    await panel.getByRole('button', { name: 'Approve override' }).click();
    await expect.poll(() => second.getByRole('status').first().textContent()).toContain('now rejected');
    await expect.poll(async () => second.locator('[data-testid=override-inbox]').count()).toBe(0);

    const after = await api.get<{ status: string; decidedBy: string; pendingOverride?: unknown }>(
      'auditor',
      `/v1/verifications/${decided}`,
    );
    expect(after.body).toMatchObject({ status: 'rejected', decidedBy: 'override' });
    expect(after.body.pendingOverride).toBeUndefined();
    const explanation = await api.get<{
      overrides: { requestedBy: string; decidedBy: string; status: string }[];
    }>('auditor', `/v1/verifications/${decided}/explanation`);
    expect(explanation.body.overrides).toEqual([
      expect.objectContaining({ requestedBy: 'senior', decidedBy: 'senior2', status: 'approved' }),
    ]);
    expect(requesterErrors.filter((e) => !e.includes('403'))).toEqual([]);
    await requester.context().close();
    await second.context().close();
  });
});
