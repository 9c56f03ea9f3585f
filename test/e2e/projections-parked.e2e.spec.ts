import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { PROJECTIONS } from '../../src/app/read-models';
import { Ledger } from '../../src/ledger/ledger';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { verificationStream } from '../../src/ledger/stream-names';
import { ProjectionService } from '../../src/projections/projection.service';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { until } from '../support/poll';
import { writeHistory } from '../support/projection-fixtures';

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

/**
 * `POST /v1/projections/parked/{id}/retry`: after the cause is fixed, the parked event's projection is rebuilt
 * online and the event applies where it belongs in ledger order; one that still cannot apply is parked again.
 */
describe('retrying a parked projection event', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startTestApp();
    api = client(t);
  });

  afterAll(async () => {
    await t.close();
  });

  async function atHead(): Promise<void> {
    const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
    const projections = t.app.get(ProjectionService);
    await until(
      () => projections.runners.every((runner) => runner.status().position >= head),
      'every projection at the head',
    );
  }

  async function parked(projection: string): Promise<(ParkedView & { id: string })[]> {
    const res = await api.get<{ items: (ParkedView & { id: string })[] }>(
      'admin',
      `/v1/projections/parked?projection=${projection}`,
    );
    return res.body.items;
  }

  it('applies a write the database refused once the cause is gone, and keeps later events in order', async () => {
    const db = t.app.get(DataSource);
    // The cause: the database refuses new rows of the status read model (as a bad migration or a constraint
    // would). Events written meanwhile are parked as write_failed.
    await db.query(
      `CREATE TRIGGER refuse_status BEFORE INSERT ON verification_status
       BEGIN SELECT RAISE(ABORT, 'refused'); END`,
    );
    const history = await writeHistory(t.app.get(Ledger), { subjects: 1, seed: 7, prefix: 'retry_' });
    await atHead();
    const before = await parked('verification_status');
    expect(before.length).toBeGreaterThan(0);
    expect(before[0]?.errorCode).toBe('write_failed');
    const session = history.sessions[0] ?? '';
    expect((await api.get('admin', `/v1/verifications/${session}`)).status).toBe(404);

    // The fix, then the retry.
    await db.query('DROP TRIGGER refuse_status');
    const first = before[0]!;
    const res = await api.post('admin', `/v1/projections/parked/${first.id}/retry`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      projection: 'verification_status',
      position: first.position,
      eventId: first.eventId,
      outcome: 'applied',
      rebuild: { generation: expect.any(Number), position: expect.any(Number) },
    });
    expect(await parked('verification_status')).toEqual([]);
    // The session reads as the whole of its history says, not only as far as the retried event.
    const status = await api.get<{ status: string; position: number }>(
      'admin',
      `/v1/verifications/${session}`,
    );
    expect(status.status).toBe(200);
    expect(status.body.position).toBeGreaterThan(first.position);
  });

  it('parks an event that still cannot apply again, naming the reason; unknown ids are 404 and never echoed', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    const eventId = randomUUID();
    await store.append(
      verificationStream(`poison_${randomUUID().slice(0, 8)}`),
      [{ eventId, type: 'VerificationInitiated', data: { garbage: 'Erika Mustermann' }, metadata: {} }],
      'no_stream',
    );
    await atHead();
    const poisoned = (await parked('review_queue')).find((p) => p.eventId === eventId);
    expect(poisoned).toBeDefined();
    const res = await api.post('admin', `/v1/projections/parked/${poisoned!.id}/retry`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'parked_again', errorCode: poisoned!.errorCode, eventId });
    expect(JSON.stringify(res.body)).not.toContain('Erika');
    expect((await parked('review_queue')).some((p) => p.eventId === eventId)).toBe(true);

    for (const id of ['review_queue:999999999', 'nope:1', 'Evil%20Id:1', 'review_queue:0']) {
      const missing = await api.post('admin', `/v1/projections/parked/${id}/retry`, {});
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ code: 'parked_event_not_found' });
      expect(JSON.stringify(missing.body)).not.toContain('Evil');
    }
    for (const who of ['operator', 'reviewer', 'auditor', 'privacy'] as const) {
      expect((await api.post(who, `/v1/projections/parked/${poisoned!.id}/retry`, {})).status).toBe(403);
    }
  });
});
