import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECTIONS } from '../../src/app/read-models';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { verificationStream } from '../../src/ledger/stream-names';
import { ProjectionService } from '../../src/projections/projection.service';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { until } from '../support/poll';

interface ParkedView {
  projection: string;
  position: number;
  eventId: string;
  type: string;
  errorCode: string;
  errorDetail: string;
}

/** `GET /v1/projections/parked`: what the projections went past, for an admin, in ledger order, in pages. */
describe('parked projection events', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  const poison: { eventId: string; position: number }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    api = client(t);
    const store = t.app.get<EventStore>(EVENT_STORE);
    for (let i = 0; i < 2; i += 1) {
      const eventId = randomUUID();
      const appended = await store.append(
        verificationStream(`poison_${randomUUID().slice(0, 8)}`),
        [{ eventId, type: 'VerificationInitiated', data: { garbage: 'Erika Mustermann' }, metadata: {} }],
        'no_stream',
      );
      poison.push({ eventId, position: appended.position });
    }
    const head = await store.headPosition();
    const projections = t.app.get(ProjectionService);
    await until(
      () => projections.runners.every((runner) => runner.status().position >= head),
      'every projection at the head',
    );
  });

  afterAll(async () => {
    await t.close();
  });

  it('lists each parked event with its projection, position, reason and no values', async () => {
    const res = await api.get<{ items: ParkedView[]; nextAfter?: string }>('admin', '/v1/projections/parked');
    expect(res.status).toBe(200);
    const items = res.body.items;
    expect(new Set(items.map((i) => i.eventId))).toEqual(new Set(poison.map((p) => p.eventId)));
    expect(items.map((i) => i.position)).toEqual([...items.map((i) => i.position)].sort((a, b) => a - b));
    expect(items.every((i) => i.type === 'VerificationInitiated' && i.errorCode.length > 0)).toBe(true);
    expect(JSON.stringify(res.body)).not.toContain('Erika');
    expect(res.body.nextAfter).toBeUndefined();
    // Every projection that reads verification events parked both.
    const names = new Set(items.map((i) => i.projection));
    expect(names.size).toBeGreaterThanOrEqual(2);
    expect([...names].every((name) => PROJECTIONS.some((p) => p.name === name))).toBe(true);

    const one = await api.get<{ items: ParkedView[] }>(
      'admin',
      '/v1/projections/parked?projection=verification_status',
    );
    expect(one.body.items.map((i) => i.eventId)).toEqual(poison.map((p) => p.eventId));
  });

  it('pages with nextAfter, each parked event once', async () => {
    const all = (await api.get<{ items: ParkedView[] }>('admin', '/v1/projections/parked')).body.items;
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const res = await api.get<{ items: ParkedView[]; nextAfter?: string }>(
        'admin',
        `/v1/projections/parked?limit=1${after === undefined ? '' : `&after=${after}`}`,
      );
      seen.push(...res.body.items.map((i) => `${i.position}.${i.projection}`));
      after = res.body.nextAfter;
      if (after === undefined) break;
    }
    expect(seen).toEqual(all.map((i) => `${i.position}.${i.projection}`));
  });

  it('answers an admin only, and refuses a cursor it did not issue without echoing it', async () => {
    for (const who of ['operator', 'reviewer', 'auditor', 'privacy'] as const) {
      expect((await api.get(who, '/v1/projections/parked')).status).toBe(403);
    }
    const bad = await api.get('admin', '/v1/projections/parked?after=12xEvil');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).not.toContain('xEvil');
  });
});
