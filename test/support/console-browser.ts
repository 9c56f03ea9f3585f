import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { describe, expect, it, vi } from 'vitest';
import { buildConsole } from '../../scripts/console-build';
import type { AppOverrides } from '../../src/app/app.module';
import { startTestApp, type TestApp } from './app';

/*
 * Browser end-to-end tests of the web console: playwright-core driving Debian's Chromium (`apt-get install
 * chromium`, done by .ci/run). Under CI a missing browser fails the suite, like a missing service.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go: CI keeps this folder as an artifact (.ci/artifacts/console). */
export const SCREENSHOT_DIR =
  process.env.CONSOLE_SCREENSHOT_DIR ?? join(__dirname, '..', '..', '.ci', 'artifacts', 'console');

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const inCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/**
 * Per test and hook: a browser journey is a few seconds on a quiet machine, but the full suite runs beside it on
 * two cores (observed: one journey past 30 s). Bounded all the same.
 */
const BROWSER_TEST_TIMEOUT_MS = 120_000;

/** `describe` for a suite that needs Chromium: runs with it, fails under CI without it, skips otherwise. */
export function describeWithBrowser(name: string, body: () => void): void {
  if (existsSync(CHROMIUM_PATH)) {
    vi.setConfig({ testTimeout: BROWSER_TEST_TIMEOUT_MS, hookTimeout: 2 * BROWSER_TEST_TIMEOUT_MS });
    describe(name, body);
    return;
  }
  if (inCi()) {
    describe(name, () => {
      it(`has Chromium at ${CHROMIUM_PATH} (required under CI)`, () => {
        throw new Error(`${name} needs Chromium; .ci/run installs Debian's chromium package`);
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: no Chromium at ${CHROMIUM_PATH})`, body);
}

let built: Promise<string> | undefined;

/** The console built once per test process, into a folder of its own. */
export function builtConsole(): Promise<string> {
  built ??= buildConsole(join(tmpdir(), `kyc-ledger-console-${process.pid}`)).then((b) => b.outDir);
  return built;
}

/** A test app (startTestApp: every test principal has a key) that serves the freshly built console. */
export async function startConsoleApp(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestApp> {
  process.env.CONSOLE_DIR = await builtConsole();
  return startTestApp(env, overrides);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: LAUNCH_ARGS, headless: true });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A fresh context (own session storage) at a viewport; offline except for the service itself. */
export async function newContext(
  browser: Browser,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<BrowserContext> {
  return browser.newContext({ viewport, reducedMotion: 'reduce', locale: 'en-GB', timezoneId: 'UTC' });
}

/** Opens the console and signs in with an API key; resolves when the signed-in principal is shown. */
export async function signIn(page: Page, baseUrl: string, key: string, hash = ''): Promise<void> {
  await page.goto(`${baseUrl}/console/${hash}`);
  await page.getByLabel('API key or JWT').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('principal').waitFor();
}

/** Saves a full-page screenshot under SCREENSHOT_DIR as `<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** axe-core over the page as it stands: no serious or critical violation (WCAG 2.1 A and AA rules). */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const severe = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact ?? ''}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(severe).toEqual([]);
}

/** Browser console errors and failed requests a page produced (a CSP violation shows up here). */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
