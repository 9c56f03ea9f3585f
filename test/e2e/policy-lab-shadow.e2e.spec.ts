import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { CLEAR, journeyOverHttp } from '../support/journey';
import { policyDirWithNotices } from '../support/policy-dir';
import { eventually, until } from '../support/poll';

/*
 * Shadow mode end to end: the shipped policy is live, a stricter version of it is declared as a shadow (DE retail
 * face_match 0.93 instead of 0.88) and another shadow has already expired. Live sessions decided over HTTP are
 * evaluated again under the shadow in force by the shadow evaluator: the delta is counted by the API and shown in
 * the explanation, and the live decision, the ledger and the policy chosen for new sessions are untouched.
 */

type Api = ReturnType<typeof client>;
type Body = Record<string, unknown>;

interface ShadowItem {
  policyId: string;
  version: string;
  hash: string;
  until: string | null;
  evaluated: number;
  differs: number;
  byOutcome: Record<string, number>;
}

interface ShadowSummary {
  items: ShadowItem[];
  sessions?: Record<string, string[]>;
}

interface ShadowRow {
  policyId: string;
  version: string;
  hash: string;
  position: number;
  recordedOutcome: string;
  shadowOutcome: string;
  shadowReasonCodes: string[];
  differs: boolean;
}

/** The injected clock sits in December 2026: the shipped 2026-12-01 version is in force. */
const T0 = new Date('2026-12-10T10:00:00.000Z');
const LIVE = '2026-12-01';
const SHADOW = '2026-12-05-strict-face';
const EXPIRED = '2026-11-02-strict-all';
/** Passes the live 0.88, falls in the shadow's review band [0.88, 0.93): approve → review. */
const PLANTED = CLEAR.map((check) => (check.kind === 'face_match' ? { ...check, score: 0.9 } : check));

/** The shipped live version with DE retail's face_match threshold changed, declared as a shadow. */
function shadowVersion(
  policyDir: string,
  version: string,
  effectiveFrom: string,
  faceMatch: number,
  shadowUntil: string,
): void {
  const doc = parse(readFileSync(join(policyDir, 'kyc-default', `${LIVE}.yaml`), 'utf8')) as Body;
  const rules = (doc.jurisdictions as Record<string, Record<string, Body>>).DE?.retail;
  if (rules === undefined) throw new Error('the shipped policy has no DE retail rules');
  rules.thresholds = { ...(rules.thresholds as Body), face_match: faceMatch };
  const shadow = { ...doc, version, effectiveFrom, shadow: { until: shadowUntil } };
  writeFileSync(join(policyDir, 'kyc-default', `${version}.yaml`), stringify(shadow));
}

