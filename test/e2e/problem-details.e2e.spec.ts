import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';

/** A value no response may ever carry back: it stands for anything a user typed (possibly personal data). */
const MARKER = 'zqxmarker7731';

interface Raw {
  readonly what: string;
  readonly status: number;
  readonly statusText: string;
  readonly headers: string;
  readonly body: string;
}

describe('problem documents echo no input', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_READ_WAIT_MS: '10000' }, {}, { captureLogs: true });
    api = client(t);
    const consent = await api.post('admin', '/v1/subjects/sub_problem/consents', {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
      evidence: { userAgent: 'problem test agent' },
    });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
  });
  afterAll(async () => {
    await t.close();
  });

  const send = async (
    what: string,
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Raw> => {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${t.keys.admin}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body }),
    });
    return {
      what,
      status: res.status,
      statusText: res.statusText,
      headers: JSON.stringify([...res.headers.entries()]),
      body: await res.text(),
    };
  };

  it('answers "UK" with the field and a hint (an ISO code such as GB), never the value', async () => {
    const res = await api.post('admin', '/v1/verifications', {
      subjectId: 'sub_problem',
      jurisdiction: 'UK',
      segment: 'retail',
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'unknown_jurisdiction', field: 'jurisdiction' });
    expect(res.body.detail).toMatch(/use an ISO 3166-1 alpha-2 code such as GB/);
    expect(JSON.stringify(res.body)).not.toMatch(/\bUK\b/);
    expect(Object.values(res.body)).not.toContain('UK');
  });

  it('never gives a refused value back, in the status, any header or the body, across endpoints', async () => {
    const m = MARKER;
    const refused = [
      await send(
        'unknown segment',
        'POST',
        '/v1/verifications',
        JSON.stringify({ subjectId: 'sub_problem', jurisdiction: 'DE', segment: m }),
      ),
      await send(
        'bad jurisdiction shape',
        'POST',
        '/v1/verifications',
        JSON.stringify({ subjectId: 'sub_problem', jurisdiction: m, segment: 'retail' }),
      ),
      await send(
        'unknown field value',
        'POST',
        '/v1/verifications',
        JSON.stringify({ subjectId: 'sub_problem', jurisdiction: 'DE', segment: 'retail', extra: m }),
      ),
      await send(
        'bad subject id',
        'POST',
        '/v1/verifications',
        JSON.stringify({ subjectId: `${m} x@y`, jurisdiction: 'DE', segment: 'retail' }),
      ),
      await send(
        'unknown consent scope',
        'POST',
        '/v1/subjects/sub_problem/consents',
        JSON.stringify({
          scopes: [m],
          noticeVersion: '2026-01',
          locale: 'de-DE',
          channel: 'web',
          evidence: { userAgent: 'x' },
        }),
      ),
      await send(
        'unknown channel',
        'POST',
        '/v1/subjects/sub_problem/consents',
        JSON.stringify({
          scopes: ['identity_verification'],
          noticeVersion: '2026-01',
          locale: 'de-DE',
          channel: m,
          evidence: { userAgent: 'x' },
        }),
      ),
      await send(
        'unknown erasure ground',
        'POST',
        '/v1/subjects/sub_problem/erasure-requests',
        JSON.stringify({ ground: m }),
      ),
      await send('malformed JSON', 'POST', '/v1/verifications', `{"subjectId":"${m}",`),
      await send('list filter', 'GET', `/v1/verifications?status=${m}&jurisdiction=${m}`),
      await send('unknown query parameter', 'GET', `/v1/verifications?extra=${m}`),
      await send('bad path id', 'GET', `/v1/verifications/${m}%20x`),
      await send('bad asOf', 'GET', `/v1/subjects/sub_problem/timeline?asOf=${m}`),
      await send('bad X-Min-Position', 'GET', '/v1/verifications', undefined, { 'x-min-position': m }),
      await send('bad Idempotency-Key', 'POST', '/v1/verifications', '{}', {
        'idempotency-key': `${m}\u00e9`,
      }),
      await send('unknown route', 'GET', `/v1/${m}?q=${m}`),
      await send('unknown route, known prefix', 'GET', `/v1/verifications/a/b/${m}?subjectId=${m}`),
      await send('unknown webhook vendor', 'POST', `/v1/webhooks/${m}`, JSON.stringify({ id: m })),
      await send('wrong method', 'DELETE', `/v1/verifications?x=${m}`),
    ];
    for (const r of refused) {
      expect(r.status, r.what).toBeGreaterThanOrEqual(400);
      expect(r.status, r.what).toBeLessThan(500);
      expect(r.statusText, r.what).not.toContain(m);
      expect(r.headers, r.what).not.toContain(m);
      expect(r.body, `${r.what}: ${r.body}`).not.toContain(m);
      expect(JSON.parse(r.body), r.what).toMatchObject({ status: r.status, code: expect.any(String) });
    }
    // Nor in the log lines of those requests.
    expect(t.logLines().filter((line) => line.includes(m))).toEqual([]);
  });

  it('answers an unknown route with problem JSON, neither its path nor its query', async () => {
    const res = await fetch(`${t.baseUrl}/v1/verificationz?subjectId=sub_123`, {
      headers: { authorization: `Bearer ${t.keys.operator}` },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ status: 404, code: 'not_found', title: 'not found' });
    expect(JSON.parse(text)).not.toHaveProperty('instance');
    expect(text).not.toMatch(/sub_123|verificationz|Cannot GET/);
  });

  it('names the route template as instance, not the path with its values', async () => {
    const res = await api.get('auditor', '/v1/verifications/ses_unknown_one');
    expect(res.status).toBe(404);
    expect(res.body.instance).toBe('/v1/verifications/{sessionId}');
  });

  it('answers X-Min-Position beyond the ledger head at once with a 4xx problem, logging no error', async () => {
    const started = Date.now();
    const res = await api.get('auditor', '/v1/verifications', { 'x-min-position': '999999999' });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'position_beyond_head', field: 'X-Min-Position' });
    expect(res.body.detail).toMatch(/beyond the ledger's last position/);
    expect(res.body.detail).not.toContain('999999999');
    expect(typeof res.body.headPosition).toBe('number');
    expect(t.logLines().filter((line) => /"level":"?(error|50)/.test(line))).toEqual([]);

    // A position the ledger has written is still waited for and answered.
    const head = res.body.headPosition as number;
    const ok = await api.get('auditor', '/v1/verifications', { 'x-min-position': String(head) });
    expect(ok.status).toBe(200);
    expect(Number(ok.headers.get('x-read-position'))).toBeGreaterThanOrEqual(head);
  });
});
