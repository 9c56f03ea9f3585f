import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { verificationStream } from '../../src/ledger/stream-names';
import { ProjectionService } from '../../src/projections/projection.service';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { checkedClient, OpenApiResponses } from '../support/openapi';
import { freshDatabase } from '../support/postgres';
import { describeWithService } from '../support/services';
import { distinctIdentity } from '../support/ids';

const CLEAR = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.95 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];
const SANCTIONS_HIT = [
  ...CLEAR.slice(0, 3),
  { kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] },
];
const PII = { fullName: 'Query Testperson-Wv', dateOfBirth: '1979-05-04', documentNumber: 'QW0000911' };
const NOTE = 'Called Testperson-Wv about the list entry';

type Api = ReturnType<typeof client>;
type Body = Record<string, unknown>;

/** Read-your-writes: wait until the read model includes what this command wrote. */
const after = (written: { body: Body }): Record<string, string> => ({
  'X-Min-Position': String(written.body.position),
});

/** The commands of a journey over HTTP; every helper returns the command's response. */
function journeys(api: Api) {
  const consent = async (subjectId: string, scopes = ['identity_verification']) => {
    const res = await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes,
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res;
  };
  const start = async (jurisdiction = 'DE') => {
    const subjectId = `sub_${randomUUID().slice(0, 8)}`;
    await consent(subjectId);
    const res = await api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction,
      segment: 'retail',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return { sessionId: res.body.sessionId as string, subjectId, res };
  };
  const capture = (sessionId: string) =>
    api.post('operator', `/v1/verifications/${sessionId}/capture`, {
      channel: 'web',
      deviceClass: 'desktop',
    });
  const evidence = (sessionId: string) =>
    api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'onfido',
      vendorReference: `chk_${randomUUID().slice(0, 8)}`,
      attributes: distinctIdentity(PII),
    });
  const result = (sessionId: string, checks: unknown[], now = new Date()) =>
    api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
      vendor: 'onfido',
      vendorEventId: `evt_${randomUUID()}`,
      vendorCreatedAt: now.toISOString(),
      checks,
    });
  const toReview = async (jurisdiction: string, checks: unknown[], now?: Date) => {
    const session = await start(jurisdiction);
    await capture(session.sessionId);
    await evidence(session.sessionId);
    const res = await result(
      session.sessionId,
      jurisdiction === 'FR' ? [...checks, { kind: 'pep', result: 'clear' }] : checks,
      now,
    );
    expect(res.body, JSON.stringify(res.body)).toMatchObject({ status: 'pending_review' });
    return { ...session, res };
  };
  return { consent, start, capture, evidence, result, toReview };
}