describe('policy lab: shadow mode (embedded profile)', () => {
  const clock = new ManualClock(T0);
  let t: TestApp;
  let api: Api;
  let store: EventStore;
  let policyDir: string;
  let shadowHash: string;
  let expiredHash: string;
  const s = { planted: '', clear: '' };

  /** Consent, start, capture, a DE passport and one vendor result; returns the session and the last answer. */
  async function decide(checks: readonly unknown[]): Promise<{ sessionId: string; last: Body }> {
    const { sessionId, last } = await journeyOverHttp(api, [checks], {
      vendorCreatedAt: clock.now().toISOString(),
    });
    return { sessionId, last };
  }

  async function summary(query = ''): Promise<ShadowSummary> {
    const res = await api.get<ShadowSummary>('auditor', `/v1/policy-lab/shadow${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  async function explanation(sessionId: string): Promise<Body & { shadow: ShadowRow[]; summary: string }> {
    const res = await api.get<Body & { shadow: ShadowRow[]; summary: string }>(
      'auditor',
      `/v1/verifications/${sessionId}/explanation`,
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  beforeAll(async () => {
    policyDir = policyDirWithNotices([]);
    shadowVersion(policyDir, SHADOW, '2026-12-05', 0.93, '2027-01-15T00:00:00Z');
    // Stricter still, but its period ended before the clock's time: it evaluates nothing.
    shadowVersion(policyDir, EXPIRED, '2026-11-02', 0.99, '2026-11-30T00:00:00Z');
    t = await startTestApp({ POLICY_DIR: policyDir }, { clock, expiryIntervalMs: 3_600_000 });
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);

    // The evaluator starts from the head at its first start: wait until it follows the log live.
    await until(async () => {
      const health = (await (
        await fetch(`${t.baseUrl}/health`, { headers: { authorization: `Bearer ${t.keys.auditor}` } })
      ).json()) as {
        components: Record<string, { details?: { caughtUp?: boolean } }>;
      };
      return health.components['shadow-evaluator']?.details?.caughtUp === true;
    }, 'the shadow evaluator to reach the head of the log');

    const listed = await summary();
    shadowHash = listed.items.find((item) => item.version === SHADOW)?.hash ?? '';
    expiredHash = listed.items.find((item) => item.version === EXPIRED)?.hash ?? '';
    expect(shadowHash).toMatch(/^[0-9a-f]{64}$/);
    expect(expiredHash).toMatch(/^[0-9a-f]{64}$/);

    const planted = await decide(PLANTED);
    const clear = await decide(CLEAR);
    Object.assign(s, { planted: planted.sessionId, clear: clear.sessionId });
    // The live decisions are those of the policy in force, whatever the shadow would say.
    expect(planted.last).toMatchObject({ status: 'approved' });
    expect(clear.last).toMatchObject({ status: 'approved' });
  }, 60_000);

  afterAll(async () => {
    await t.close();
    rmSync(policyDir, { recursive: true, force: true });
  });

  it('never chooses a shadow policy for a new session, although it took effect after the live one', async () => {
    const head = await store.headPosition();
    for (const sessionId of Object.values(s)) {
      const view = await api.get('auditor', `/v1/verifications/${sessionId}`, {
        'X-Min-Position': String(head),
      });
      expect(view.status, JSON.stringify(view.body)).toBe(200);
      expect(view.body).toMatchObject({ policyVersion: LIVE, status: 'approved' });
      expect(view.body.policyHash).not.toBe(shadowHash);
    }
  });

  it('counts each live evaluation under the shadow in force, with the sessions behind each change', async () => {
    const head = await store.headPosition();
    const body = await eventually(
      () => summary(`?policyHash=${shadowHash}`),
      (view) => (view.items[0]?.evaluated ?? 0) >= 2,
      'the shadow evaluations of both sessions',
    );
    expect(body.items).toEqual([
      {
        policyId: 'kyc-default',
        version: SHADOW,
        hash: shadowHash,
        until: '2027-01-15T00:00:00Z',
        evaluated: 2,
        differs: 1,
        byOutcome: { 'approve→approve': 1, 'approve→review': 1 },
      },
    ]);
    expect(body.sessions).toEqual({ 'approve→review': [s.planted] });

    // Never a decision: the evaluator appended nothing to the ledger.
    expect(await store.headPosition()).toBe(head);

    // A range that ends before the evaluations counts none; without policyHash, no session lists.
    const before = await summary(`?policyHash=${shadowHash}&to=2026-12-10T09:00:00Z`);
    expect(before.items[0]).toMatchObject({ evaluated: 0, differs: 0, byOutcome: {} });
    const all = await summary();
    expect(all.sessions).toBeUndefined();
    expect(all.items.map((item) => item.version).sort()).toEqual([EXPIRED, SHADOW].sort());

    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toContain(
      `kyc_ledger_shadow_evaluations_total{policy_version="${SHADOW}",differs="true"} 1`,
    );
    expect(metrics).toContain(
      `kyc_ledger_shadow_evaluations_total{policy_version="${SHADOW}",differs="false"} 1`,
    );
  });

  it('evaluates nothing under a shadow whose period has ended', async () => {
    await until(
      async () => ((await summary(`?policyHash=${shadowHash}`)).items[0]?.evaluated ?? 0) >= 2,
      'the shadow evaluations of both sessions',
    );
    const expired = await summary(`?policyHash=${expiredHash}`);
    expect(expired.items).toEqual([
      {
        policyId: 'kyc-default',
        version: EXPIRED,
        hash: expiredHash,
        until: '2026-11-30T00:00:00Z',
        evaluated: 0,
        differs: 0,
        byOutcome: {},
      },
    ]);
    expect(expired.sessions).toEqual({});
    for (const sessionId of Object.values(s)) {
      expect((await explanation(sessionId)).shadow.map((row) => row.version)).not.toContain(EXPIRED);
    }
  });

  it('shows the shadow outcome in the explanation, and says so when it differs, beside the unchanged decision', async () => {
    const planted = await eventually(
      () => explanation(s.planted),
      (body) => body.shadow.length > 0,
      'the planted session’s shadow evaluation',
    );
    const evaluations = planted.evaluations as { proof: { position: number } }[];
    expect(planted.shadow).toEqual([
      {
        policyId: 'kyc-default',
        version: SHADOW,
        hash: shadowHash,
        position: evaluations.at(-1)?.proof.position,
        recordedOutcome: 'approve',
        shadowOutcome: 'review',
        shadowReasonCodes: ['SCORE_AMBIGUOUS'],
        differs: true,
      },
    ]);
    expect(planted.summary).toContain(
      `Under the shadow policy kyc-default ${SHADOW} this evaluation would have been review (SCORE_AMBIGUOUS).`,
    );
    expect(planted).toMatchObject({ status: 'approved', decision: { outcome: 'approved' } });
    expect(planted.policy).toMatchObject({ version: LIVE });

    const clear = await eventually(
      () => explanation(s.clear),
      (body) => body.shadow.length > 0,
      'the clear session’s shadow evaluation',
    );
    expect(clear.shadow).toEqual([
      expect.objectContaining({
        version: SHADOW,
        recordedOutcome: 'approve',
        shadowOutcome: 'approve',
        differs: false,
      }),
    ]);
    expect(clear.summary).not.toContain('shadow policy');
    expect(clear).toMatchObject({ status: 'approved', decision: { outcome: 'approved' } });
  });

  it('answers the shadow summary to auditors only, and refuses a malformed filter', async () => {
    expect((await api.get('operator', '/v1/policy-lab/shadow')).status).toBe(403);
    const bad = await api.get('auditor', '/v1/policy-lab/shadow?policyHash=nothex');
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
  });
});
