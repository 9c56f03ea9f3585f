import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { verificationStream } from '../../src/ledger/stream-names';
import { ParkedDeliveryRepository } from '../../src/webhooks/parked-delivery.repository';
import { ReferenceIndexRepository } from '../../src/webhooks/reference-index.repository';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { freshDatabase } from '../support/postgres';
import { describeWithService } from '../support/services';
import { deliver, fixture, signedHeaders, WEBHOOK_ENV } from '../support/webhook-signing';
import { eventually } from '../support/poll';

describeWithService('DATABASE_URL', 'webhook intake on PostgreSQL', (url) => {
  let db: { url: string; drop(): Promise<void> };
  let t: TestApp;

  beforeAll(async () => {
    db = await freshDatabase(url);
    t = await startTestApp({ ...WEBHOOK_ENV, DATABASE_URL: db.url });
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('parks a result that races its evidence, indexes the reference with its checkpoint, and replays it', async () => {
    const api = client(t);
    const subjectId = `sub_${randomUUID().slice(0, 8)}`;
    await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'en-GB',
      channel: 'web',
    });
    const started = await api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction: 'GB',
      segment: 'retail',
    });
    const sessionId = started.body.sessionId as string;
    const applicant = randomUUID().replaceAll('-', '').slice(0, 24);
    const body = fixture('sumsub/applicant-reviewed-green.json', {
      vendorReference: applicant,
      sessionId: 'someone-else',
      createdAtMs: new Date().toISOString().replace('T', ' ').replace('Z', ''),
    });
    const parked = await deliver(t, 'sumsub', body, signedHeaders('sumsub', body));
    expect(parked.status).toBe(202);

    const evidence = await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'GB',
      vendor: 'sumsub',
      vendorReference: applicant,
    });
    expect(evidence.status).toBe(201);

    const store = t.app.get<EventStore>(EVENT_STORE);
    const types = await eventually(
      async () => (await store.readStream(verificationStream(sessionId))).map((e) => e.type),
      (seen) => seen.includes('VendorResultReceived'),
      'the vendor result in the session stream',
    );
    expect(types).toContain('VendorResultReceived');
    const references = t.app.get(ReferenceIndexRepository);
    expect(await references.sessionFor('sumsub', applicant)).toBe(sessionId);
    expect(await references.checkpoint()).toBeGreaterThanOrEqual(evidence.body.position as number);
    const { createdAtMs } = JSON.parse(body.toString()) as { createdAtMs: string };
    const entry = await t.app
      .get(ParkedDeliveryRepository)
      .find('sumsub', `applicantReviewed:${applicant}:${createdAtMs}`);
    expect(entry?.status).toBe('resolved');

    // A redelivery after the replay is a duplicate: nothing more is appended.
    const head = await store.headPosition();
    const again = await deliver(t, 'sumsub', body, signedHeaders('sumsub', body));
    expect(again.body).toEqual({ status: 'duplicate' });
    expect(await store.headPosition()).toBe(head);
  });

  it('keeps its tables in PostgreSQL, positions as bigint', async () => {
    const columns = await t.app.get(DataSource).query<{ table_name: string; data_type: string }[]>(
      `SELECT table_name, data_type FROM information_schema.columns
        WHERE column_name = 'position' AND table_name LIKE 'webhook_%' ORDER BY table_name`,
    );
    expect(columns).toEqual([
      { table_name: 'webhook_checkpoints', data_type: 'bigint' },
      { table_name: 'webhook_session_references', data_type: 'bigint' },
    ]);
  });
});
