import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';

interface Item {
  sessionId: string;
  subjectId: string;
  status: string;
  jurisdiction: string;
  policyHash: string;
  createdAt: string;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

/** `GET /v1/verifications`: filters, keyset pages that cover every session once, refusals that echo nothing. */
describe('listing verifications', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let lastPosition = 0;
  const started: { sessionId: string; subjectId: string; jurisdiction: string }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    api = client(t);
    const plan = [
      ['sub_list_a', 'DE'],
      ['sub_list_a', 'GB'],
      ['sub_list_b', 'US'],
      ['sub_list_b', 'FR'],
      ['sub_list_c', 'DE'],
      ['sub_list_c', 'KP'],
      ['sub_list_d', 'GB'],
    ] as const;
    for (const [subjectId, jurisdiction] of plan) {
      const consent = await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
        scopes: ['identity_verification'],
        noticeVersion: '2026-01',
        locale: 'en-GB',
        channel: 'web',
      });
      expect([201, 200]).toContain(consent.status);
      const res = await api.post('operator', '/v1/verifications', {
        subjectId,
        jurisdiction,
        segment: 'retail',
        newAttempt: true,
      });
      expect(res.status).toBe(201);
      started.push({ sessionId: String(res.body.sessionId), subjectId, jurisdiction });
      lastPosition = Number(res.body.position);
    }
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  const list = (query: string, as: Parameters<typeof api.get>[0] = 'auditor') =>
    api.get<Page>(as, `/v1/verifications${query}`, { 'x-min-position': String(lastPosition) });

  it('lists every session newest first, and pages through them with cursors, each exactly once', async () => {
    const all = await list('?limit=500');
    expect(all.status).toBe(200);
    expect(all.body.items.map((i) => i.sessionId).sort()).toEqual(started.map((s) => s.sessionId).sort());
    expect(all.body.nextCursor).toBeNull();
    const created = all.body.items.map((i) => i.createdAt);
    expect(created).toEqual([...created].sort().reverse());

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: Page } = await list(
        `?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i) => i.sessionId));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(seen).toEqual(all.body.items.map((i) => i.sessionId));
    expect(pages).toBe(Math.ceil(started.length / 2));
  });

  it('filters by subject, jurisdiction, status, policy and creation time', async () => {
    const bySubject = await list('?subjectId=sub_list_b');
    expect(bySubject.body.items.map((i) => i.sessionId).sort()).toEqual(
      started
        .filter((s) => s.subjectId === 'sub_list_b')
        .map((s) => s.sessionId)
        .sort(),
    );
    const byCountry = await list('?jurisdiction=DE');
    expect(byCountry.body.items).toHaveLength(2);
    expect(byCountry.body.items.every((i) => i.jurisdiction === 'DE')).toBe(true);

    // An embargoed country is refused at the start: the only rejected session here.
    const rejected = await list('?status=rejected');
    expect(rejected.body.items.map((i) => i.jurisdiction)).toEqual(['KP']);
    const combined = await list('?subjectId=sub_list_c&status=rejected');
    expect(combined.body.items).toHaveLength(1);
    expect((await list('?subjectId=sub_list_a&status=rejected')).body.items).toEqual([]);

    const hash = rejected.body.items[0]!.policyHash;
    expect((await list(`?policyHash=${hash}`)).body.items.length).toBeGreaterThanOrEqual(1);
    expect((await list(`?policyHash=${'0'.repeat(64)}`)).body.items).toEqual([]);

    const all = (await list('')).body.items;
    const middle = [...all].reverse()[3]!.createdAt;
    const since = await list(`?from=${encodeURIComponent(middle)}`);
    expect(since.body.items.every((i) => i.createdAt >= middle)).toBe(true);
    const before = await list(`?to=${encodeURIComponent(middle)}`);
    expect(before.body.items.every((i) => i.createdAt < middle)).toBe(true);
    expect(since.body.items.length + before.body.items.length).toBe(all.length);
    // Another zone, same instant.
    const offset = new Date(Date.parse(middle)).toISOString().replace('Z', '+00:00');
    expect((await list(`?from=${encodeURIComponent(offset)}`)).body.items).toHaveLength(
      since.body.items.length,
    );
  });

  it('refuses bad filters with a problem that names the field and echoes no value', async () => {
    const cases = [
      '?jurisdiction=UK9',
      '?status=approvedX',
      '?limit=0',
      '?limit=501',
      '?from=yesterdayX',
      '?cursor=Zm9vYmFyX',
      `?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`,
      '?subjectId=has%20space',
    ];
    for (const query of cases) {
      const res = await api.get('auditor', `/v1/verifications${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('validation_failed');
      const text = JSON.stringify(res.body);
      for (const marker of ['UK9', 'approvedX', 'yesterdayX', 'Zm9vYmFyX', 'has space']) {
        expect(text, query).not.toContain(marker);
      }
    }
  });

  it('answers operators, reviewers and auditors only', async () => {
    expect((await list('', 'operator')).status).toBe(200);
    expect((await list('', 'reviewer')).status).toBe(200);
    expect((await list('', 'privacy')).status).toBe(403);
    expect((await api.get(null, '/v1/verifications')).status).toBe(401);
  });
});
