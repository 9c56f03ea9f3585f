import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Checkpointer } from '../../src/audit/checkpointer';
import {
  type CheckpointStatement,
  keyIdOf,
  publicKeyPem,
  signStatement,
} from '../../src/audit/checkpoint-statement';
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
import { client } from '../support/http';
import { CLEAR, journeyOverHttp, SANCTIONS_HIT } from '../support/journey';
import { eventually } from '../support/poll';

interface Entry {
  position: number;
  eventId: string;
  type: string;
  hash: string;
}

interface Proof {
  auditPath: string[];
  treeSize: number;
  checkpoint: { statement: { rootHash: string; keyId: string }; signature: string; publicKey: string };
}

/** Flips the last hex digit of a hash, keeping it hex. */
const flipHex = (hex: string): string => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;

describeWithBrowser('web console: a session — status, timeline, why, point in time and proof checks', () => {
  let t: TestApp;
  let browser: Browser;
  let api: ReturnType<typeof client>;
  /** An automatically approved session, covered by a signed checkpoint. */
  let approved: { sessionId: string; subjectId: string; entries: Entry[]; decision: Entry };
  /** A second session (sent to review), so that the list has more than one page at size 1. */
  let reviewed: string;

  const timeline = async (sessionId: string): Promise<Entry[]> =>
    (await api.get<{ entries?: Entry[] }>('auditor', `/v1/verifications/${sessionId}/timeline`)).body
      .entries ?? [];

  const sessionSection = (page: Page, heading: string) =>
    page.getByRole('region', { name: heading, exact: true });

  async function openSession(page: Page, key: string, query = ''): Promise<void> {
    await signIn(page, t.baseUrl, key, `#/sessions/${approved.sessionId}${query}`);
    await expect.poll(() => sessionSection(page, 'Status').locator('dl').textContent()).toContain('approved');
  }

  beforeAll(async () => {
    t = await startConsoleApp();
    api = client(t);
    browser = await launchBrowser();
    const { sessionId, subjectId } = await journeyOverHttp(api, [CLEAR], {
      vendorCreatedAt: '2026-11-26T10:00:00Z',
    });
    const entries = await eventually(
      () => timeline(sessionId),
      (found) => found.some((e) => e.type === 'VerificationApproved'),
      'the approval in the timeline',
    );
    const decision = entries.find((e) => e.type === 'VerificationApproved')!;
    await eventually(
      () => api.get('auditor', `/v1/verifications/${sessionId}`),
      (res) => res.body.status === 'approved',
      'the approved status',
    );
    reviewed = (await journeyOverHttp(api, [SANCTIONS_HIT], { vendorCreatedAt: '2026-11-26T10:00:00Z' }))
      .sessionId;
    await eventually(
      () => api.get('operator', `/v1/verifications?limit=10`),
      (res) => (res.body.items as unknown[]).length >= 2,
      'both sessions listed',
    );
    // Sign until every event so far is covered, as an auditor's "verify" needs.
    const checkpointer = t.app.get(Checkpointer);
    while (await checkpointer.tick(true)) {
      // another round
    }
    const proof = await api.get<Proof>('auditor', `/v1/audit/proofs/${decision.eventId}`);
    expect(proof.status, JSON.stringify(proof.body)).toBe(200);
    expect(proof.body.auditPath.length).toBeGreaterThan(0);
    approved = { sessionId, subjectId, entries, decision };
  });

  afterAll(async () => {
    await browser.close();
    await t.close();
  });

  it('shows an auditor the status, timeline and why with event ids and hashes, and verifies the decision', async () => {
    const page = await (await newContext(browser)).newPage();
    const errors = collectPageErrors(page);
    await openSession(page, t.keys.auditor);

    const items = sessionSection(page, 'Timeline').locator('ol > li');
    await expect.poll(() => items.count()).toBe(approved.entries.length);
    for (const entry of approved.entries) {
      const item = page.locator(`[id="event-${entry.eventId}"]`);
      expect(await item.textContent()).toContain(entry.eventId);
      expect(await item.locator('code.hash[title]').getAttribute('title')).toBe(entry.hash);
    }

    const why = sessionSection(page, 'Why');
    await expect.poll(() => why.locator('.summary').textContent()).toMatch(/approved/i);
    const citeName = `Show event ${approved.decision.eventId}`;
    const cite = why.getByRole('button', { name: citeName, exact: false });
    expect(await cite.count()).toBeGreaterThan(0);
    const citation = why.locator('.citation').filter({ has: page.getByRole('button', { name: citeName }) });
    expect(await citation.first().locator('code.hash').getAttribute('title')).toBe(approved.decision.hash);
    await cite.first().click();
    await expect
      .poll(() => page.evaluate('document.activeElement?.id'))
      .toBe(`event-${approved.decision.eventId}`);

    await page.getByRole('button', { name: 'Verify this decision' }).click();
    const verified = page.locator('.verified');
    await verified.waitFor();
    expect(await verified.textContent()).toContain('Verified');
    expect(await verified.textContent()).toContain(`position ${approved.decision.position}`);
    expect(await page.locator('.verify-steps li.pass').count()).toBe(5);
    expect(await page.locator('.tampered').count()).toBe(0);

    const latest = await api.get<{ publicKey: string; statement: { keyId: string } }>(
      'auditor',
      '/v1/audit/checkpoints/latest',
    );
    const der = createPublicKey(latest.body.publicKey).export({ type: 'spki', format: 'der' });
    const fingerprint = createHash('sha256').update(der).digest('hex');
    const shown = (await page.getByTestId('key-fingerprint').textContent()) ?? '';
    expect(shown.replaceAll(' ', '')).toBe(fingerprint);
    expect(await page.getByTestId('key-id').textContent()).toBe(latest.body.statement.keyId);

    // Any timeline entry can be verified on its own.
    const first = approved.entries[0]!;
    await page.getByRole('button', { name: `Verify ${first.type} at position ${first.position}` }).click();
    await expect.poll(() => page.locator('.verified').textContent()).toContain(`position ${first.position}`);

    await screenshot(page, 'session-desktop');
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a red failure naming the step when the proof is altered on its way', async () => {
    const page = await (await newContext(browser)).newPage();
    const errors = collectPageErrors(page);
    let alter: (proof: Proof) => Proof = (proof) => proof;
    await page.route('**/v1/audit/proofs/**', async (route) => {
      const response = await route.fetch();
      const json = alter((await response.json()) as Proof);
      await route.fulfill({ response, json });
    });
    await openSession(page, t.keys.auditor);

    const cases: [string, (p: Proof) => Proof, string, string[]][] = [
      [
        'an audit-path digit',
        (p) => ({ ...p, auditPath: [flipHex(p.auditPath[0]!), ...p.auditPath.slice(1)] }),
        'Audit path leads to the signed root',
        ['Audit path leads to the signed root'],
      ],
      [
        'the signed root',
        (p) => ({
          ...p,
          checkpoint: {
            ...p.checkpoint,
            statement: { ...p.checkpoint.statement, rootHash: flipHex(p.checkpoint.statement.rootHash) },
          },
        }),
        'Audit path leads to the signed root',
        ['Audit path leads to the signed root', 'Checkpoint signature is valid'],
      ],
      [
        'the signature',
        (p) => ({
          ...p,
          checkpoint: {
            ...p.checkpoint,
            signature: `${p.checkpoint.signature.startsWith('A') ? 'B' : 'A'}${p.checkpoint.signature.slice(1)}`,
          },
        }),
        'Checkpoint signature is valid',
        ['Checkpoint signature is valid'],
      ],
    ];
    const verifyDecision = (): Promise<void> =>
      page.getByRole('button', { name: 'Verify this decision' }).click();
    for (const [what, change, step, failing] of cases) {
      // From a fresh "Verified" each time, so that a failure on screen is this case's.
      alter = (proof) => proof;
      await verifyDecision();
      await page.locator('.verified').waitFor();
      alter = change;
      await verifyDecision();
      const alert = page.locator('.tampered[role="alert"]');
      await expect.poll(() => alert.textContent(), { message: what }).toContain(`at step “${step}”`);
      expect(await alert.textContent()).toContain('Verification failed');
      expect(await page.locator('.verified').count(), what).toBe(0);
      expect(await page.locator('.verify-steps li.fail strong').allTextContents(), what).toEqual(failing);
    }
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('with a pinned key, a checkpoint re-signed by another key (self-consistent) shows red at the trusted-key step', async () => {
    const page = await (await newContext(browser)).newPage();
    const errors = collectPageErrors(page);
    let forge = false;
    const intruder = generateKeyPairSync('ed25519').privateKey;
    await page.route('**/v1/audit/proofs/**', async (route) => {
      const response = await route.fetch();
      const proof = (await response.json()) as Proof & { checkpoint: { statement: CheckpointStatement } };
      if (!forge) {
        await route.fulfill({ response, json: proof });
        return;
      }
      const statement = { ...proof.checkpoint.statement, keyId: keyIdOf(createPublicKey(intruder)) };
      const checkpoint = {
        statement,
        signature: signStatement(statement, intruder),
        publicKey: publicKeyPem(intruder),
      };
      await route.fulfill({ response, json: { ...proof, checkpoint } });
    });
    await openSession(page, t.keys.auditor);
    const verifyDecision = (): Promise<void> =>
      page.getByRole('button', { name: 'Verify this decision' }).click();

    // Unpinned, the forgery passes every step the proof alone can check; the page says a key is not pinned.
    forge = true;
    await verifyDecision();
    await page.locator('.verified').waitFor();
    expect(await page.getByTestId('unpinned').textContent()).toContain('No trusted key is pinned');

    // The auditor pins the ledger's key, from a source of their own (here: the service's signing key file).
    const latest = await api.get<{ publicKey: string }>('auditor', '/v1/audit/checkpoints/latest');
    const fingerprint = createHash('sha256')
      .update(createPublicKey(latest.body.publicKey).export({ type: 'spki', format: 'der' }))
      .digest('hex');
    await page.getByText('Trusted signing key:').click();
    await page
      .getByLabel("SHA-256 fingerprint of the ledger's public key (hex)")
      .fill(fingerprint.toUpperCase());
    await page.getByRole('button', { name: 'Trust this fingerprint' }).click();
    await expect
      .poll(() => page.getByTestId('trusted-fingerprint').textContent())
      .toContain(fingerprint.slice(0, 4));

    await verifyDecision();
    const alert = page.locator('.tampered[role="alert"]');
    await expect.poll(() => alert.textContent()).toContain('at step “Key is the one you trust”');
    expect(await page.locator('.verify-steps li.fail strong').allTextContents()).toEqual([
      'Key is the one you trust',
    ]);

    // The genuine proof passes with the pinned key, and the pin survives a reload.
    forge = false;
    await page.reload();
    await page.getByRole('button', { name: 'Verify this decision' }).waitFor();
    await verifyDecision();
    await page.locator('.verified').waitFor();
    expect(await page.locator('.verify-steps li.pass strong').allTextContents()).toContain(
      'Key is the one you trust',
    );
    expect(await page.getByTestId('unpinned').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says plainly when an event is not yet in a signed checkpoint', async () => {
    const page = await (await newContext(browser)).newPage();
    const errors = collectPageErrors(page);
    await page.route('**/v1/audit/proofs/**', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/problem+json',
        json: {
          type: 'about:blank',
          title: 'not yet checkpointed',
          status: 404,
          code: 'not_yet_checkpointed',
        },
      }),
    );
    await openSession(page, t.keys.auditor);
    await page.getByRole('button', { name: 'Verify this decision' }).click();
    await expect
      .poll(() => page.locator('.notice[role="status"]').textContent())
      .toContain('not yet in a signed checkpoint');
    expect(await page.locator('.verified, .tampered').count()).toBe(0);
    // The browser logs the 404 of the fulfilled request; nothing else may appear.
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    await page.context().close();
  });

  it('moves back in time with the slider: the earlier status, and the position in the URL', async () => {
    const page = await (await newContext(browser)).newPage();
    const errors = collectPageErrors(page);
    await openSession(page, t.keys.auditor);
    const start = approved.entries.find((e) => e.type === 'VerificationInitiated')!.position;
    const positions = approved.entries.filter((e) => e.position >= start).map((e) => e.position);
    const index = positions.indexOf(approved.decision.position) - 1;
    expect(index).toBeGreaterThanOrEqual(0);
    const earlier = positions[index]!;
    const then = await api.get<{ status: string }>(
      'auditor',
      `/v1/verifications/${approved.sessionId}?atPosition=${earlier}`,
    );
    expect(then.body.status).not.toBe('approved');

    const slider = page.getByLabel(/^As of event/);
    expect(await slider.inputValue()).toBe(String(positions.length - 1));
    await slider.fill(String(index));
    await expect.poll(() => page.url()).toContain(`atPosition=${earlier}`);
    const status = sessionSection(page, 'Status').locator('dl');
    await expect.poll(() => status.textContent()).toContain(then.body.status.replaceAll('_', ' '));
    expect(await status.textContent()).not.toContain('approved');
    await expect.poll(() => sessionSection(page, 'Why').locator('dl').textContent()).toContain('none yet');
    expect(await page.locator(`[id="event-${approved.decision.eventId}"]`).getAttribute('class')).toBe(
      'later',
    );

    // The deep link holds: reloading shows the same point, and "Show now" returns to the present.
    await page.reload();
    await expect.poll(() => status.textContent()).toContain(then.body.status.replaceAll('_', ' '));
    await page.getByRole('button', { name: 'Show now' }).click();
    await expect.poll(() => status.textContent()).toContain('approved');
    expect(page.url()).not.toContain('atPosition');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows an operator the status only, and calls nothing the operator may not', async () => {
    const page = await (await newContext(browser)).newPage();
    const errors = collectPageErrors(page);
    const responses: Response[] = [];
    page.on('response', (response) => responses.push(response));
    await openSession(page, t.keys.operator);
    expect(await page.getByRole('heading', { name: 'Timeline' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Why' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /verify/i }).count()).toBe(0);
    expect(await page.getByLabel(/^As of event/).count()).toBe(0);
    const api = responses.filter((r) => new URL(r.url()).pathname.startsWith('/v1/'));
    expect(api.map((r) => new URL(r.url()).pathname)).toEqual([
      '/v1/me',
      `/v1/verifications/${approved.sessionId}`,
    ]);
    expect(api.filter((r) => r.status() === 403)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('lists, filters and pages sessions, opens one by id from the keyboard, and is accessible on desktop and phone', async () => {
    const page = await (await newContext(browser)).newPage();
    const errors = collectPageErrors(page);
    await signIn(page, t.baseUrl, t.keys.reviewer, '#/sessions?limit=1');
    const rows = page.locator('table.stack tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    const firstPage = (await rows.first().locator('a').textContent()) ?? '';
    await page.getByRole('link', { name: 'Next page' }).click();
    await expect.poll(() => page.url()).toContain('cursor=');
    await expect.poll(() => rows.first().locator('a').textContent()).not.toBe(firstPage);
    expect([firstPage, await rows.first().locator('a').textContent()].sort()).toEqual(
      [approved.sessionId, reviewed].sort(),
    );

    await page.getByRole('link', { name: 'First page' }).click();
    await page.getByLabel('Subject id').fill(approved.subjectId);
    await page.getByLabel('Status').selectOption('approved');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.url()).toContain(`subjectId=${approved.subjectId}`);
    await expect.poll(() => rows.first().textContent()).toContain(approved.sessionId);
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('approved');
    await screenshot(page, 'sessions-list');
    await expectAccessible(page);

    await page.setViewportSize(PHONE);
    await expectAccessible(page);
    await page.setViewportSize(DESKTOP);

    await page.getByLabel('Status').selectOption('rejected');
    await page.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('No session matches');

    await page.getByLabel('Session id').focus();
    await page.keyboard.type(approved.sessionId);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toContain(`#/sessions/${approved.sessionId}`);
    await expect.poll(() => sessionSection(page, 'Status').locator('dl').textContent()).toContain('approved');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('reads at 390 px: the session page passes axe on a phone', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    const errors = collectPageErrors(page);
    await openSession(page, t.keys.auditor);
    await expect
      .poll(() => sessionSection(page, 'Timeline').locator('ol > li').count())
      .toBe(approved.entries.length);
    await page.getByRole('button', { name: 'Verify this decision' }).click();
    await page.locator('.verified').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'session-phone');
    await expectAccessible(page);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
