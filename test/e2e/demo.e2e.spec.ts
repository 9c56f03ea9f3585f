import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { DEMO_KINDS, planDemo } from '../../scripts/demo/plan';
import { type DemoKeys, type SeedReport, seedDemo } from '../../scripts/demo/seed';
import { startTestApp, type TestApp } from '../support/app';

const ROOT = join(__dirname, '../..');

/** What each journey of the demo must end in, as the ledger decides it. */
const EXPECTED_STATUS: Partial<Record<(typeof DEMO_KINDS)[number], string>> = {
  auto_approve: 'approved',
  resubmit_then_approve: 'approved',
  retry_limit: 'rejected',
  international_review_approve: 'approved',
  international_review_reject: 'rejected',
  sanctions_cleared_by_senior: 'approved',
  pep_review: 'approved',
  override_four_eyes: 'approved',
  embargo: 'rejected',
  abandoned: 'capture_in_progress',
  erasure_after_relationship_end: 'approved',
};

describe('npm run demo: seeds through the public API, repeatably', () => {
  let t: TestApp;
  let keys: DemoKeys;
  let first: SeedReport;
  const cases = planDemo(40, 7);

  beforeAll(async () => {
    t = await startTestApp();
    keys = {
      operator: t.keys.operator,
      reviewer: t.keys.reviewer,
      senior: t.keys.senior,
      secondSenior: t.keys.senior2,
      privacyOfficer: t.keys.privacy,
    };
    first = await seedDemo({ baseUrl: t.baseUrl, keys, cases });
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  it('plans the same data set from the same seed, every journey at least once, many countries and all vendors', () => {
    expect(planDemo(40, 7)).toEqual(cases);
    expect(planDemo(40, 8)).not.toEqual(cases);
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(DEMO_KINDS));
    expect(new Set(cases.map((c) => c.jurisdiction)).size).toBeGreaterThanOrEqual(5);
    // The default data set (300 cases, seed 2026): more than ten countries.
    expect(new Set(planDemo(300, 2026).map((c) => c.jurisdiction)).size).toBeGreaterThan(10);
    expect(new Set(cases.map((c) => c.vendor)).size).toBe(4);
    expect(new Set(cases.map((c) => c.deviceClass)).size).toBeGreaterThanOrEqual(2);
  });

  it('ends every journey where the ledger decides it should', async () => {
    for (const outcome of first.outcomes) {
      const expected = EXPECTED_STATUS[outcome.case.kind];
      if (expected === undefined) continue;
      expect(outcome.status, `${outcome.case.kind} in ${outcome.case.jurisdiction}`).toBe(expected);
      const res = await fetch(`${t.baseUrl}/v1/verifications/${outcome.sessionId ?? ''}`, {
        headers: { authorization: `Bearer ${t.keys.auditor}` },
      });
      expect(((await res.json()) as { status: string }).status).toBe(expected);
    }
    expect(first.outcomes.every((o) => !o.alreadySeeded)).toBe(true);
    expect(first.fourEyesPending).toBe(0);
    expect(first.sessionsPerSecond).toBeGreaterThan(0);
  });

  it('adds nothing on a second run', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const head = await store.headPosition();
    const again = await seedDemo({ baseUrl: t.baseUrl, keys, cases });
    expect(await store.headPosition()).toBe(head);
    expect(again.outcomes.every((o) => o.alreadySeeded)).toBe(true);
    expect(again.outcomes.map((o) => o.sessionId)).toEqual(first.outcomes.map((o) => o.sessionId));
  }, 120_000);

  it('runs as a command against any instance with one API key, and says that four eyes then wait', async () => {
    // Asynchronously: the service under test answers from this process.
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/demo.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        LEDGER_URL: t.baseUrl,
        LEDGER_API_KEY: t.keys.admin,
        DEMO_SESSIONS: '30',
        DEMO_SEED: '99',
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const run = { status, stdout, stderr };
    expect(run.stderr).not.toContain('demo failed');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^seeded 30 new of 30 cases \(seed 99\) into http:\/\/127\.0\.0\.1:\d+ in [\d.]+ s/,
    );
    expect(run.stdout).toMatch(/[\d.]+ sessions\/s/);
    expect(run.stdout).toMatch(/overrides wait for a second senior reviewer/);
    expect(run.stdout).toContain('/explanation');
    // The API key is not printed.
    expect(run.stdout + run.stderr).not.toContain(t.keys.admin);
  }, 150_000);
});
