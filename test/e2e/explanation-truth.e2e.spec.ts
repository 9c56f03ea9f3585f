import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/audit/explanation';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { CLEAR, consentAndStart, SANCTIONS_HIT, submitDocument, vendorResult } from '../support/journey';

/*
 * The explanation never contradicts the ledger: its decision, waiting-for, policy, consent and point in time
 * agree with the status read model and with the events it cites.
 */
describe('Explanation truth', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let store: EventStore;

  beforeAll(async () => {
    t = await startTestApp();
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await t.close();
  });

  const head = async (): Promise<Record<string, string>> => ({
    'x-min-position': String(await store.headPosition()),
  });
  const explanation = async (id: string, query = ''): Promise<Explanation> => {
    const res = await api.get<Explanation>('auditor', `/v1/verifications/${id}/explanation${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const status = async (id: string): Promise<string> =>
    (await api.get<{ status: string }>('auditor', `/v1/verifications/${id}`, await head())).body.status;

  async function approvedThenHit(): Promise<string> {
    const { sessionId } = await consentAndStart(api);
    await submitDocument(api, sessionId);
    await vendorResult(api, sessionId, CLEAR);
    await vendorResult(api, sessionId, [SANCTIONS_HIT[3]]);
    return sessionId;
  }

  it('an automatic approval reopened by a sanctions hit is undecided, waiting for a reviewer', async () => {
    const id = await approvedThenHit();
    expect(await status(id)).toBe('pending_review');
    const x = await explanation(id);
    expect(x.status).toBe('pending_review');
    expect(x.decision).toBeNull();
    expect(x.waitingFor).toMatch(/reviewer/);
    expect(x.summary).toMatch(/^Not decided/);
    expect(x.summary).not.toMatch(/^Approved/);
    expect(x.summary).toContain('reopened');
    expect(x.originalDecision).toMatchObject({ outcome: 'approved', decidedBy: 'policy' });
  });

  it('a reviewer rejection after the reopen names the approval it reversed', async () => {
    const id = await approvedThenHit();
    const res = await api.post('senior', `/v1/verifications/${id}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
      note: 'The list entry matches name, date of birth and nationality.',
    });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    const x = await explanation(id);
    expect(x.decision).toMatchObject({ outcome: 'rejected', decidedBy: 'reviewer' });
    expect(x.originalDecision).toMatchObject({ outcome: 'approved', decidedBy: 'policy' });
    expect(x.summary).toMatch(/^Rejected by reviewer/);
    expect(x.summary).toContain('approved by policy');
  });

  it('consent withdrawn before a decision: cites the consent the session started under and its withdrawal', async () => {
    const { sessionId, subjectId } = await consentAndStart(api);
    const events = await store.readAll();
    const granted = events
      .filter((e) => e.type === 'ConsentGranted' && e.data.consentId !== undefined)
      .at(-1);
    const consentId = typeof granted?.data.consentId === 'string' ? granted.data.consentId : '';
    expect(consentId).not.toBe('');
    const withdrawn = await api.post(
      'operator',
      `/v1/subjects/${subjectId}/consents/${consentId}/withdrawal`,
    );
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    const x = await explanation(sessionId);
    expect(x.consent).toMatchObject({
      consentId,
      scopes: ['identity_verification'],
      proof: { eventId: granted?.eventId },
      withdrawn: { proof: { position: withdrawn.body.position } },
    });
  });

  it('after a step-up the policy block cites the event that raised the tier', async () => {
    const { sessionId } = await consentAndStart(api);
    await submitDocument(api, sessionId);
    const res = await api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
      vendor: 'acme',
      vendorEventId: `evt_${randomUUID().slice(0, 8)}`,
      vendorCreatedAt: '2026-11-26T10:00:00Z',
      checks: CLEAR,
      riskSignals: { ipCountryMismatch: true },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const x = await explanation(sessionId);
    expect(x.policy.tier).toBe('enhanced');
    const stepUp = (await store.readAll()).find(
      (e) => e.type === 'DecisionEvaluated' && e.eventId === x.policy.proof.eventId,
    );
    expect(stepUp?.data.stepUp).toMatchObject({ tier: 'enhanced' });
  });

  it('an embargo rejection does not claim checks it never evaluated', async () => {
    const { sessionId } = await consentAndStart(api, { jurisdiction: 'KP' });
    const x = await explanation(sessionId);
    expect(x.decision).toMatchObject({ outcome: 'rejected', decidedBy: 'policy' });
    expect(x.summary).not.toMatch(/after evaluating/);
    expect(x.vendorResults).toEqual([]);
  });

  it('asOf.position is the position asked for', async () => {
    const { sessionId, position } = await consentAndStart(api);
    await consentAndStart(api);
    const asked = position + 1;
    const x = await explanation(sessionId, `?atPosition=${asked}`);
    expect(x.asOf.position).toBe(asked);
  });

  it('timeline before the session existed is 404, like status and explanation', async () => {
    const { sessionId, position } = await consentAndStart(api);
    const before = position - 1;
    const h = await head();
    const answers = await Promise.all(
      ['', '/explanation', '/timeline'].map((path) =>
        api.get('auditor', `/v1/verifications/${sessionId}${path}?atPosition=${before}`, h),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
    expect(new Set(answers.map((a) => a.body.code)).size).toBe(1);
  });

  it('shows an automatic decision as the policy, not the operator who posted the vendor result', async () => {
    const { sessionId } = await consentAndStart(api);
    await submitDocument(api, sessionId);
    await vendorResult(api, sessionId, CLEAR);
    const x = await explanation(sessionId);
    expect(x.decision?.actor).toMatchObject({
      kind: 'system',
      id: 'policy',
    });
    const timeline = await api.get<{ entries: { type: string; actor: { kind: string; id: string } }[] }>(
      'auditor',
      `/v1/verifications/${sessionId}/timeline`,
      await head(),
    );
    const approved = timeline.body.entries.find((e) => e.type === 'VerificationApproved');
    expect(approved?.actor).toMatchObject({ kind: 'system', id: x.decision?.actor.id });
    const vendor = timeline.body.entries.find((e) => e.type === 'VendorResultReceived');
    expect(vendor?.actor.kind).not.toBe('system');
  });
});
