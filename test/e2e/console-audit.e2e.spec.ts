import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { verifyBundle } from '../../src/audit/bundle';
import { Checkpointer } from '../../src/audit/checkpointer';
import type { AppConfig } from '../../src/platform/config/config';
import { APP_CONFIG } from '../../src/platform/config/tokens';
import type { TestApp } from '../support/app';
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

describeWithBrowser('web console: audit page (checkpoint, ledger verification, bundle export)', () => {
  let t: TestApp;
  let browser: Browser;
  let person: EnrolledPerson;
  let publicKey: string;

  beforeAll(async () => {
    t = await startConsoleApp();
    browser = await launchBrowser();
    const api = client(t);
    person = await enrol(api, 'audit');
    publicKey = createPublicKey(t.app.get<AppConfig>(APP_CONFIG).signingKey!)
      .export({ type: 'spki', format: 'pem' })
      .toString();
    // A checkpoint over everything enrolled: after it, only checkpoint events wait, which never make one due, so
    // the latest checkpoint stands still while the page reads it.
    const checkpointer = t.app.get(Checkpointer);
    await vi.waitFor(
      async () => {
        await checkpointer.tick(true);
        expect((await checkpointer.latest())?.checkpoint.statement.toPosition).toBeGreaterThanOrEqual(
          person.position,
        );
      },
      { timeout: 30_000 },
    );
  });

  afterAll(async () => {
    await browser.close();
    await t.close();
  });

  it('shows the latest signed checkpoint as the API states it, with the fingerprint of its public key', async () => {
    const page = await (await newContext(browser, DESKTOP)).newPage();
    const errors = collectPageErrors(page);
    await signIn(page, t.baseUrl, t.keys.auditor, '#/audit');
    await page.getByTestId('checkpoint-root').waitFor();
    const latest = await client(t).get<{
      statement: { rootHash: string; sequence: number };
      publicKey: string;
    }>('auditor', '/v1/audit/checkpoints/latest');
    expect(latest.status).toBe(200);
    expect(await page.getByTestId('checkpoint-root').textContent()).toBe(latest.body.statement.rootHash);
    expect(await page.getByTestId('checkpoint-sequence').textContent()).toBe(
      String(latest.body.statement.sequence),
    );
    const der = createPublicKey(latest.body.publicKey).export({ type: 'spki', format: 'der' });
    expect(await page.getByTestId('key-fingerprint').textContent()).toBe(
      createHash('sha256').update(der).digest('hex'),
    );
    expect(latest.body.publicKey).toBe(publicKey);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('verifies the ledger with a progress indicator while it runs, then reports ok', async () => {
    const page = await (await newContext(browser, DESKTOP)).newPage();
    const errors = collectPageErrors(page);
    await signIn(page, t.baseUrl, t.keys.auditor, '#/audit');
    // Hold the verification request until the indicator has been seen, so the running state is observable.
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/v1/audit/verification*', async (route) => {
      await released;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Verify the ledger' }).click();
    const progress = page.getByRole('progressbar', { name: 'Verifying…' });
    await progress.waitFor();
    expect(await page.getByTestId('verify-result').getAttribute('aria-busy')).toBe('true');
    expect(await page.getByRole('button', { name: 'Verify the ledger' }).isDisabled()).toBe(true);
    const answered = page.waitForResponse((r) => r.url().includes('/v1/audit/verification'));
    release();
    const response = await answered;
    const report = (await response.json()) as { ok: boolean; chain: { eventsChecked: number } };
    expect(report.ok).toBe(true);
    await page.locator('.verified').waitFor();
    const text = (await page.getByTestId('verify-result').textContent()) ?? '';
    expect(text).toContain('Verified: the hash chains and signed checkpoints hold.');
    expect(text).toContain(`${report.chain.eventsChecked} events`);
    expect(await progress.count()).toBe(0);
    expect(await page.getByTestId('verify-result').getAttribute('aria-busy')).toBe('false');

    await expectAccessible(page);
    await screenshot(page, 'audit-desktop');
    await page.unroute('**/v1/audit/verification*');

    // One stream, by name: the enrolled session's chain alone.
    await page.getByLabel('Stream (optional; all when empty)').fill(`kyc-verification-${person.sessionId}`);
    const one = page.waitForResponse((r) => r.url().includes('/v1/audit/verification?stream='));
    await page.getByRole('button', { name: 'Verify the ledger' }).click();
    const streamReport = (await (await one).json()) as { chain: { streamsChecked: number } };
    expect(streamReport.chain.streamsChecked).toBe(1);
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toContain('ok: 1 streams');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('names the first failure when a report is not ok', async () => {
    const page = await (await newContext(browser, DESKTOP)).newPage();
    await signIn(page, t.baseUrl, t.keys.auditor, '#/audit');
    // The rendering of a failed report (tampering itself is proven by the verifier's own tests).
    await page.route('**/v1/audit/verification*', (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          ok: false,
          chain: {
            ok: false,
            streamsChecked: 3,
            eventsChecked: 20,
            throughPosition: 20,
            failures: [{ kind: 'hash_mismatch', stream: 'kyc-subject-sub_x', revision: 4 }],
          },
          checkpoints: { ok: true, checkpointsChecked: 2, coveredThrough: 18 },
        }),
      }),
    );
    await page.getByRole('button', { name: 'Verify the ledger' }).click();
    await page.locator('.tampered').waitFor();
    const text = (await page.locator('.tampered').textContent()) ?? '';
    expect(text).toContain('Verification FAILED');
    expect(text).toContain('hash_mismatch');
    expect(text).toContain('kyc-subject-sub_x');
    await page.context().close();
  });

  it('downloads a session bundle that the offline verifier accepts with the public key alone', async () => {
    const page = await (await newContext(browser, DESKTOP)).newPage();
    const errors = collectPageErrors(page);
    await signIn(page, t.baseUrl, t.keys.auditor, '#/audit');
    await page.getByLabel('Session id').fill(person.sessionId);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download bundle' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`audit-bundle-session-${person.sessionId}.json`);
    const path = await file.path();
    const text = readFileSync(path, 'utf8');
    const bundle = JSON.parse(text) as { scope: unknown; streams: Record<string, unknown[]> };
    expect(bundle.scope).toEqual({ kind: 'session', id: person.sessionId });
    expect(Object.keys(bundle.streams).sort()).toEqual([
      `kyc-subject-${person.subjectId}`,
      `kyc-verification-${person.sessionId}`,
    ]);
    const report = verifyBundle(bundle, publicKey);
    expect(report).toMatchObject({ ok: true, failures: [], completeness: 'proven' });
    expect(report.eventsChecked).toBe(Object.values(bundle.streams).flat().length);
    // Personal data travels encrypted only.
    for (const value of Object.values(person.pii).flat()) expect(text).not.toContain(value);
    await expect.poll(() => page.getByRole('status').last().textContent()).toContain('signed checkpoints');

    // A subject with all its sessions, and an unknown id answered in words.
    await page.getByLabel('a subject').check();
    await page.getByLabel('Subject id').fill(person.subjectId);
    const subjectDownload = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download bundle' }).click();
    const subjectFile = readFileSync(await (await subjectDownload).path(), 'utf8');
    expect(verifyBundle(JSON.parse(subjectFile), publicKey).ok).toBe(true);
    await page.getByLabel('Subject id').fill('sub_nobody_here');
    await page.getByRole('button', { name: 'Download bundle' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('nothing_to_export');
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);

    // The endpoint behind it: exactly one of session or subject.
    const api = client(t);
    for (const path of [
      '/v1/audit/bundles',
      `/v1/audit/bundles?session=${person.sessionId}&subject=${person.subjectId}`,
      '/v1/audit/bundles?session=not%20an%20id',
    ]) {
      const refused = await api.get('auditor', path);
      expect(refused.status, path).toBe(400);
      expect(refused.body, path).toMatchObject({ code: 'validation_failed' });
    }
    const direct = await api.get('auditor', `/v1/audit/bundles?session=${person.sessionId}`);
    expect(direct.headers.get('content-type')).toMatch(/^application\/json/);
    expect(verifyBundle(direct.body, publicKey).ok).toBe(true);
    await page.context().close();
  });

  it('is readable and accessible on a phone', async () => {
    const page = await (await newContext(browser, PHONE)).newPage();
    const errors = collectPageErrors(page);
    await signIn(page, t.baseUrl, t.keys.auditor, '#/audit');
    await page.getByTestId('checkpoint-root').waitFor();
    await expectAccessible(page);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'audit-phone');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
