import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { DEMO_KINDS, planDemo, WAITING_REASONS } from '../../scripts/demo/plan';
import { type DemoKeys, type SeedReport, seedDemo } from '../../scripts/demo/seed';
import { startTestApp, type TestApp } from '../support/app';
import type { components } from '../support/openapi-types';

type Schemas = components['schemas'];

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
  awaiting_review: 'pending_review',
  // Rejected on review; the override to approve waits for a second senior reviewer.
  override_awaiting_approval: 'rejected',
};

/** A query answered once the read models reached the ledger's head (read your writes). */
async function getJson<T>(t: TestApp, key: string, path: string): Promise<T> {
  const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
  const res = await fetch(`${t.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${key}`, 'x-min-position': String(head) },
  });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

describe('npm run demo: seeds through the public API, repeatably', () => {
  let t: TestApp;
  let keys: DemoKeys;
  let first: SeedReport;
  // Fifty cases: every journey, and every reason a review waits for (the first five waiting cases take one each).
  const cases = planDemo(50, 7);

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
    expect(planDemo(50, 7)).toEqual(cases);
    expect(planDemo(50, 8)).not.toEqual(cases);
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(DEMO_KINDS));
    expect(new Set(cases.map((c) => c.jurisdiction)).size).toBeGreaterThanOrEqual(5);
    // The default data set (300 cases, seed 2026): more than ten countries.
    expect(new Set(planDemo(300, 2026).map((c) => c.jurisdiction)).size).toBeGreaterThan(10);
    expect(new Set(cases.map((c) => c.vendor)).size).toBe(4);
    expect(new Set(cases.map((c) => c.deviceClass)).size).toBeGreaterThanOrEqual(2);
    // The default data set leaves a working day's queue, mostly unassigned, and a few overrides to approve.
    const waiting = planDemo(300, 2026).filter((c) => c.kind === 'awaiting_review');
    expect(waiting.length).toBeGreaterThanOrEqual(20);
    expect(waiting.filter((c) => c.waiting?.assigned === true).length).toBeLessThan(waiting.length / 2);
    expect(new Set(waiting.map((c) => c.waiting?.reason))).toEqual(new Set(WAITING_REASONS));
    expect(
      planDemo(300, 2026).filter((c) => c.kind === 'override_awaiting_approval').length,
    ).toBeGreaterThanOrEqual(3);
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

  it('leaves a review queue to work on: mixed priorities and queues, a few taken by the reviewer, most not', async () => {
    const waiting = first.outcomes.filter((o) => o.case.kind === 'awaiting_review');
    expect(waiting.length).toBeGreaterThan(0);
    expect(first.waitingReviews).toBe(waiting.length);
    const queue = await getJson<Schemas['ReviewQueuePage']>(t, t.keys.reviewer, '/v1/review-queue?limit=200');
    // Every other journey ends decided, closed or before evidence: the queue is exactly the waiting cases.
    expect(queue.items.map((i) => i.sessionId).sort()).toEqual(waiting.map((o) => o.sessionId).sort());
    const assigned = waiting.filter((o) => o.case.waiting?.assigned === true).map((o) => o.sessionId);
    expect(
      queue.items
        .filter((i) => i.assignee !== undefined)
        .map((i) => i.sessionId)
        .sort(),
    ).toEqual(assigned.sort());
    expect(queue.items.filter((i) => i.assignee !== undefined).every((i) => i.assignee === 'reviewer')).toBe(
      true,
    );
    expect(first.assignedReviews).toBe(assigned.length);
    expect(queue.items.filter((i) => i.assignee === undefined).length).toBeGreaterThan(assigned.length);
    // The priority follows the reason the plan gave (review-ticket.ts).
    const expectedPriority = { sanctions: 1, pep: 2, self_declared_pep: 3, low_score: 4, jurisdiction: 5 };
    for (const o of waiting) {
      const item = queue.items.find((i) => i.sessionId === o.sessionId);
      const reason = o.case.waiting?.reason;
      expect(reason).toBeDefined();
      if (reason !== undefined) expect(item?.priority, reason).toBe(expectedPriority[reason]);
    }
    expect(new Set(queue.items.map((i) => i.priority))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(new Set(queue.items.map((i) => i.queue)).size).toBeGreaterThanOrEqual(2);
  });

  it('leaves overrides in the senior reviewers’ inbox, requested by one senior and not yet approved', async () => {
    const pending = first.outcomes.filter((o) => o.case.kind === 'override_awaiting_approval');
    expect(pending.length).toBeGreaterThan(0);
    expect(first.overridesAwaitingApproval).toBe(pending.length);
    const inbox = await getJson<Schemas['VerificationListPage']>(
      t,
      t.keys.senior2,
      '/v1/verifications?pendingOverride=true&limit=200',
    );
    expect(inbox.items.map((i) => i.sessionId).sort()).toEqual(pending.map((o) => o.sessionId).sort());
    for (const item of inbox.items) {
      expect(item.status).toBe('rejected');
      expect(item.pendingOverride?.requestedBy).toBe('senior');
      expect(item.pendingOverride?.outcome).toBe('approve');
    }
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
    expect(run.stdout).toMatch(
      /waiting: \d+ reviews in the queue \(\d+ taken by a reviewer\), \d+ overrides/,
    );
    expect(run.stdout).toContain('/explanation');
    // The API key is not printed.
    expect(run.stdout + run.stderr).not.toContain(t.keys.admin);
  }, 150_000);
});
