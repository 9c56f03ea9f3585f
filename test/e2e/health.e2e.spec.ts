import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';

describe('GET /health (embedded profile)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports the event store and the read-model database as up', async () => {
    const res = await fetch(`${t.baseUrl}/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
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

  it('serves Prometheus metrics without credentials', async () => {
    const res = await fetch(`${t.baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^kyc_ledger_process_cpu_user_seconds_total /m);
  });

  it('reports every background worker by name in /health and in the worker metrics', async () => {
    const names = ['checkpointer', 'retention', 'expiry', 'expiry-follower', 'session-closer'];
    await vi.waitFor(async () => {
      const body = (await (await fetch(`${t.baseUrl}/health`)).json()) as {
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

describe('GET /health when a dependency is down', () => {
  it('answers 503 and names the dependency', async () => {
    const t = await startTestApp();
    try {
      const { DataSource } = await import('typeorm');
      await t.app.get(DataSource).destroy();
      const res = await fetch(`${t.baseUrl}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        status: 'unavailable',
        checks: { eventStore: { status: 'up' }, readModels: { status: 'down' } },
      });
    } finally {
      await t.close();
    }
  });
});
