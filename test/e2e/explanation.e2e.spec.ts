import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/audit/explanation';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { startTestApp, type TestApp } from '../support/app';
import { CLEAR, consentAndStart, SANCTIONS_HIT, submitDocument, vendorResult } from '../support/journey';
import { client } from '../support/http';

describe('GET /v1/verifications/{id}/explanation', () => {
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

  async function session(checks: unknown[]): Promise<{ id: string; startPosition: number }> {
    const { sessionId, position } = await consentAndStart(api);
    await submitDocument(api, sessionId);
    await vendorResult(api, sessionId, checks);
    return { id: sessionId, startPosition: position };
  }

  /** Every citation in the answer points at a real event with that position and hash. */
  async function expectCitationsHold(x: Explanation): Promise<void> {
    const all = new Map((await store.readAll()).map((e) => [e.eventId, e]));
    const citations = [
      x.policy.proof,
      ...(x.decision ? [x.decision.proof] : []),
      ...(x.consent ? [x.consent.proof] : []),
      ...x.evaluations.map((e) => e.proof),
      ...x.vendorResults.map((v) => v.proof),
      ...x.reviews.map((r) => r.proof),
      ...x.timeline.map((e) => e.proof),
    ];
    expect(citations.length).toBeGreaterThan(3);
    for (const c of citations) {
      const event = all.get(c.eventId);
      expect(event, c.eventId).toBeDefined();
      expect(event?.position).toBe(c.position);
      expect(event?.metadata.hash).toBe(c.hash);
    }
  }

  it('explains an automatic approval: policy, rule trace, vendor results and consent, each with its proof', async () => {
    const { id } = await session(CLEAR);
    const res = await api.get<Explanation>('auditor', `/v1/verifications/${id}/explanation`);
    expect(res.status).toBe(200);
    const x = res.body;
    expect(x).toMatchObject({
      status: 'approved',
      decision: { outcome: 'approved', decidedBy: 'policy' },
      waitingFor: null,
      policy: { policyId: 'kyc-default', jurisdiction: 'DE', segment: 'retail', tier: 'standard' },
      consent: { scopes: ['identity_verification'], noticeVersion: '2026-01' },
    });
    expect(x.summary).toMatch(/^Approved automatically by policy kyc-default/);
    expect(x.evaluations).toHaveLength(1);
    expect(x.evaluations[0]?.outcome).toBe('approve');
    expect(x.evaluations[0]?.ruleTrace.length).toBeGreaterThan(3);
    expect(JSON.stringify(x.evaluations[0]?.ruleTrace)).toContain('threshold');
    expect(x.vendorResults).toHaveLength(1);
    expect(x.timeline.map((e) => e.type)).toEqual([
      'VerificationInitiated',
      'EvidenceSubmitted',
      'VendorResultReceived',
      'DecisionEvaluated',
      'VerificationApproved',
    ]);
    await expectCitationsHold(x);
  });

  it('explains an override with both decisions and both people', async () => {
    const { id } = await session(SANCTIONS_HIT);
    await api.post('reviewer', `/v1/verifications/${id}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
    });
    const o = await api.post('senior', `/v1/verifications/${id}/overrides`, {
      outcome: 'approve',
      justification: 'False positive: the list entry is a different person.',
    });
    await api.post('senior2', `/v1/verifications/${id}/overrides/${o.body.overrideId as string}/approval`);
    const x = (await api.get<Explanation>('reviewer', `/v1/verifications/${id}/explanation`)).body;
    expect(x.decision).toMatchObject({ outcome: 'approved', decidedBy: 'override' });
    expect(x.originalDecision).toMatchObject({ outcome: 'rejected', decidedBy: 'reviewer' });
    expect(x.overrides).toEqual([
      expect.objectContaining({
        requestedBy: 'senior',
        decidedBy: 'senior2',
        status: 'approved',
        decidedByRoles: ['senior_reviewer'],
      }),
    ]);
    expect(x.reviews).toEqual([expect.objectContaining({ reviewerId: 'reviewer', outcome: 'reject' })]);
    expect(x.summary).toContain('approved by senior2');
    await expectCitationsHold(x);
  });

  it('keeps free text encrypted: override justifications and rejection reasons are not in the ledger in clear, shown only to the roles that decide overrides, and gone once review notes are shredded', async () => {
    const { id } = await session(SANCTIONS_HIT);
    await api.post('reviewer', `/v1/verifications/${id}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
    });
    const justification = `Namesake cleared by case ${id.slice(0, 8)}: different birth date.`;
    const refusal = `Not convinced for ${id.slice(0, 8)}: ask the vendor again.`;
    const first = await api.post('senior', `/v1/verifications/${id}/overrides`, {
      outcome: 'approve',
      justification: `${justification} (first)`,
    });
    expect(first.status).toBe(201);
    const refused = await api.post(
      'senior2',
      `/v1/verifications/${id}/overrides/${first.body.overrideId as string}/rejection`,
      { reason: refusal },
    );
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    const second = await api.post('senior', `/v1/verifications/${id}/overrides`, {
      outcome: 'approve',
      justification,
    });
    expect(second.status).toBe(201);

    // In the ledger: only ciphertext (the stored events, as any reader of the event store sees them).
    const stored = JSON.stringify(await store.readStream(`kyc-verification-${id}`));
    for (const text of [justification, refusal, id.slice(0, 8) + ':']) expect(stored).not.toContain(text);

    const shown = async (
      who: 'reviewer' | 'auditor' | 'senior' | 'admin',
    ): Promise<{ justification: string | null; justificationState: string }[]> => {
      const res = await api.get<{
        overrides: { justification: string | null; justificationState: string }[];
      }>(who, `/v1/verifications/${id}/explanation`);
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(refusal);
      return res.body.overrides.map(({ justification: text, justificationState }) => ({
        justification: text,
        justificationState,
      }));
    };
    for (const who of ['reviewer', 'auditor'] as const) {
      expect(await shown(who)).toEqual([
        { justification: null, justificationState: 'withheld' },
        { justification: null, justificationState: 'withheld' },
      ]);
    }
    for (const who of ['senior', 'admin'] as const) {
      expect(await shown(who)).toEqual([
        { justification: `${justification} (first)`, justificationState: 'clear' },
        { justification, justificationState: 'clear' },
      ]);
    }

    // The person asks for erasure: review notes are shredded or kept under restriction; either way not shown.
    const subjectId = (await api.get<{ subjectId: string }>('auditor', `/v1/verifications/${id}`)).body
      .subjectId;
    const erasure = await api.post<{ erased: string[]; restricted: { dataClass: string }[] }>(
      'privacy',
      `/v1/subjects/${subjectId}/erasure-requests`,
      {
        ground: 'objection',
      },
    );
    expect(erasure.status, JSON.stringify(erasure.body)).toBe(201);
    const notes = [
      ...erasure.body.erased,
      ...erasure.body.restricted.map((r: { dataClass: string }) => r.dataClass),
    ];
    expect(notes).toContain('review_notes');
    const expected = erasure.body.erased.includes('review_notes') ? 'shredded' : 'restricted';
    expect(await shown('senior')).toEqual([
      { justification: null, justificationState: expected },
      { justification: null, justificationState: expected },
    ]);
  });

  it('answers as the ledger stood at an earlier position: undecided, and what it waited for', async () => {
    const { id, startPosition } = await session(CLEAR);
    const x = (
      await api.get<Explanation>('auditor', `/v1/verifications/${id}/explanation?atPosition=${startPosition}`)
    ).body;
    expect(x).toMatchObject({ status: 'initiated', decision: null, asOf: { position: startPosition } });
    expect(x.waitingFor).toMatch(/capture/);
    expect(x.summary).toMatch(/^Not decided/);
    const early = await api.get<Explanation>(
      'auditor',
      `/v1/verifications/${id}/explanation?asOf=2000-01-01T00:00:00Z`,
    );
    expect(early.status).toBe(404);
  });

  it('answers status and timeline as the ledger stood then, by position or by time', async () => {
    const { id, startPosition } = await session(CLEAR);
    const head = String(await store.headPosition());
    const now = await api.get<{ status: string }>('auditor', `/v1/verifications/${id}`, {
      'x-min-position': head,
    });
    expect(now.body.status).toBe('approved');
    const then = await api.get<{ status: string; position: number }>(
      'auditor',
      `/v1/verifications/${id}?atPosition=${startPosition}`,
    );
    expect(then.body).toMatchObject({ status: 'initiated', position: startPosition });

    const full = await api.get<{ entries: { position: number; type: string; recordedAt: string }[] }>(
      'auditor',
      `/v1/verifications/${id}/timeline`,
      { 'x-min-position': head },
    );
    const cut = await api.get<{ entries: { position: number; type: string }[] }>(
      'auditor',
      `/v1/verifications/${id}/timeline?atPosition=${startPosition}`,
      { 'x-min-position': head },
    );
    expect(full.body.entries.map((e) => e.type)).toContain('VerificationApproved');
    expect(cut.body.entries.map((e) => e.type)).toEqual(['ConsentGranted', 'VerificationInitiated']);
    expect(cut.body.entries.every((e) => e.position <= startPosition)).toBe(true);
    // Before the session existed the timeline, like status and explanation, has no such session.
    const byTime = await api.get<{ entries: unknown[] }>(
      'auditor',
      `/v1/verifications/${id}/timeline?asOf=2000-01-01T00:00:00Z`,
      { 'x-min-position': head },
    );
    expect(byTime.status).toBe(404);
  });

  it('refuses bad point-in-time parameters and roles without access', async () => {
    const { id } = await session(CLEAR);
    expect((await api.get('auditor', `/v1/verifications/${id}/explanation?atPosition=-1`)).status).toBe(400);
    expect((await api.get('auditor', `/v1/verifications/${id}/explanation?asOf=yesterday`)).status).toBe(400);
    expect(
      (await api.get('auditor', `/v1/verifications/${id}/explanation?asOf=2026-01-01T00:00:00Z&atPosition=3`))
        .status,
    ).toBe(400);
    expect((await api.get('operator', `/v1/verifications/${id}/explanation`)).status).toBe(403);
    expect((await api.get('auditor', `/v1/verifications/${id}?atPosition=x`)).status).toBe(400);
    expect((await api.get('auditor', `/v1/verifications/${id}/timeline?asOf=soon`)).status).toBe(400);
  });
});
