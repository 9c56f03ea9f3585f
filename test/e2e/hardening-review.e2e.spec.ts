import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config/config';
import { startTestApp, type TestApp } from '../support/app';
import { TestIdentityProvider } from '../support/auth-jwks-server';
import { client } from '../support/http';
import { CLEAR, journeyOverHttp, SANCTIONS_HIT } from '../support/journey';

/*
 * Security probe findings 3 and 4: a review cannot be taken over by another reviewer or handed to someone who
 * cannot decide it; principal ids are one spelling, so one person with two keys in two cases is refused at start.
 */

interface Problem {
  code: string;
  errors?: { field: string; problems: string[] }[];
}

describe('review assignment: who may take or give a case, and to whom', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  const at = new Date().toISOString();
  const pending = async (): Promise<string> => {
    const { sessionId, last } = await journeyOverHttp(api, [SANCTIONS_HIT], { vendorCreatedAt: at });
    expect(last.status).toBe('pending_review');
    return sessionId;
  };
  const assignee = async (sessionId: string): Promise<string | undefined> =>
    (
      await api.get<{ items: { sessionId: string; assignee?: string }[] }>(
        'senior',
        '/v1/review-queue?limit=200',
      )
    ).body.items.find((i) => i.sessionId === sessionId)?.assignee;

  beforeAll(async () => {
    t = await startTestApp();
    api = client(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a reviewer taking a case assigned to another, and leaves it with its assignee', async () => {
    const sessionId = await pending();
    const path = `/v1/verifications/${sessionId}/review/assignment`;
    expect((await api.post('reviewer', path, {})).status).toBe(200);
    const takeover = await api.post<Problem>('reviewer2', path, {});
    expect(takeover.status).toBe(403);
    expect(takeover.body.code).toBe('reassignment_not_allowed');
    expect(await assignee(sessionId)).toBe('reviewer');
    const decide = await api.post<Problem>('reviewer2', `/v1/verifications/${sessionId}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
    });
    expect(decide.status).toBe(409);
    expect(decide.body.code).toBe('review_assigned_to_other');
  });

  it('refuses a reviewer handing an unassigned case to someone else; a senior may, and the ledger records who', async () => {
    const sessionId = await pending();
    const path = `/v1/verifications/${sessionId}/review/assignment`;
    const handOff = await api.post<Problem>('reviewer', path, { reviewerId: 'reviewer2' });
    expect(handOff.status).toBe(403);
    expect(handOff.body.code).toBe('reassignment_not_allowed');
    expect(await assignee(sessionId)).toBeUndefined();

    expect((await api.post('senior', path, { reviewerId: 'reviewer' })).status).toBe(200);
    expect((await api.post('senior', path, { reviewerId: 'reviewer2' })).status).toBe(200);
    expect(await assignee(sessionId)).toBe('reviewer2');
    const timeline = await api.get<{
      entries: { type: string; actor: { id: string }; details: Record<string, unknown> }[];
    }>('auditor', `/v1/verifications/${sessionId}/timeline`);
    const assignments = timeline.body.entries.filter((e) => e.type === 'ReviewerAssigned');
    expect(assignments.map((e) => [e.actor.id, e.details.reviewerId, e.details.previousReviewerId])).toEqual([
      ['senior', 'reviewer', undefined],
      ['senior', 'reviewer2', 'reviewer'],
    ]);
    // The new assignee decides.
    const decided = await api.post('reviewer2', `/v1/verifications/${sessionId}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
    });
    expect(decided.status).toBe(200);
  });

  it('refuses an assignee who is unknown or cannot review, without echoing the name', async () => {
    const sessionId = await pending();
    const path = `/v1/verifications/${sessionId}/review/assignment`;
    for (const reviewerId of ['ghost-nobody', 'operator', 'auditor', 'privacy']) {
      const res = await api.post<Problem>('senior', path, { reviewerId });
      expect(res.status, reviewerId).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors?.map((e) => e.field)).toEqual(['reviewerId']);
      expect(JSON.stringify(res.body)).not.toContain(reviewerId === 'privacy' ? 'privacy"' : reviewerId);
    }
    expect(await assignee(sessionId)).toBeUndefined();
    // A reviewer named in another case is the same reviewer.
    expect((await api.post('senior', path, { reviewerId: 'REVIEWER' })).status).toBe(200);
    expect(await assignee(sessionId)).toBe('reviewer');
  });
});

describe('principal ids: one spelling per person', () => {
  const key = (): string => `k_${randomBytes(16).toString('hex')}`;

  it('refuses at start-up two keys whose principals differ only in case', () => {
    const keys = JSON.stringify([
      { key: key(), principal: 'rita', roles: ['senior_reviewer'] },
      { key: key(), principal: 'RITA', roles: ['senior_reviewer'] },
    ]);
    expect(() => loadConfig({ LEDGER_API_KEYS: keys })).toThrow(ConfigError);
    expect(() => loadConfig({ LEDGER_API_KEYS: keys })).toThrow(/differs only in case/);
    // Two keys of one principal, spelt the same (rotation), stay allowed.
    const rotation = JSON.stringify([
      { key: key(), principal: 'rita', roles: ['senior_reviewer'] },
      { key: key(), principal: 'rita', roles: ['senior_reviewer'] },
    ]);
    expect(() => loadConfig({ LEDGER_API_KEYS: rotation })).not.toThrow();
  });

  it('compares a principal in one spelling: a JWT subject in capitals cannot approve its own override', async () => {
    const idp = await new TestIdentityProvider().start();
    const t = await startTestApp(idp.env());
    try {
      const api = client(t);
      const { sessionId, last } = await journeyOverHttp(api, [CLEAR], {
        vendorCreatedAt: new Date().toISOString(),
      });
      expect(last.status).toBe('approved');
      const requested = await api.post<{ overrideId: string }>(
        'senior',
        `/v1/verifications/${sessionId}/overrides`,
        {
          outcome: 'reject',
          justification: 'Adverse media found after the approval.',
        },
      );
      expect(requested.status).toBe(201);
      // The same person, signed in through the identity provider with their name in capitals.
      const token = await idp.token(new Date(), { sub: 'SENIOR', roles: ['senior_reviewer'] });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const me = (await (await fetch(`${t.baseUrl}/v1/me`, { headers })).json()) as { principal: string };
      expect(me.principal).toBe('senior');
      const approval = await fetch(
        `${t.baseUrl}/v1/verifications/${sessionId}/overrides/${requested.body.overrideId}/approval`,
        { method: 'POST', headers, body: '{}' },
      );
      expect(approval.status).toBe(403);
      expect(((await approval.json()) as Problem).code).toBe('four_eyes_violation');
      const status = await api.get<{ status: string }>('auditor', `/v1/verifications/${sessionId}`);
      expect(status.body.status).toBe('approved');
    } finally {
      await t.close();
      await idp.stop();
    }
  });
});
