import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { Checkpointer } from '../../src/audit/checkpointer';
import type { PrincipalName, TestApp } from '../support/app';
import {
  collectPageErrors,
  DESKTOP,
  describeWithBrowser,
  expectAccessible,
  launchBrowser,
  newContext,
  PHONE,
  screenshot,
  signIn,
  startConsoleApp,
} from '../support/console-browser';
import { client } from '../support/http';
import { enrol, type EnrolledPerson } from '../support/privacy-journey';

type Api = ReturnType<typeof client>;

interface TimelineEntry {
  type: string;
  position: number;
  actor: { id: string };
  details: Record<string, unknown>;
}

/** Every request a page made, and every response body it received (read in full before the test looks). */
function recordTraffic(page: Page): { urls: string[]; bodies: () => Promise<string[]> } {
  const urls: string[] = [];
  const reads: Promise<string>[] = [];
  page.on('request', (request) => {
    urls.push(request.url());
  });
  page.on('response', (response) => {
    reads.push(response.text().catch(() => ''));
  });
  return { urls, bodies: () => Promise.all(reads) };
}

/** Signs in on the subject page and waits until consents, retention and the timeline have loaded. */
async function openSubject(page: Page, t: TestApp, as: PrincipalName, subjectId: string): Promise<void> {
  await signIn(page, t.baseUrl, t.keys[as], `#/subjects/${subjectId}`);
  await subjectLoaded(page, subjectId);
}

async function subjectLoaded(page: Page, subjectId: string): Promise<void> {
  await page.getByRole('heading', { name: `Subject ${subjectId}` }).waitFor();
  await page.getByRole('table', { name: 'Consent history' }).waitFor();
  await page.getByTestId('retention-classes').waitFor();
  await page.getByTestId('subject-timeline').waitFor();
}

const piiOf = (person: EnrolledPerson): string[] => Object.values(person.pii).flat();

