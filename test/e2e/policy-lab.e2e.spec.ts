import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { type ApiResponse, client } from '../support/http';
import { BLURRED, CLEAR, journeyOverHttp, newSubjectId, SANCTIONS_HIT } from '../support/journey';
import { POLICIES } from '../support/policy-dir';
import { eventually } from '../support/poll';

/*
 * The policy lab's what-if replay end to end: a handful of sessions decided over HTTP in DE and GB under the
 * policy in force, then replayed under that policy (nothing moves, nothing is written) and under a stricter
 * candidate (exactly the planted session moves), through the API and the command line on the same ledger.
 */

type Api = ReturnType<typeof client>;
type Body = Record<string, unknown>;

interface Tally {
  evaluated: number;
  changed: number;
}

interface Report {
  candidate: { policyId: string; version: string; hash: string };
  recordedPolicies: Record<string, number>;
  readTo: number;
  filter: Record<string, string>;
  decisionsEvaluated: number;
  changed: number;
  outcomeChanged: number;
  byOutcome: Record<string, number>;
  byJurisdiction: Record<string, Tally>;
  byDocumentType: Record<string, Tally>;
  byDeviceClass: Record<string, Tally>;
  byVendor: Record<string, Tally>;
  byReasonCode: Record<string, { added: number; removed: number }>;
  confusion: Record<string, Record<string, number>>;
  reviewLoad: { recorded: number; candidate: number; delta: number };
  sessions: Record<string, string[]>;
  sessionsTruncated: string[];
}

interface ReplayJob extends Report {
  replayId: string;
  status: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  progress: { position: number; readTo: number; eventsRead: number; decisionsEvaluated: number };
  error: string | null;
}

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

/** The injected clock sits in November 2026, so the policy in force is the shipped 2026-11-01 version. */
const T0 = new Date('2026-11-26T10:00:00.000Z');
const SHIPPED_FILE = join(POLICIES, 'kyc-default', '2026-11-01.yaml');

/** DE retail's shipped face_match threshold is 0.88 (review band 0.05); the stricter candidate's is 0.93. */
const STRICT_FACE_MATCH = 0.93;
/** Passes 0.88, falls in the stricter candidate's review band [0.88, 0.93): approve → review. */
const PLANTED = CLEAR.map((check) => (check.kind === 'face_match' ? { ...check, score: 0.9 } : check));

/** The shipped policy as the JSON an API client sends (YAML 1.2 core schema: dates stay strings). */
const shipped = (): Body => parse(readFileSync(SHIPPED_FILE, 'utf8')) as Body;

/** The shipped policy with DE retail's face_match threshold raised, as a new version. */
function stricter(): Body {
  const doc = shipped();
  const rules = (doc.jurisdictions as Record<string, Record<string, Body>>).DE?.retail;
  if (rules === undefined) throw new Error('the shipped policy has no DE retail rules');
  rules.thresholds = { ...(rules.thresholds as Body), face_match: STRICT_FACE_MATCH };
  return { ...doc, version: '2026-11-01-strict-face' };
}

function expectProblem(res: ApiResponse, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code });
}

