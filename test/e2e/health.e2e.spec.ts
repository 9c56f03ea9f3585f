import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HealthController } from '../../src/app/health/health.controller';
import { startTestApp, type PrincipalName, type TestApp } from '../support/app';
import { TestIdentityProvider } from '../support/auth-jwks-server';

const CONSENT = {
  scopes: ['identity_verification'],
  noticeVersion: '2026-01',
  locale: 'de-DE',
  channel: 'web',
};

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly body: Record<string, unknown>;
  readonly headers: Headers;
}

/** GET `path` with `Authorization: Bearer <token>` when a token is given. */
async function get(
  t: TestApp,
  path: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${t.baseUrl}${path}`, {
    headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    body: JSON.parse(text) as Record<string, unknown>,
    headers: res.headers,
  };
}

/** GET `path` as a test principal (its API key), or without credentials. */
const as = (t: TestApp, who: PrincipalName | null, path = '/health'): Promise<Answer> =>
  get(t, path, who === null ? undefined : t.keys[who]);

describe('GET /health (embedded profile)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports the event store and the read-model database as up (to an operator)', async () => {
    const res = await as(t, 'operator');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      profile: 'embedded',
      checks: {
        eventStore: { status: 'up', adapter: 'sqlite', headPosition: 0 },
        readModels: { status: 'up', database: 'sqlite' },
      },
    });
  });

  it('answers liveness and readiness separately', async () => {
    expect((await fetch(`${t.baseUrl}/health/live`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('answers liveness as the route declares it, before any guard: JSON, headers, HEAD; other methods are 404', async () => {
    const failures = async (): Promise<string | undefined> =>
      (await (await fetch(`${t.baseUrl}/metrics`)).text())
        .split('\n')
        .find((line) => line.startsWith('kyc_ledger_auth_failures_total{reason="invalid_credentials"}'));
    const failuresBefore = await failures();
    const live = await fetch(`${t.baseUrl}/health/live`, {
      headers: { 'x-correlation-id': 'probe-1', authorization: 'Bearer not-a-key' },
    });
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await live.json()).toEqual({ status: 'ok' });
    expect(live.headers.get('x-correlation-id')).toBe('probe-1');
    expect(live.headers.get('x-content-type-options')).toBe('nosniff');
    // Credentials are not read: a wrong key is neither refused nor counted as a failed authentication.
    expect(await failures()).toBe(failuresBefore);
    const head = await fetch(`${t.baseUrl}/health/live`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${t.baseUrl}/health/live`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The declared route answers the same when reached (the OpenAPI document names it there).
    const controller = t.app.get(HealthController);
    expect(controller.live()).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics without credentials', async () => {
    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^kyc_ledger_process_cpu_user_seconds_total /m);
  });

  it('reports every background worker by name in /health and in the worker metrics', async () => {
    const names = ['checkpointer', 'retention', 'expiry', 'expiry-follower', 'session-closer'];
    await vi.waitFor(async () => {
      const body = (await as(t, 'auditor')).body as {
        components: Record<string, { status: string; details?: { state?: string } }>;
      };
      for (const name of names) {
        expect(body.components[name], name).toMatchObject({ status: 'up', details: { state: 'active' } });
      }
    });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    for (const name of [...names, 'webhook-reference-index', 'projection:verification_status']) {
      expect(metrics).toContain(`kyc_ledger_worker_state{worker="${name}",state="active"} 1`);
      expect(metrics).toContain(`kyc_ledger_worker_state{worker="${name}",state="failing"} 0`);
    }
    expect(metrics).toMatch(/^# TYPE kyc_ledger_worker_failures_total counter$/m);
  });

  it('answers unknown routes with problem JSON', async () => {
    const res = await fetch(`${t.baseUrl}/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      status: 404,
      code: 'not_found',
      type: expect.stringContaining('not_found'),
    });
  });
});

describe('GET /health: who sees the details', () => {
  let t: TestApp;
  /** The event store's head once a few events are in: a number the bare answer must not give away. */
  let head: number;

  beforeAll(async () => {
    t = await startTestApp();
    for (let i = 0; i < 7; i += 1) {
      const res = await fetch(`${t.baseUrl}/v1/subjects/sub_health_${i}_${Date.now()}/consents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.keys.operator}`, 'content-type': 'application/json' },
        body: JSON.stringify(CONSENT),
      });
      expect(res.status).toBe(201);
    }
    const checks = (await as(t, 'operator')).body.checks as { eventStore: { headPosition: number } };
    head = checks.eventStore.headPosition;
    expect(head).toBeGreaterThanOrEqual(7);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['/health', '/health/ready'])(
    '%s without credentials: the status and nothing else',
    async (path) => {
      const res = await as(t, null, path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expect(Object.keys(res.body)).toEqual(['status']);
      expect(res.text).not.toContain(String(head));
      expect(res.text).not.toMatch(/headPosition|components|checks|profile|sqlite/);
    },
  );

  it.each([
    ['operator', '/health'],
    ['auditor', '/health'],
    ['admin', '/health'],
    ['operator', '/health/ready'],
    ['auditor', '/health/ready'],
  ] as const)('%s on %s: the details', async (who, path) => {
    const res = await as(t, who, path);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      profile: 'embedded',
      checks: { eventStore: { status: 'up', headPosition: head }, readModels: { status: 'up' } },
      components: expect.objectContaining({ checkpointer: expect.any(Object) }),
    });
  });

  it.each(['reviewer', 'senior', 'privacy'] as const)(
    '%s (no operator or auditor role): the bare status, not 403',
    async (who) => {
      for (const path of ['/health', '/health/ready']) {
        const res = await as(t, who, path);
        expect(res.status, path).toBe(200);
        expect(res.body, path).toEqual({ status: 'ok' });
        expect(res.text, path).not.toContain(String(head));
      }
    },
  );

  it('refuses credentials that do not authenticate, as every endpoint does (401, counted)', async () => {
    for (const authorization of [
      `Bearer guess-${randomUUID()}`,
      'Basic b3BlcmF0b3I6b3BlcmF0b3I=',
      'Bearer',
    ]) {
      const res = await get(t, '/health', undefined, { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'unauthenticated' });
      expect(res.text).not.toContain(String(head));
    }
    expect((await get(t, '/health/ready', `guess-${randomUUID()}`)).status).toBe(401);
    // The liveness probe reads no credentials at all.
    expect((await get(t, '/health/live', `guess-${randomUUID()}`)).status).toBe(200);
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^kyc_ledger_auth_failures_total\{reason="invalid_credentials"\} [1-9]/m);
  });
});

describe('GET /health: rate budgets', () => {
  /** The per-minute limit of this app: small, so that a budget is spent in a handful of requests. */
  const LIMIT = 5;
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  afterAll(async () => {
    await t.close();
  });

  it("spends no principal's budget: a monitor with a key is never limited", async () => {
    for (let i = 0; i < LIMIT * 2; i += 1) {
      const res = await as(t, 'auditor');
      expect(res.status).toBe(200);
      expect(res.body).toHaveProperty('checks');
    }
    // The auditor's own budget is untouched.
    expect((await get(t, '/v1/me', t.keys.auditor)).status).toBe(200);
  });

  it("counts wrong credentials against the address's failures; without them, and with good ones, health answers", async () => {
    const wrong: number[] = [];
    for (let i = 0; i < LIMIT + 1; i += 1)
      wrong.push((await get(t, '/health', `guess-${randomUUID()}`)).status);
    expect(wrong.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    const limited = await get(t, '/health', `guess-${randomUUID()}`);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'too_many_requests' });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // The same budget as every other endpoint's failures: no guessing on /health beside it.
    expect((await get(t, '/v1/me', `guess-${randomUUID()}`)).status).toBe(429);

    // The budget is spent, yet the probes, anonymous health and an operator's health still answer.
    for (let i = 0; i < LIMIT + 1; i += 1) {
      expect((await as(t, null, '/health/live')).status).toBe(200);
      expect((await as(t, null, '/health/ready')).body).toEqual({ status: 'ok' });
      const anonymous = await as(t, null);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual({ status: 'ok' });
      const operator = await as(t, 'operator');
      expect(operator.status).toBe(200);
      expect(operator.body).toMatchObject({ status: 'ok', checks: { eventStore: { status: 'up' } } });
      expect((await fetch(`${t.baseUrl}/metrics`)).status).toBe(200);
    }
  });
});

describe('GET /health with a JWT', () => {
  const idp = new TestIdentityProvider();
  let t: TestApp;

  beforeAll(async () => {
    await idp.start();
    t = await startTestApp(idp.env());
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  it('shows the details to an auditor token, the status to a reviewer token, and refuses a forged one', async () => {
    const auditor = await get(
      t,
      '/health',
      await idp.token(new Date(), { sub: 'aud-1', roles: ['auditor'] }),
    );
    expect(auditor.status).toBe(200);
    expect(auditor.body).toHaveProperty('checks.eventStore.headPosition');

    const reviewer = await get(
      t,
      '/health',
      await idp.token(new Date(), { sub: 'rev-1', roles: ['reviewer'] }),
    );
    expect(reviewer.status).toBe(200);
    expect(reviewer.body).toEqual({ status: 'ok' });

    const forged = await idp.token(new Date(), { sub: 'aud-2', roles: ['auditor'] }, { unpublished: true });
    const refused = await get(t, '/health', forged);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'unauthenticated' });
  });

  it('answers a token 503 identity_provider_unavailable while the key set cannot be fetched; probes go on', async () => {
    const fresh = await startTestApp(idp.env());
    idp.failWith = 500;
    try {
      const token = await idp.token(new Date(), { sub: 'aud-3', roles: ['auditor'] });
      const res = await get(fresh, '/health', token);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'identity_provider_unavailable' });
      const anonymous = await as(fresh, null);
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual({ status: 'ok' });
    } finally {
      idp.failWith = undefined;
      await fresh.close();
    }
  });
});

describe('GET /health when a dependency is down', () => {
  it('answers 503: the bare status to anyone, the dependency named to an operator', async () => {
    const t = await startTestApp();
    try {
      const { DataSource } = await import('typeorm');
      await t.app.get(DataSource).destroy();
      const anonymous = await as(t, null);
      expect(anonymous.status).toBe(503);
      expect(anonymous.body).toEqual({ status: 'unavailable' });
      expect((await as(t, null, '/health/ready')).status).toBe(503);
      const operator = await as(t, 'operator');
      expect(operator.status).toBe(503);
      expect(operator.body).toMatchObject({
        status: 'unavailable',
        checks: { eventStore: { status: 'up' }, readModels: { status: 'down' } },
      });
    } finally {
      await t.close();
    }
  });
});
