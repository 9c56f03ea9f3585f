import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestApp } from '../support/app';
import {
  collectPageErrors,
  describeWithBrowser,
  launchBrowser,
  newContext,
  signIn,
  startConsoleApp,
} from '../support/console-browser';

describeWithBrowser('web console: served by the service, signed in by key, sections by role', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startConsoleApp();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser.close();
    await t.close();
  });

  it('serves the console with a strict content security policy, compressed, and no inline or foreign code', async () => {
    const page = await fetch(`${t.baseUrl}/console/`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/https?:\/\//);
    const script = await fetch(`${t.baseUrl}/console/app.js`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(script.headers.get('content-encoding')).toBe('gzip');
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    const missing = await fetch(`${t.baseUrl}/console/nothing-here.js`);
    expect(missing.status).toBe(404);
  });

  it('refuses a wrong key without leaving it anywhere, then shows each role only its sections', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`${t.baseUrl}/console/`);
    await page.getByLabel('API key or JWT').fill('not-a-key-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not accepted');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(await page.content()).not.toContain('not-a-key-0123456789');

    await page.getByLabel('API key or JWT').fill(t.keys.operator);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('principal').waitFor();
    const nav = page.getByRole('navigation', { name: 'Console sections' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Sessions']);
    await page.goto(`${t.baseUrl}/console/#/audit`);
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('not open to your roles');
    await context.close();

    const auditor = await (await newContext(browser)).newPage();
    await signIn(auditor, t.baseUrl, t.keys.auditor);
    expect(
      await auditor.getByRole('navigation', { name: 'Console sections' }).getByRole('link').allTextContents(),
    ).toEqual(['Sessions', 'Subjects', 'Insights', 'Audit']);
    await auditor.getByRole('button', { name: 'Sign out' }).click();
    await auditor.getByLabel('API key or JWT').waitFor();
    expect(await auditor.evaluate('sessionStorage.length')).toBe(0);
    await auditor.context().close();
    expect(errors).toEqual([expect.stringContaining('401')]);
  });
});