/** Starts a replay as the auditor and waits for it to finish; returns the finished job. */
async function replay(api: Api, body: Body): Promise<ReplayJob> {
  const started = await api.post('auditor', '/v1/policy-lab/replays', body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const { replayId, readTo } = started.body as { replayId: string; readTo: number };
  const job = await eventually(
    async () => (await api.get<ReplayJob>('auditor', `/v1/policy-lab/replays/${replayId}`)).body,
    (view) => view.status !== 'running',
    `replay ${replayId} to finish`,
  );
  expect(job, JSON.stringify(job)).toMatchObject({ replayId, status: 'done', error: null, readTo });
  return job;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a child process without blocking the event loop: the app under test shares this process, and a loop
 * blocked past the server's keep-alive timeout makes the next request meet a reset socket.
 */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** The report alone: what a replay's inputs determine (not its id or times). */
const JOB_FIELDS = new Set(['replayId', 'status', 'startedAt', 'finishedAt', 'progress', 'error']);
function reportOf(job: ReplayJob): Report {
  return Object.fromEntries(Object.entries(job).filter(([key]) => !JOB_FIELDS.has(key))) as unknown as Report;
}

describe('policy lab: what-if replay of recorded decisions (embedded profile)', () => {
  const clock = new ManualClock(T0);
  let t: TestApp;
  let api: Api;
  let store: EventStore;
  let recordedHash: string;
  /** The sessions driven to decisions, by what happened to them. */
  const s = { deApproved: '', deReviewed: '', dePlanted: '', gbApproved: '', gbResubmitted: '' };
  /** DecisionEvaluated events in each session's audit timeline. */
  const evaluations = new Map<string, number>();

  /** Consent, start, then each attempt: capture, a document, one vendor result. Returns the last answer. */
  async function journey(
    jurisdiction: 'DE' | 'GB',
    attempts: readonly (readonly unknown[])[],
  ): Promise<{ sessionId: string; last: Body }> {
    const { sessionId, last } = await journeyOverHttp(api, attempts, {
      jurisdiction,
      channel: jurisdiction === 'DE' ? 'web' : 'mobile',
      deviceClass: jurisdiction === 'DE' ? 'desktop' : 'mobile',
      documentType: jurisdiction === 'DE' ? 'passport' : 'driving_licence',
      vendorCreatedAt: clock.now().toISOString(),
    });
    return { sessionId, last };
  }

  /** How many DecisionEvaluated events the session's audit timeline shows (read after `position`). */
  async function evaluationsInTimeline(sessionId: string, position: number): Promise<number> {
    const res = await api.get<{ entries: { type: string }[] }>(
      'auditor',
      `/v1/verifications/${sessionId}/timeline`,
      { 'X-Min-Position': String(position) },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.entries.filter((entry) => entry.type === 'DecisionEvaluated').length;
  }

  const count = (...sessionIds: string[]): number =>
    sessionIds.reduce((sum, id) => sum + (evaluations.get(id) ?? 0), 0);
  const totalEvaluations = (): number => count(...evaluations.keys());

  beforeAll(async () => {
    t = await startTestApp({}, { clock, expiryIntervalMs: 3_600_000 });
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);

    const deApproved = await journey('DE', [CLEAR]);
    expect(deApproved.last).toMatchObject({ status: 'approved' });
    const gbApproved = await journey('GB', [CLEAR]);
    expect(gbApproved.last).toMatchObject({ status: 'approved' });
    const gbResubmitted = await journey('GB', [BLURRED, CLEAR]);
    expect(gbResubmitted.last).toMatchObject({ status: 'approved' });
    const dePlanted = await journey('DE', [PLANTED]);
    expect(dePlanted.last).toMatchObject({ status: 'approved' });
    const deReviewed = await journey('DE', [SANCTIONS_HIT]);
    expect(deReviewed.last).toMatchObject({ status: 'pending_review' });
    const assigned = await api.post(
      'reviewer',
      `/v1/verifications/${deReviewed.sessionId}/review/assignment`,
      {},
    );
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    const rejected = await api.post('reviewer', `/v1/verifications/${deReviewed.sessionId}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
    });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected' });

    Object.assign(s, {
      deApproved: deApproved.sessionId,
      deReviewed: deReviewed.sessionId,
      dePlanted: dePlanted.sessionId,
      gbApproved: gbApproved.sessionId,
      gbResubmitted: gbResubmitted.sessionId,
    });
    const head = await store.headPosition();
    for (const sessionId of Object.values(s)) {
      evaluations.set(sessionId, await evaluationsInTimeline(sessionId, head));
    }
    const view = await api.get('auditor', `/v1/verifications/${s.dePlanted}`, {
      'X-Min-Position': String(head),
    });
    expect(view.status, JSON.stringify(view.body)).toBe(200);
    recordedHash = view.body.policyHash as string;
    expect(recordedHash).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  it('replays the policy in force with zero deltas, and writes nothing to the ledger', async () => {
    const before = await store.headPosition();
    const job = await replay(api, { policy: shipped() });

    expect(job.readTo).toBe(before);
    expect(job.candidate).toEqual({ policyId: 'kyc-default', version: '2026-11-01', hash: recordedHash });
    expect(job.decisionsEvaluated).toBe(totalEvaluations());
    expect(job.recordedPolicies).toEqual({ [recordedHash]: totalEvaluations() });
    expect(job).toMatchObject({ changed: 0, outcomeChanged: 0, sessions: {}, sessionsTruncated: [] });
    expect(job.byReasonCode).toEqual({});
    expect(job.reviewLoad).toEqual({ recorded: 1, candidate: 1, delta: 0 });
    for (const cell of Object.keys(job.byOutcome)) {
      const [was, now] = cell.split('→');
      expect(now, cell).toBe(was);
    }
    expect(job.byOutcome).toMatchObject({ 'resubmit→resubmit': 1, 'review→review': 1 });
    expect(job.byJurisdiction).toEqual({
      DE: { evaluated: count(s.deApproved, s.dePlanted, s.deReviewed), changed: 0 },
      GB: { evaluated: count(s.gbApproved, s.gbResubmitted), changed: 0 },
    });
    expect(job.confusion).toEqual({ approved: { approve: 4 }, rejected: { review: 1 } });
    expect(job.progress).toMatchObject({ readTo: before, decisionsEvaluated: totalEvaluations() });

    // Nothing appended by the replay: the head stands, and the next command lands right after it.
    expect(await store.headPosition()).toBe(before);
    const consent = await api.post('operator', `/v1/subjects/${newSubjectId()}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
    expect(consent.body.position).toBe(before + 1);
  });

  it('moves exactly the planted DE session under a stricter face_match threshold, deterministically', async () => {
    const candidate = stricter();
    const job = await replay(api, { policy: candidate });

    expect(job.candidate).toMatchObject({ policyId: 'kyc-default', version: '2026-11-01-strict-face' });
    expect(job.candidate.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(job.candidate.hash).not.toBe(recordedHash);
    expect(job.recordedPolicies).toEqual({ [recordedHash]: totalEvaluations() });
    expect(job.decisionsEvaluated).toBe(totalEvaluations());
    expect(job).toMatchObject({ changed: 1, outcomeChanged: 1 });
    expect(job.byOutcome['approve→review']).toBe(1);
    expect(job.sessions).toEqual({ 'approve→review': [s.dePlanted] });
    expect(job.byJurisdiction.DE).toEqual({
      evaluated: count(s.deApproved, s.dePlanted, s.deReviewed),
      changed: 1,
    });
    expect(job.byJurisdiction.GB?.changed).toBe(0);
    expect(job.byDeviceClass).toMatchObject({ desktop: { changed: 1 }, mobile: { changed: 0 } });
    expect(job.byDocumentType).toMatchObject({ passport: { changed: 1 }, driving_licence: { changed: 0 } });
    expect(job.byReasonCode).toEqual({ SCORE_AMBIGUOUS: { added: 1, removed: 0 } });
    expect(job.reviewLoad).toEqual({ recorded: 1, candidate: 2, delta: 1 });
    expect(job.confusion).toEqual({ approved: { approve: 3, review: 1 }, rejected: { review: 1 } });

    // Deterministic: the same candidate read to the same position gives the same report, even after the ledger
    // has grown with another session the candidate would move.
    const another = await journey('DE', [PLANTED]);
    expect(another.last).toMatchObject({ status: 'approved' });
    const again = await replay(api, { policy: candidate, atPosition: job.readTo });
    expect(reportOf(again)).toEqual(reportOf(job));
    const now = await replay(api, { policy: candidate });
    expect(now.readTo).toBeGreaterThan(job.readTo);
    expect(now.sessions['approve→review']).toEqual([s.dePlanted, another.sessionId].sort());
    evaluations.set(another.sessionId, await evaluationsInTimeline(another.sessionId, now.readTo));
  });

  it('filters by jurisdiction, and answers an empty report for a range with no evaluations', async () => {
    const gb = await replay(api, { policy: stricter(), jurisdiction: 'GB' });
    const gbEvaluations = count(s.gbApproved, s.gbResubmitted);
    expect(gb.filter).toEqual({ jurisdiction: 'GB' });
    expect(gb.decisionsEvaluated).toBe(gbEvaluations);
    expect(gb.byJurisdiction).toEqual({ GB: { evaluated: gbEvaluations, changed: 0 } });
    expect(gb).toMatchObject({ changed: 0, outcomeChanged: 0, sessions: {} });

    const future = await replay(api, { policy: stricter(), from: '2027-01-01T00:00:00Z' });
    expect(future.filter).toEqual({ from: '2027-01-01T00:00:00.000Z' });
    expect(future).toMatchObject({
      decisionsEvaluated: 0,
      changed: 0,
      outcomeChanged: 0,
      recordedPolicies: {},
      byOutcome: {},
      byJurisdiction: {},
      byDocumentType: {},
      byDeviceClass: {},
      byVendor: {},
      byReasonCode: {},
      confusion: {},
      reviewLoad: { recorded: 0, candidate: 0, delta: 0 },
      sessions: {},
      sessionsTruncated: [],
    });

    const before = await replay(api, { policy: stricter(), to: T0.toISOString() });
    expect(before.decisionsEvaluated).toBe(0);
    const window = await replay(api, {
      policy: stricter(),
      from: T0.toISOString(),
      to: '2026-11-26T10:00:01Z',
    });
    expect(window.decisionsEvaluated).toBe(totalEvaluations());
  });

  it('refuses an invalid candidate with 422 naming its fields, echoing none of its values, starting nothing', async () => {
    const head = await store.headPosition();

    const missingVersion = stricter();
    delete missingVersion.version;
    const missing = await api.post('auditor', '/v1/policy-lab/replays', { policy: missingVersion });
    expectProblem(missing, 422, 'invalid_policy');
    expect(missing.body.problems).toContain('candidate: /version: required field is missing');
    expect(missing.body).not.toHaveProperty('replayId');

    const tooHigh = stricter();
    const de = (tooHigh.jurisdictions as Record<string, Record<string, Body>>).DE?.retail;
    if (de === undefined) throw new Error('no DE retail rules');
    de.thresholds = { ...(de.thresholds as Body), face_match: 1.5 };
    const threshold = await api.post('auditor', '/v1/policy-lab/replays', { policy: tooHigh });
    expectProblem(threshold, 422, 'invalid_policy');
    expect(threshold.body.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^candidate: \/jurisdictions\/DE\/retail\/thresholds\/face_match: /),
      ]),
    );

    const planted = stricter();
    const jurisdictions = planted.jurisdictions as Record<string, unknown>;
    const secret = await api.post('auditor', '/v1/policy-lab/replays', {
      policy: {
        ...planted,
        description: 'SECRET-TOKEN-XYZ',
        policyId: 'SECRET-POLICY-ID',
        jurisdictions: { ...jurisdictions, 'ZZZ-SECRET': jurisdictions.DE },
      },
    });
    expectProblem(secret, 422, 'invalid_policy');
    expect(secret.body.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^candidate: \/policyId: <value> /),
        // The invalid country is still named as a problem, its code replaced like any other input.
        expect.stringMatching(/^candidate: \/jurisdictions\/<key>: <value> is not an ISO 3166-1 alpha-2/),
      ]),
    );
    expect(JSON.stringify(secret.body)).not.toMatch(/SECRET/);
    expect([...secret.headers.values()].join('\n')).not.toMatch(/SECRET/);

    for (const policy of ['kyc-default', ['kyc-default'], null, 42]) {
      const res = await api.post('auditor', '/v1/policy-lab/replays', { policy });
      expectProblem(res, 400, 'validation_failed');
    }
    expectProblem(await api.post('auditor', '/v1/policy-lab/replays', {}), 400, 'validation_failed');
    expectProblem(
      await api.post('auditor', '/v1/policy-lab/replays', { policy: stricter(), jurisdiction: 'de' }),
      400,
      'validation_failed',
    );
    expectProblem(
      await api.post('auditor', '/v1/policy-lab/replays', { policy: stricter(), from: 'yesterday' }),
      400,
      'validation_failed',
    );
    expect(await store.headPosition()).toBe(head);
  });

  it('reports the pass rate and valid pass rate by country; a later screening hit invalidates an approval', async () => {
    interface Outcomes {
      groupBy: string;
      readTo: number;
      total: { decided: number; approved: number; rejected: number; validApproved: number };
      groups: {
        key: string;
        decided: number;
        approved: number;
        validApproved: number;
        passRate: number | null;
        validPassRate: number | null;
        invalidated: { overturned: number; laterScreeningHit: number; duplicateIdentity: number };
      }[];
    }
    const before = await api.get<Outcomes>('auditor', '/v1/policy-lab/outcomes?groupBy=country');
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    const de = before.body.groups.find((g) => g.key === 'DE');
    const gb = before.body.groups.find((g) => g.key === 'GB');
    // DE: the approvals (two, and the planted ones of the tests before) and the reviewer's rejection; GB: two
    // approvals. All still valid.
    if (de === undefined) throw new Error('no DE group');
    expect(de.decided).toBe(de.approved + 1);
    expect(de.approved).toBeGreaterThanOrEqual(2);
    expect(de.validApproved).toBe(de.approved);
    expect(gb).toMatchObject({ decided: 2, approved: 2, validApproved: 2, passRate: 1, validPassRate: 1 });

    // A re-screening of the approved DE session finds a sanctions hit: the approval reopens for review.
    const rescreened = await api.post('operator', `/v1/verifications/${s.deApproved}/vendor-results`, {
      vendor: 'complyadvantage',
      vendorEventId: `evt_${randomUUID()}`,
      vendorCreatedAt: clock.now().toISOString(),
      checks: [{ kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] }],
    });
    expect(rescreened.status, JSON.stringify(rescreened.body)).toBe(200);
    expect(rescreened.body).toMatchObject({ status: 'pending_review' });
    const after = await api.get<Outcomes>('auditor', '/v1/policy-lab/outcomes?groupBy=country');
    expect(after.body.groups.find((g) => g.key === 'DE')).toMatchObject({
      decided: de.decided,
      approved: de.approved,
      validApproved: de.approved - 1,
      invalidated: { overturned: 0, laterScreeningHit: 1, duplicateIdentity: 0 },
    });
    expect(after.body.readTo).toBeGreaterThan(before.body.readTo);
    const weeks = await api.get<Outcomes>('auditor', '/v1/policy-lab/outcomes');
    expect(weeks.body.groupBy).toBe('week');
    expect(weeks.body.groups.map((g) => g.key)).toEqual(['2026-W48']);
    const bad = await api.get('auditor', '/v1/policy-lab/outcomes?groupBy=colour');
    expectProblem(bad, 400, 'validation_failed');
    expect(JSON.stringify(bad.body)).not.toContain('colour');
    expect((await api.get('operator', '/v1/policy-lab/outcomes')).status).toBe(403);
  });

  it('answers 404 for an unknown replay, 400 for a malformed id, and admits auditors and admins only', async () => {
    expectProblem(
      await api.get('auditor', `/v1/policy-lab/replays/${randomUUID()}`),
      404,
      'replay_not_found',
    );
    expectProblem(await api.get('auditor', '/v1/policy-lab/replays/-not-an-id'), 400, 'validation_failed');
    expectProblem(
      await api.get('auditor', `/v1/policy-lab/replays/${'x'.repeat(200)}`),
      400,
      'validation_failed',
    );

    const body = { policy: shipped() };
    for (const as of ['operator', 'reviewer', 'privacy'] as const) {
      expect((await api.post(as, '/v1/policy-lab/replays', body)).status, as).toBe(403);
    }
    expect((await api.post(null, '/v1/policy-lab/replays', body)).status).toBe(401);
    const byAdmin = await api.post('admin', '/v1/policy-lab/replays', body);
    expect(byAdmin.status, JSON.stringify(byAdmin.body)).toBe(202);
    const replayId = byAdmin.body.replayId as string;
    expect((await api.get('operator', `/v1/policy-lab/replays/${replayId}`)).status).toBe(403);
    // An auditor reads what an admin started (the report holds counts and ids, no personal data).
    const done = await eventually(
      async () => (await api.get<ReplayJob>('auditor', `/v1/policy-lab/replays/${replayId}`)).body,
      (view) => view.status !== 'running',
      'the admin’s replay to finish',
    );
    expect(done).toMatchObject({ status: 'done', changed: 0 });
  });

  describe('the command line, on the same ledger', () => {
    let dir: string;
    let env: Record<string, string>;

    const cli = (args: readonly string[]): Promise<Run> =>
      run(process.execPath, [CLI, ...args], { PATH: process.env.PATH ?? '', ...env });

    beforeAll(async () => {
      const build = await run('npm', ['run', 'build'], process.env);
      expect(build.code, build.stderr).toBe(0);
      dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-policy-lab-'));
      env = { LEDGER_DATA_DIR: t.dataDir, POLICY_DIR: POLICIES };
    }, 180_000);
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
    });

    it('reports what the API reports, exiting 1 when an outcome changed and 0 otherwise', async () => {
      const strictFile = join(dir, 'stricter.yaml');
      writeFileSync(strictFile, stringify(stricter()));
      const viaApi = await replay(api, { policy: stricter() });

      const strict = await cli(['policy', 'replay', '--policy', strictFile, '--json']);
      expect(strict.code, strict.stderr).toBe(1);
      const report = JSON.parse(strict.stdout) as Report;
      expect(report.readTo).toBe(viaApi.readTo);
      expect(report.decisionsEvaluated).toBe(viaApi.decisionsEvaluated);
      expect(report.byOutcome).toEqual(viaApi.byOutcome);
      expect(report.sessions).toEqual(viaApi.sessions);
      expect(report).toEqual(reportOf(viaApi));

      const inForce = await cli(['policy', 'replay', '--policy', SHIPPED_FILE, '--json']);
      expect(inForce.code, inForce.stderr).toBe(0);
      expect(JSON.parse(inForce.stdout)).toMatchObject({
        candidate: { hash: recordedHash },
        changed: 0,
        decisionsEvaluated: viaApi.decisionsEvaluated,
      });

      const people = await cli(['policy', 'replay', '--policy', strictFile, '--jurisdiction', 'GB']);
      expect(people.code, people.stderr).toBe(0);
      expect(people.stdout).toMatch(/^candidate kyc-default 2026-11-01-strict-face /);
    });

    it('exits 2 naming the file and the field for a broken policy file', async () => {
      const broken = stricter();
      const de = (broken.jurisdictions as Record<string, Record<string, Body>>).DE?.retail;
      if (de === undefined) throw new Error('no DE retail rules');
      de.thresholds = { ...(de.thresholds as Body), face_match: 1.5 };
      const file = join(dir, 'broken-threshold.yaml');
      writeFileSync(file, stringify(broken));

      const res = await cli(['policy', 'replay', '--policy', file, '--json']);
      expect(res.code).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('broken-threshold.yaml');
      expect(res.stderr).toContain('/jurisdictions/DE/retail/thresholds/face_match');

      const notYaml = join(dir, 'not-yaml.yaml');
      writeFileSync(notYaml, 'policyId: [unclosed\n');
      const syntax = await cli(['policy', 'replay', '--policy', notYaml]);
      expect(syntax.code).toBe(2);
      expect(syntax.stderr).toContain('not-yaml.yaml');

      const absent = await cli(['policy', 'replay', '--policy', join(dir, 'absent.yaml')]);
      expect(absent.code).toBe(2);
      expect(absent.stderr).toContain('absent.yaml');
    });
  });
});