describeWithBrowser('web console: subject page (consents, retention, audited personal data, erasure)', () => {
  let t: TestApp;
  let browser: Browser;
  let api: Api;
  let person: EnrolledPerson;

  beforeAll(async () => {
    t = await startConsoleApp();
    browser = await launchBrowser();
    api = client(t);
    person = await enrol(api, 'console');
  });

  afterAll(async () => {
    await browser.close();
    await t.close();
  });

  it('asks a privacy officer for a justification before any personal data shows, records it, and hides on request', async () => {
    const [fullName = '', documentNumber = ''] = person.pii.identity_attributes;
    const page = await (await newContext(browser, DESKTOP)).newPage();
    const errors = collectPageErrors(page);
    const traffic = recordTraffic(page);
    await openSubject(page, t, 'privacy', person.subjectId);

    const consents = page.getByRole('region', { name: 'Consents' });
    expect(await consents.textContent()).toContain('identity verification');
    expect(await consents.getByRole('table').textContent()).toContain('granted');
    const identity = page.getByTestId('retention-classes').locator('tr[data-class=identity_attributes]');
    expect(await identity.textContent()).toContain('held');
    // The subject's sessions are not the privacy officer's to list (GET /v1/verifications is closed to the role).
    expect(await page.getByRole('region', { name: 'Sessions' }).count()).toBe(0);
    expect(traffic.urls.filter((u) => u.includes('/v1/verifications'))).toEqual([]);

    await page.getByRole('button', { name: 'Show personal data' }).click();
    const justification = page.getByLabel('Justification');
    await justification.waitFor();
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('justification');
    expect(traffic.urls.filter((u) => u.includes('/personal-data'))).toEqual([]);
    expect(await page.content()).not.toContain(fullName);
    await expectAccessible(page);
    await screenshot(page, 'subject-desktop');

    await justification.fill('too short');
    expect(await page.getByRole('button', { name: 'Record and show' }).isDisabled()).toBe(true);
    const reason = 'DSAR case console-2026-0042: subject access request';
    await justification.fill(reason);
    const read = page.waitForResponse((r) => r.url().includes('/personal-data'));
    await page.getByRole('button', { name: 'Record and show' }).click();
    const response = await read;
    expect(response.status()).toBe(200);
    expect(response.request().headers()['x-justification']).toBe(reason);
    const shown = page.getByTestId('personal-data');
    await expect.poll(() => shown.textContent()).toContain(fullName);
    expect(await shown.textContent()).toContain(documentNumber);
    await expectAccessible(page);

    // The read is in the ledger, with who and why, before the data was answered.
    const { accessEventPosition } = (await response.json()) as { accessEventPosition: number };
    const timeline = await api.get<{ entries: TimelineEntry[] }>(
      'auditor',
      `/v1/subjects/${person.subjectId}/timeline`,
      { 'x-min-position': String(accessEventPosition) },
    );
    const access = timeline.body.entries.find((e) => e.position === accessEventPosition);
    expect(access).toMatchObject({
      type: 'PersonalDataAccessed',
      actor: { id: 'privacy' },
      details: { justification: reason, dataClasses: expect.arrayContaining(['identity_attributes']) },
    });
    // …and the page's own timeline shows it too.
    await expect
      .poll(() => page.getByTestId('subject-timeline').textContent())
      .toContain('PersonalDataAccessed');

    await page.getByRole('button', { name: 'Hide personal data' }).click();
    await expect.poll(() => page.getByTestId('personal-data').count()).toBe(0);
    const html = await page.content();
    for (const value of piiOf(person)) expect(html).not.toContain(value);
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('show-personal-data');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lets a privacy officer place and release a legal hold, then file an erasure request the API carries out', async () => {
    const other = await enrol(api, 'erase');
    const page = await (await newContext(browser, DESKTOP)).newPage();
    const errors = collectPageErrors(page);
    const traffic = recordTraffic(page);
    await openSubject(page, t, 'privacy', other.subjectId);
    const retention = page.getByRole('region', { name: 'Retention' });

    await page.getByLabel('Reason (a case reference, not personal data)').fill('case-2026-114');
    await page.getByRole('button', { name: 'Place hold' }).click();
    const release = retention.getByRole('button', { name: /^Release legal hold / });
    await release.waitFor();
    const holds = await api.get<{ legalHolds: string[] }>(
      'privacy',
      `/v1/subjects/${other.subjectId}/retention`,
    );
    expect(holds.body.legalHolds).toHaveLength(1);
    expect(await release.getAttribute('aria-label')).toBe(
      `Release legal hold ${holds.body.legalHolds[0] ?? ''}`,
    );
    await release.click();
    await expect.poll(() => release.count()).toBe(0);

    await page.getByLabel('Ground').selectOption('objection');
    await page.getByLabel('Case reference (optional)').fill('dsr-2026-0042');
    await page.getByRole('button', { name: 'Request erasure…' }).click();
    const confirm = page.getByRole('alertdialog', { name: "Erase this subject's personal data?" });
    await confirm.waitFor();
    expect(traffic.urls.filter((u) => u.includes('/erasure-requests'))).toEqual([]);
    const answered = page.waitForResponse((r) => r.url().includes('/erasure-requests'));
    await confirm.getByRole('button', { name: 'Confirm erasure' }).click();
    const outcome = (await (await answered).json()) as {
      requestId: string;
      position: number;
      erased: string[];
      restricted: { dataClass: string }[];
    };
    const shownOutcome = page.getByTestId('erasure-outcome');
    await expect.poll(() => shownOutcome.textContent()).toContain(outcome.requestId);
    expect(outcome.erased.length + outcome.restricted.length).toBeGreaterThan(0);

    // The API shows the effect: the request, each erased class shredded, each kept class restricted.
    const after = await api.get<{
      erasureRequest: { requestId: string } | null;
      classes: { dataClass: string; status: string }[];
    }>('privacy', `/v1/subjects/${other.subjectId}/retention`, {
      'x-min-position': String(outcome.position),
    });
    expect(after.body.erasureRequest?.requestId).toBe(outcome.requestId);
    const status = Object.fromEntries(after.body.classes.map((c) => [c.dataClass, c.status]));
    for (const dataClass of outcome.erased) {
      expect(status[dataClass], dataClass).toBe('shredded');
      expect(await shownOutcome.textContent()).toContain(dataClass.replaceAll('_', ' '));
    }
    for (const { dataClass } of outcome.restricted) expect(status[dataClass], dataClass).toBe('restricted');
    // …and so does the page's retention panel, re-read after the write.
    await expect.poll(() => page.getByTestId('erasure-state').textContent()).toContain(outcome.requestId);
    for (const dataClass of outcome.erased) {
      expect(
        await page.getByTestId('retention-classes').locator(`tr[data-class=${dataClass}]`).textContent(),
      ).toContain('shredded');
    }

    // The person comes back: the officer releases the restriction from the page; the ledger records who and why.
    await page.getByLabel('Release because').selectOption('request_withdrawn_by_person');
    await page.getByLabel('Release case reference (optional)').fill('dsr-2026-0043');
    const released = page.waitForResponse((r) => r.url().endsWith('/release'));
    await page.getByRole('button', { name: 'Release restriction' }).click();
    const releaseAnswer = await released;
    expect(releaseAnswer.status()).toBe(200);
    const { position } = (await releaseAnswer.json()) as { position: number };
    await page.getByTestId('release-outcome').waitFor();
    const timeline = await api.get<{ entries: { type: string; details: Record<string, unknown> }[] }>(
      'auditor',
      `/v1/subjects/${other.subjectId}/timeline`,
      { 'x-min-position': String(position) },
    );
    expect(timeline.body.entries.find((e) => e.type === 'ErasureRestrictionReleased')?.details).toMatchObject(
      {
        requestId: outcome.requestId,
        reason: 'request_withdrawn_by_person',
        reference: 'dsr-2026-0043',
      },
    );
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('never puts personal data in the DOM or the responses of an operator or an auditor browsing what they can reach', async () => {
    const pii = piiOf(person);
    // A recorded read of the person's data, which the auditor is to see as a record, never as data.
    const readByOfficer = await api.get<{ accessEventPosition: number }>(
      'privacy',
      `/v1/subjects/${person.subjectId}/personal-data`,
      { 'x-justification': 'Sample check for the console privacy test' },
    );
    expect(readByOfficer.status).toBe(200);
    const caughtUp = await api.get('auditor', `/v1/subjects/${person.subjectId}/timeline`, {
      'x-min-position': String(readByOfficer.body.accessEventPosition),
    });
    expect(caughtUp.status).toBe(200);
    // A signed checkpoint, as a running ledger has, for the audit page.
    const checkpointer = t.app.get(Checkpointer);
    await vi.waitFor(
      async () => {
        await checkpointer.tick(true);
        expect(await checkpointer.latest()).toBeDefined();
      },
      { timeout: 30_000 },
    );
    for (const as of ['operator', 'auditor'] as const) {
      const page = await (await newContext(browser, DESKTOP)).newPage();
      const errors = collectPageErrors(page);
      const traffic = recordTraffic(page);
      const seen: string[] = [];
      const visit = async (hash: string): Promise<void> => {
        await page.goto(`${t.baseUrl}/console/${hash}`);
        await page.locator('#page-title, main [role=status]').first().waitFor();
        await page.waitForLoadState('networkidle');
        seen.push(await page.content());
      };
      await signIn(page, t.baseUrl, t.keys[as], '#/sessions');
      await visit('#/sessions');
      await visit(`#/sessions/${person.sessionId}`);
      if (as === 'auditor') {
        await page.goto(`${t.baseUrl}/console/#/subjects/${person.subjectId}`);
        await subjectLoaded(page, person.subjectId);
        // An auditor sees the subject's sessions and may open them.
        const link = page
          .getByRole('region', { name: 'Sessions' })
          .getByRole('link', { name: person.sessionId });
        await link.waitFor();
        // The auditor reads who accessed personal data and why, never the data.
        await expect
          .poll(() => page.getByTestId('subject-timeline').textContent())
          .toContain('Sample check for the console privacy test');
        expect(await page.getByRole('button', { name: 'Show personal data' }).count()).toBe(0);
        expect(await page.getByRole('region', { name: 'Erasure request (GDPR Art. 17)' }).count()).toBe(0);
        seen.push(await page.content());
        await link.click();
        await expect.poll(() => page.url()).toContain(`#/sessions/${person.sessionId}`);
        await page.waitForLoadState('networkidle');
        seen.push(await page.content());
        await visit('#/audit');
      } else {
        await visit(`#/subjects/${person.subjectId}`);
        expect(await page.getByRole('status').first().textContent()).toContain('not open to your roles');
      }
      const bodies = await traffic.bodies();
      expect(bodies.length).toBeGreaterThan(3);
      for (const value of pii) {
        for (const html of seen) expect(html, `${as} DOM`).not.toContain(value);
        for (const body of bodies) expect(body, `${as} response`).not.toContain(value);
      }
      expect(traffic.urls.filter((u) => u.includes('/personal-data'))).toEqual([]);
      expect(errors, as).toEqual([]);
      await page.context().close();
    }
  });

  it('is readable and accessible on a phone', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    const errors = collectPageErrors(page);
    await openSubject(page, t, 'privacy', person.subjectId);
    await expectAccessible(page);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'subject-phone');
    const auditor = await (await newContext(browser, PHONE)).newPage();
    const auditorErrors = collectPageErrors(auditor);
    await openSubject(auditor, t, 'auditor', person.subjectId);
    await expectAccessible(auditor);
    expect(await auditor.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    // Without an id: a form to find a subject, usable by keyboard.
    await auditor.goto(`${t.baseUrl}/console/#/subjects`);
    await auditor.getByLabel('Subject id').fill(person.subjectId);
    await auditor.keyboard.press('Enter');
    await auditor.getByRole('heading', { name: `Subject ${person.subjectId}` }).waitFor();
    expect([...errors, ...auditorErrors]).toEqual([]);
    await page.context().close();
    await auditor.context().close();
  });
});