describe('query API over the read models', () => {
  let t: TestApp;
  let api: Api;
  let j: ReturnType<typeof journeys>;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_READ_WAIT_MS: '400' });
    // Every answer is also checked against the OpenAPI document's status and schema.
    api = checkedClient(client(t), await OpenApiResponses.of(t));
    j = journeys(api);
  });
  afterAll(async () => {
    await t.close();
  });

  it('reads its own writes: after each command the status shows that command’s effect', async () => {
    const { sessionId, subjectId, res: started } = await j.start('DE');
    const expectStatus = async (written: { body: Body }, status: string) => {
      const view = await api.get('operator', `/v1/verifications/${sessionId}`, after(written));
      expect(view.status, JSON.stringify(view.body)).toBe(200);
      expect(view.body).toMatchObject({ sessionId, subjectId, status, position: written.body.position });
      expect(Number(view.headers.get('x-read-position'))).toBeGreaterThanOrEqual(
        Number(written.body.position),
      );
    };
    await expectStatus(started, 'initiated');
    await expectStatus(await j.capture(sessionId), 'capture_in_progress');
    await expectStatus(await j.evidence(sessionId), 'submitted');
    const done = await j.result(sessionId, CLEAR);
    await expectStatus(done, 'approved');

    const view = await api.get('auditor', `/v1/verifications/${sessionId}`, after(done));
    // docs/api.md: these fields, with these meanings (more optional fields are allowed).
    expect(view.body).toMatchObject({
      sessionId,
      subjectId,
      status: 'approved',
      tier: 'standard',
      jurisdiction: 'DE',
      segment: 'retail',
      reasonCodes: [],
      attempts: 1,
      position: done.body.position,
    });
    expect(view.body.policyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(view.body.updatedAt as string)).not.toBeNaN();
  });

  it('answers 503 read_model_behind with Retry-After when the position is not reached in time', async () => {
    // The status projection is held back; the position exists in the ledger, so the query waits, then says so.
    const runner = t.app.get(ProjectionService).runner('verification_status');
    expect(runner).toBeDefined();
    await runner!.stop();
    try {
      const { sessionId, res } = await j.start('DE');
      const started = Date.now();
      const behind = await api.get('operator', `/v1/verifications/${sessionId}`, after(res));
      expect(behind.status).toBe(503);
      expect(behind.body).toMatchObject({ code: 'read_model_behind' });
      expect(behind.headers.get('retry-after')).toBe('1');
      expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    } finally {
      runner!.start();
    }
    // A position the ledger has not written yet cannot be waited for: refused at once.
    const beyond = await api.get('operator', `/v1/verifications/${randomUUID()}`, {
      'X-Min-Position': '999999999',
    });
    expect(beyond.status).toBe(422);
    expect(beyond.body).toMatchObject({ code: 'position_beyond_head' });
    const bad = await api.get('operator', `/v1/verifications/${randomUUID()}`, { 'X-Min-Position': 'soon' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed' });
  });

  it('answers 404 for a session the read model does not know, and checks roles', async () => {
    const { sessionId, res } = await j.start('DE');
    const unknown = await api.get('operator', `/v1/verifications/${randomUUID()}`, after(res));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'not_found' });
    for (const who of ['operator', 'reviewer', 'auditor'] as const) {
      expect((await api.get(who, `/v1/verifications/${sessionId}`, after(res))).status).toBe(200);
    }
    expect((await api.get('privacy', `/v1/verifications/${sessionId}`)).status).toBe(403);
    expect((await api.get(null, `/v1/verifications/${sessionId}`)).status).toBe(401);
  });

  it('shows the timeline of a session and its subject, in order, without personal data', async () => {
    const { sessionId, subjectId } = await j.toReview('DE', SANCTIONS_HIT);
    await api.post('reviewer', `/v1/verifications/${sessionId}/review/assignment`, {});
    const decided = await api.post('reviewer', `/v1/verifications/${sessionId}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
      note: NOTE,
    });
    expect(decided.status).toBe(200);
    const res = await api.get('auditor', `/v1/verifications/${sessionId}/timeline`, after(decided));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const entries = res.body.entries as Body[];
    expect(entries.map((e) => e.type)).toEqual([
      'ConsentGranted',
      'VerificationInitiated',
      'CaptureStarted',
      'EvidenceSubmitted',
      'VendorResultReceived',
      'DecisionEvaluated',
      'ReviewRequested',
      'ReviewerAssigned',
      'ReviewCompleted',
      'VerificationRejected',
    ]);
    expect(res.body).toMatchObject({ sessionId, subjectId });
    const positions = entries.map((e) => e.position as number);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(entries.at(-1)).toMatchObject({
      action: 'verification.rejected',
      actor: { kind: 'user', id: 'reviewer' },
      reasonCodes: ['SANCTIONS_HIT'],
      stream: 'verification',
      position: decided.body.position,
    });
    expect(entries.at(-1)?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(entries.find((e) => e.type === 'EvidenceSubmitted')?.details).toMatchObject({ vendor: 'onfido' });
    const text = JSON.stringify(res.body);
    for (const value of [...Object.values(PII), NOTE]) expect(text).not.toContain(value);

    const page = await api.get('reviewer', `/v1/verifications/${sessionId}/timeline?limit=4`);
    expect((page.body.entries as Body[]).length).toBe(4);
    const rest = await api.get(
      'reviewer',
      `/v1/verifications/${sessionId}/timeline?after=${String(page.body.nextAfter)}`,
    );
    expect([...(page.body.entries as Body[]), ...(rest.body.entries as Body[])]).toEqual(entries);
    expect((await api.get('operator', `/v1/verifications/${sessionId}/timeline`)).status).toBe(403);
    const subject = await api.get('auditor', `/v1/subjects/${subjectId}/timeline`);
    expect(subject.body.entries).toEqual(entries);
  });

  it('lists a subject’s consents in force, the consent for each scope, and the history', async () => {
    const subjectId = `sub_${randomUUID().slice(0, 8)}`;
    const first = await j.consent(subjectId, ['identity_verification', 'document_processing']);
    const second = await j.consent(subjectId, ['identity_verification']);
    const withdrawn = await api.post(
      'operator',
      `/v1/subjects/${subjectId}/consents/${String(first.body.consentId)}/withdrawal`,
    );
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    const res = await api.get('privacy', `/v1/subjects/${subjectId}/consents`, after(withdrawn));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      subjectId,
      inForce: [
        { consentId: second.body.consentId, scopes: ['identity_verification'], noticeVersion: '2026-01' },
      ],
      scopes: { identity_verification: second.body.consentId },
      position: withdrawn.body.position,
    });
    expect((res.body.history as Body[]).map((h) => [h.consentId, h.action])).toEqual([
      [first.body.consentId, 'granted'],
      [second.body.consentId, 'granted'],
      [first.body.consentId, 'withdrawn'],
    ]);
    expect((await api.get('auditor', `/v1/subjects/${subjectId}/consents`)).status).toBe(200);
    expect((await api.get('operator', `/v1/subjects/${subjectId}/consents`)).status).toBe(200);
    expect((await api.get('reviewer', `/v1/subjects/${subjectId}/consents`)).status).toBe(403);
    const none = await api.get(
      'auditor',
      `/v1/subjects/sub_never_${randomUUID().slice(0, 6)}/consents`,
      after(res),
    );
    expect(none.status).toBe(404);
  });

  it('reports each projection in /health and its position in /metrics', async () => {
    const { res } = await j.start('DE');
    await api.get('operator', `/v1/verifications/${String(res.body.sessionId)}`, after(res));
    const health = await api.get('operator', '/health');
    const components = health.body.components as Record<string, { status: string; details: Body }>;
    for (const name of ['verification_status', 'audit_timeline', 'review_queue', 'subject_consents']) {
      expect(components[`projection:${name}`]).toMatchObject({
        status: 'up',
        details: { state: 'active', parkedEvents: 0, caughtUp: true },
      });
    }
    expect(components['projection:verification_status']?.details.position).toBeGreaterThanOrEqual(
      res.body.position as number,
    );
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/kyc_ledger_projection_position\{projection="verification_status"\} \d+/);
    expect(metrics).toMatch(/kyc_ledger_projection_parked_events\{projection="audit_timeline"\} 0/);
  });
});

describe('review queue', () => {
  const T0 = new Date('2026-11-26T09:00:00.000Z');
  const clock = new ManualClock(T0);
  let t: TestApp;
  let api: Api;
  let j: ReturnType<typeof journeys>;
  const ids: Record<'de' | 'fr' | 'gb' | 'us', string> = { de: '', fr: '', gb: '', us: '' };
  let lastPosition = 0;

  beforeAll(async () => {
    t = await startTestApp({}, { clock, expiryIntervalMs: 3_600_000 });
    // Every answer is also checked against the OpenAPI document's status and schema.
    api = checkedClient(client(t), await OpenApiResponses.of(t));
    j = journeys(api);
    // Priority 1 (sanctions) in DE (4 h SLA), GB (4 h) and US (2 h); priority 5 (manual review) in FR.
    ids.de = (await j.toReview('DE', SANCTIONS_HIT, clock.now())).sessionId;
    clock.advance(60_000);
    ids.fr = (await j.toReview('FR', CLEAR, clock.now())).sessionId;
    clock.advance(60_000);
    ids.gb = (await j.toReview('GB', SANCTIONS_HIT, clock.now())).sessionId;
    clock.advance(60_000);
    const us = await j.toReview('US', SANCTIONS_HIT, clock.now());
    ids.us = us.sessionId;
    lastPosition = us.res.body.position as number;
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (query = '', as: 'reviewer' | 'senior' = 'reviewer') => {
    const res = await api.get(as, `/v1/review-queue${query}`, { 'X-Min-Position': String(lastPosition) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Body[]; nextCursor?: string; asOf: string };
  };

  it('orders pending reviews by priority, then SLA due time, then age', async () => {
    const page = await list();
    expect(page.items.map((i) => i.sessionId)).toEqual([ids.us, ids.de, ids.gb, ids.fr]);
    expect(page.items.map((i) => i.priority)).toEqual([1, 1, 1, 5]);
    expect(page.items[0]).toMatchObject({
      queue: 'kyc-review-us',
      reasons: ['SANCTIONS_HIT'],
      slaBreached: false,
      attempt: 1,
    });
    expect(page.nextCursor).toBeUndefined();
  });

  it('flags and filters the reviews past their SLA by the service clock', async () => {
    clock.set(new Date(T0.getTime() + 3 * 3_600_000));
    try {
      const page = await list();
      expect(page.items.map((i) => [i.sessionId, i.slaBreached])).toEqual([
        [ids.us, true],
        [ids.de, false],
        [ids.gb, false],
        [ids.fr, false],
      ]);
      expect(page.items[0]?.ageSeconds).toBeGreaterThan(3 * 3600 - 300);
      expect((await list('?breached=true')).items.map((i) => i.sessionId)).toEqual([ids.us]);
      expect((await list('?breached=false')).items.map((i) => i.sessionId)).toEqual([ids.de, ids.gb, ids.fr]);
    } finally {
      clock.set(new Date(T0.getTime() + 3 * 60_000));
    }
  });

  it('filters by queue and assignee, and shows the assignee', async () => {
    const assigned = await api.post('reviewer', `/v1/verifications/${ids.de}/review/assignment`, {});
    expect(assigned.status).toBe(200);
    lastPosition = assigned.body.position as number;
    expect((await list('?assignee=reviewer')).items).toEqual([
      expect.objectContaining({ sessionId: ids.de, assignee: 'reviewer', assignedAt: expect.any(String) }),
    ]);
    expect((await list('?unassigned=true')).items.map((i) => i.sessionId)).toEqual([ids.us, ids.gb, ids.fr]);
    expect((await list('?queue=kyc-review-gb')).items.map((i) => i.sessionId)).toEqual([ids.gb]);
    expect((await list('?queue=kyc-review-de&assignee=reviewer2')).items).toEqual([]);
  });

  it('pages with a cursor through the same order', async () => {
    const seen: unknown[] = [];
    let query = '?limit=1';
    for (let i = 0; i < 10; i += 1) {
      const page = await list(query, 'senior');
      seen.push(...page.items.map((item) => item.sessionId));
      if (page.nextCursor === undefined) break;
      query = `?limit=1&cursor=${page.nextCursor}`;
    }
    expect(seen).toEqual((await list()).items.map((i) => i.sessionId));
    expect(seen).toHaveLength(4);
    const bad = await api.get('reviewer', '/v1/review-queue?cursor=bm90LWEtY3Vyc29y');
    expect(bad.status).toBe(400);
    expect((await api.get('reviewer', '/v1/review-queue?limit=0')).status).toBe(400);
    expect((await api.get('reviewer', '/v1/review-queue?colour=red')).status).toBe(400);
  });

  it('drops a review from the queue once it is decided, and is closed to other roles', async () => {
    // ids.de waits for a sanctions hit to be cleared: a senior reviewer's call, with a note.
    const taken = await api.post('senior', `/v1/verifications/${ids.de}/review/assignment`, {});
    expect(taken.status, JSON.stringify(taken.body)).toBe(200);
    const decided = await api.post('senior', `/v1/verifications/${ids.de}/review/decision`, {
      outcome: 'approve',
      reasonCodes: [],
      note: NOTE,
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    lastPosition = decided.body.position as number;
    expect((await list()).items.map((i) => i.sessionId)).toEqual([ids.us, ids.gb, ids.fr]);
    expect((await api.get('operator', '/v1/review-queue')).status).toBe(403);
    expect((await api.get('auditor', '/v1/review-queue')).status).toBe(403);
  });
});

describeWithService('DATABASE_URL', 'query API with read models in PostgreSQL', (url) => {
  let t: TestApp;
  let db: { url: string; drop(): Promise<void> };
  let api: Api;

  beforeAll(async () => {
    db = await freshDatabase(url);
    t = await startTestApp({ DATABASE_URL: db.url });
    // Every answer is also checked against the OpenAPI document's status and schema.
    api = checkedClient(client(t), await OpenApiResponses.of(t));
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('reads its own writes from PostgreSQL, with the projection lease held by this instance', async () => {
    const j = journeys(api);
    const { sessionId } = await j.start('DE');
    await j.capture(sessionId);
    await j.evidence(sessionId);
    const done = await j.result(sessionId, CLEAR);
    const view = await api.get('reviewer', `/v1/verifications/${sessionId}`, after(done));
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ status: 'approved', position: done.body.position });
    const timeline = await api.get('reviewer', `/v1/verifications/${sessionId}/timeline`, after(done));
    expect((timeline.body.entries as Body[]).at(-1)).toMatchObject({ type: 'VerificationApproved' });
    const health = await api.get('operator', '/health');
    expect(health.body.components).toMatchObject({
      'projection:verification_status': { status: 'up', details: { state: 'active' } },
    });
  });

  it('pages the review queue in triage order on PostgreSQL', async () => {
    const j = journeys(api);
    const first = await j.toReview('DE', SANCTIONS_HIT);
    const second = await j.toReview('FR', CLEAR);
    const seen: unknown[] = [];
    let query = `?limit=1`;
    for (let i = 0; i < 5; i += 1) {
      const page = await api.get<{ items: Body[]; nextCursor?: string }>(
        'reviewer',
        `/v1/review-queue${query}`,
        after(second.res),
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item) => item.sessionId));
      if (page.body.nextCursor === undefined) break;
      query = `?limit=1&cursor=${page.body.nextCursor}`;
    }
    expect(seen).toEqual([first.sessionId, second.sessionId]);
    const breached = await api.get<{ items: Body[] }>('reviewer', '/v1/review-queue?breached=true');
    expect(breached.body.items).toEqual([]);
  });

  it('parks a poison event, shows it in /health and /metrics, and keeps projecting', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const poison = await store.append(
      verificationStream(`poison_${randomUUID().slice(0, 8)}`),
      [{ eventId: randomUUID(), type: 'VerificationInitiated', data: { garbage: true }, metadata: {} }],
      'no_stream',
    );
    const j = journeys(api);
    const { sessionId, res } = await j.start('DE');
    expect(res.body.position).toBeGreaterThan(poison.position);
    const view = await api.get('operator', `/v1/verifications/${sessionId}`, after(res));
    expect(view.body).toMatchObject({ status: 'initiated' });
    const health = await api.get('operator', '/health');
    expect(health.status).toBe(200);
    expect(health.body.components).toMatchObject({
      'projection:verification_status': { status: 'degraded', critical: true, details: { parkedEvents: 1 } },
      'projection:audit_timeline': { status: 'degraded', details: { parkedEvents: 1 } },
      'projection:subject_consents': { status: 'up', details: { parkedEvents: 0 } },
    });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toContain('kyc_ledger_projection_parked_events{projection="verification_status"} 1');
    expect(metrics).toContain(
      'kyc_ledger_projection_parked_events_total{projection="verification_status"} 1',
    );
  });
});
