import { type CloudEvent, Kafka as CloudEventsKafka, type KafkaMessage } from 'cloudevents';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpiryScheduler } from '../../src/verification/expiry.scheduler';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/ledger/event-store.port';
import { parseStreamName } from '../../src/ledger/stream-names';
import { INTERNAL_EVENT_TYPES } from '../../src/publisher/event-mapping';
import { PUBLIC_EVENT_TYPES } from '../../src/publisher/integration-events';
import { KafkaPublisher } from '../../src/publisher/kafka-publisher';
import { PublisherCheckpointRepository } from '../../src/publisher/publisher-checkpoint.repository';
import { PUBLISHED_STREAMS } from '../../src/publisher/publisher-lag';
import { LocalLeases } from '../../src/platform/workers';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { SANCTIONS_HIT } from '../support/journey';
import { AsyncApiContract } from '../support/publisher-asyncapi';
import { FakeBroker } from '../support/publisher-fake-transport';
import { FORBIDDEN_STRINGS, JOURNEY_KINDS, runJourneys } from '../support/publisher-journeys';
import { until } from '../support/poll';

const quietLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/**
 * What the publisher makes of real journeys (HTTP against the real app, every event type the ledger writes),
 * without a broker: each record against docs/asyncapi.yaml and the CloudEvents SDK, and no personal data.
 */
describe('KafkaPublisher on real journeys (mapping, CloudEvents, AsyncAPI)', () => {
  const clock = new ManualClock(new Date());
  const broker = new FakeBroker();
  let t: TestApp;
  let store: EventStore;
  let publisher: KafkaPublisher;
  let contract: AsyncApiContract;
  let sessions: { sessionId: string | undefined; status: string | undefined }[] = [];

  beforeAll(async () => {
    t = await startTestApp({}, { clock, expiryIntervalMs: 3_600_000 });
    store = t.app.get<EventStore>(EVENT_STORE);
    const api = client(t);
    const results = await runJourneys(api, [...JOURNEY_KINDS, ...JOURNEY_KINDS], 3);
    // Expiry needs the clock moved past the session's time-to-live, so it runs alone, last.
    const subjectId = `sub_expiry_${Date.now()}`;
    await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    const started = await api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction: 'DE',
      segment: 'retail',
    });
    const expiring = String(started.body.sessionId);
    // A review left open past its SLA is escalated by the same tick.
    const waiting = await api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction: 'DE',
      segment: 'business',
    });
    const escalating = String(waiting.body.sessionId);
    const evidence = await api.post('operator', `/v1/verifications/${escalating}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'onfido',
      vendorReference: 'chk_sla',
    });
    expect(evidence.status, JSON.stringify(evidence.body)).toBe(201);
    const hit = await api.post('operator', `/v1/verifications/${escalating}/vendor-results`, {
      vendor: 'onfido',
      vendorEventId: `evt_sla_${escalating}`,
      vendorCreatedAt: clock.now().toISOString(),
      checks: [...SANCTIONS_HIT, { kind: 'pep', result: 'clear' }],
    });
    expect(hit.body, JSON.stringify(hit.body)).toMatchObject({ status: 'pending_review' });
    const scheduler = t.app.get(ExpiryScheduler);
    // The scheduler learns of sessions and reviews from the log, as a follower woken at most once per
    // LEDGER_FOLLOWER_WAKE_MS: the tick driven by hand here waits until it has seen the review just requested.
    t.app.get<symbol, EventStore>(EVENT_STORE).hurrySubscriptions?.();
    await until(() => scheduler.watchedReviews > 0, 'the expiry scheduler to see the review');
    clock.advance(8 * 24 * 3_600_000);
    expect(await scheduler.tick()).toBeGreaterThanOrEqual(2);
    sessions = [
      ...results,
      { sessionId: expiring, status: 'expired' },
      { sessionId: escalating, status: 'pending_review' },
    ];

    contract = await AsyncApiContract.load();
    publisher = new KafkaPublisher(
      {
        store,
        checkpoints: new PublisherCheckpointRepository(t.app.get(DataSource)),
        leases: new LocalLeases(),
        transport: () => broker.transport(),
        clock,
        logger: quietLogger,
      },
      { name: 'kafka:e2e.', topicPrefix: 'e2e.', topicSpec: { partitions: 3, replication: 1 }, batchSize: 7 },
    );
    publisher.start();
    const expected = (await publicEvents()).length;
    await until(() => broker.records.length >= expected, `${expected} records at the broker`, {
      timeoutMs: 20_000,
    });
  }, 120_000);

  /** The ledger events that have a public type (all but INTERNAL_EVENT_TYPES). */
  async function publicEvents(): Promise<RecordedEvent[]> {
    const events = await store.readAll({ filter: PUBLISHED_STREAMS });
    return events.filter((event) => !INTERNAL_EVENT_TYPES.includes(event.type));
  }

  afterAll(async () => {
    await publisher.stop();
    await t.close();
  });

  it('publishes every subject and verification event once, with ce_id = event id, key = stream id', async () => {
    const events = await publicEvents();
    expect(broker.records).toHaveLength(events.length);
    expect([...broker.ids()].sort()).toEqual(events.map((event) => event.eventId).sort());
    const records = new Map(broker.records.map((record) => [record.headers.ce_id, record]));
    for (const event of events) {
      const record = records.get(event.eventId)!;
      const stream = parseStreamName(event.stream)!;
      expect(record.key).toBe(stream.id);
      expect(record.headers.ce_subject).toBe(stream.id);
      expect(record.topic).toBe(
        stream.kind === 'verification' ? 'e2e.kyc.verification.v1' : 'e2e.kyc.subject.v1',
      );
      expect(JSON.parse(record.value)).toMatchObject({ sequence: event.revision });
    }
    // Per key, the order of the ledger (across keys the broker promises nothing, and neither does the publisher).
    for (const key of new Set(broker.records.map((record) => record.key))) {
      const sent = broker.records
        .filter((record) => record.key === key)
        .map((record) => record.headers.ce_id);
      const stream = events.filter((event) => parseStreamName(event.stream)?.id === key);
      expect(sent).toEqual(stream.map((event) => event.eventId));
    }
    expect(publisher.status()).toMatchObject({ state: 'active', checkpoint: events.at(-1)!.position });
    expect(broker.topics.get('e2e.kyc.verification.v1')).toEqual({ partitions: 3, replication: 1 });
  });

  it('covers every public event type, and each record conforms to docs/asyncapi.yaml', () => {
    expect(new Set(broker.records.map((record) => record.headers.ce_type))).toEqual(
      new Set(PUBLIC_EVENT_TYPES),
    );
    expect(contract.messageNames()).toEqual([...PUBLIC_EVENT_TYPES].sort());
    const payloads = (type: string): Record<string, unknown>[] =>
      broker.records
        .filter((record) => record.headers.ce_type === type)
        .map((record) => JSON.parse(record.value) as Record<string, unknown>);
    // The optional parts of the contract are exercised too.
    expect(payloads('kyc.verification.decision_evaluated.v1')).toContainEqual(
      expect.objectContaining({ outcome: 'step_up', stepUp: expect.objectContaining({ tier: 'enhanced' }) }),
    );
    expect(payloads('kyc.verification.reviewer_assigned.v1')).toContainEqual(
      expect.objectContaining({ reassigned: true }),
    );
    expect(payloads('kyc.verification.approved.v1')).toContainEqual(
      expect.objectContaining({ decidedBy: 'override', overrideId: expect.any(String) }),
    );
    expect(payloads('kyc.verification.rejected.v1')).toContainEqual(
      expect.objectContaining({ decidedBy: 'reviewer', final: true, reasonCodes: ['SANCTIONS_HIT'] }),
    );
    const problems = broker.records.flatMap((record) =>
      contract.validate(record, 'e2e.').map((problem) => `${record.headers.ce_type ?? '?'}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('emits valid CloudEvents 1.0 in binary mode, as the CloudEvents SDK reads them', () => {
    for (const record of broker.records) {
      expect(CloudEventsKafka.isEvent({ headers: record.headers, body: record.value })).toBe(true);
      const message: KafkaMessage<string> = {
        headers: record.headers,
        key: record.key,
        value: record.value,
        body: record.value,
      };
      const event = CloudEventsKafka.toEvent(message) as CloudEvent;
      expect(event.validate()).toBe(true);
      expect(event).toMatchObject({
        specversion: '1.0',
        id: record.headers.ce_id,
        type: record.headers.ce_type,
        datacontenttype: 'application/json',
        correlationid: record.headers.ce_correlationid,
      });
    }
  });

  it('tells the status of each session as the status endpoint does', async () => {
    const api = client(t);
    for (const { sessionId } of sessions) {
      if (sessionId === undefined) continue;
      const last = broker.records.filter((record) => record.key === sessionId).at(-1)!;
      const view = await api.get('auditor', `/v1/verifications/${sessionId}`);
      expect(view.status).toBe(200);
      expect(JSON.parse(last.value)).toMatchObject({
        status: view.body.status,
        subjectId: view.body.subjectId,
      });
      expect(last.headers.ce_policyhash).toBe(view.body.policyHash);
    }
  });

  it('carries no personal data and no free text: names, birth dates, notes, justifications, reasons', () => {
    const wire = JSON.stringify(broker.records).toLowerCase();
    for (const forbidden of FORBIDDEN_STRINGS) expect(wire).not.toContain(forbidden.toLowerCase());
    expect(wire).not.toContain('"pii"');
  });
});
