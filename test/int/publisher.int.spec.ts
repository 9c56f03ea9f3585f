import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/ledger/event-store.port';
import { parseStreamName } from '../../src/ledger/stream-names';
import { INTERNAL_EVENT_TYPES } from '../../src/publisher/event-mapping';
import { PUBLISHED_STREAMS } from '../../src/publisher/publisher-lag';
import { StatusStore } from '../../examples/kafka-consumer/status-store';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { AsyncApiContract } from '../support/publisher-asyncapi';
import {
  FORBIDDEN_STRINGS,
  generateJourneys,
  type JourneyResult,
  runJourneys,
} from '../support/publisher-journeys';
import {
  brokersOf,
  type ConsumedRecord,
  deleteTopics,
  readTopics,
  topicPartitions,
} from '../support/publisher-kafka';
import { describeWithService } from '../support/services';
import { until } from '../support/poll';

/**
 * The service with KAFKA_BROKERS on the shared broker: generated journeys over HTTP, first with the publisher
 * off (the events wait in the ledger), then on (the backlog is published from the start, then live events).
 * Every public event arrives exactly once, in ledger order per key, conforming to docs/asyncapi.yaml, without
 * personal data; and the example consumer builds the same statuses as the service's own API.
 */
describeWithService('KAFKA_BROKERS', 'KafkaPublisher in the service (real broker)', (brokerList) => {
  const seed = Number(process.env.PUBLISHER_SEED ?? Date.now() % 100_000);
  const prefix = `it-${randomUUID().slice(0, 8)}.`;
  const topics = [`${prefix}kyc.verification.v1`, `${prefix}kyc.subject.v1`];
  const dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-publisher-it-'));
  const env = { LEDGER_DATA_DIR: dataDir, LEDGER_KEK: randomBytes(32).toString('base64') };
  let t: TestApp | undefined;
  let journeys: JourneyResult[] = [];
  let offlineHealth: Record<string, unknown> = {};
  let ledger: RecordedEvent[] = [];
  let records: ConsumedRecord[] = [];

  async function publisherHealth(app: TestApp): Promise<Record<string, unknown>> {
    const health = await client(app).get('operator', '/health');
    return (health.body.components as Record<string, Record<string, unknown>>).publisher ?? {};
  }

  beforeAll(async () => {
    // 1. Without brokers: the ledger keeps everything.
    const offline = await startTestApp(env);
    try {
      journeys = await runJourneys(client(offline), generateJourneys(14, seed), 4);
      offlineHealth = await publisherHealth(offline);
    } finally {
      await offline.close();
    }

    // 2. With brokers: the backlog from the start, then live journeys.
    t = await startTestApp({
      ...env,
      KAFKA_BROKERS: brokerList,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '3',
    });
    journeys.push(...(await runJourneys(client(t), generateJourneys(16, seed + 1), 4)));
    const store = t.app.get<EventStore>(EVENT_STORE);
    ledger = (await store.readAll({ filter: PUBLISHED_STREAMS })).filter(
      (event) => !INTERNAL_EVENT_TYPES.includes(event.type),
    );
    const head = ledger.at(-1)!.position;
    const app = t;
    await until(
      async () => {
        const details = (await publisherHealth(app)).details as Record<string, unknown> | undefined;
        return typeof details?.checkpoint === 'number' && details.checkpoint >= head;
      },
      `the publisher's checkpoint at ${head}`,
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    records = await readTopics(brokersOf(brokerList), topics);
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    await deleteTopics(brokersOf(brokerList), topics);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`waits in the ledger while KAFKA_BROKERS is unset (seed ${seed})`, () => {
    // Publishing off is a choice, not a failure: no lag to alert on while events wait in the ledger; the tests
    // below show every one of them published once brokers are configured.
    expect(offlineHealth).toMatchObject({
      status: 'up',
      critical: false,
      details: { enabled: false, state: 'disabled', lagPositions: null, lagSeconds: null },
    });
    expect(ledger.length).toBeGreaterThan(0);
  });

  it('creates both topics with the configured partitions', async () => {
    for (const topic of topics) expect(await topicPartitions(brokersOf(brokerList), topic)).toBe(3);
  });

  it('delivers every public event exactly once, with ce_id = ledger event id', () => {
    expect(records.length).toBe(ledger.length);
    const ids = records.map((record) => record.headers.ce_id);
    expect(new Set(ids).size).toBe(records.length);
    expect([...ids].sort()).toEqual(ledger.map((event) => event.eventId).sort());
  });

  it('keeps ledger order per key, each key in one partition', () => {
    const sent = new Map<string, string[]>();
    for (const event of ledger) {
      const key = parseStreamName(event.stream)!.id;
      sent.set(key, [...(sent.get(key) ?? []), event.eventId]);
    }
    const received = new Map<string, ConsumedRecord[]>();
    for (const record of records) received.set(record.key!, [...(received.get(record.key!) ?? []), record]);
    expect(received.size).toBe(sent.size);
    for (const [key, ids] of sent) {
      const got = received.get(key)!;
      expect(new Set(got.map((record) => `${record.topic}/${record.partition}`)).size).toBe(1);
      expect(got.map((record) => record.headers.ce_id)).toEqual(ids);
      expect(got.map((record) => (JSON.parse(record.value!) as { sequence: number }).sequence)).toEqual(
        ids.map((_, i) => i),
      );
    }
  });

  it('produces only messages that conform to docs/asyncapi.yaml', async () => {
    const contract = await AsyncApiContract.load();
    const problems = records.flatMap((record) =>
      contract.validate(record, prefix).map((problem) => `${record.headers.ce_type ?? '?'}: ${problem}`),
    );
    expect(problems).toEqual([]);
    expect(records.length).toBeGreaterThan(100);
  });

  it('puts no personal data and no free text in any key, header or value', () => {
    for (const record of records) {
      const wire = [record.key, record.value, ...Object.entries(record.headers).flat()]
        .join('\n')
        .toLowerCase();
      for (const forbidden of FORBIDDEN_STRINGS) expect(wire).not.toContain(forbidden.toLowerCase());
    }
  });

  it('reports the publisher in /health (not critical) and /metrics', async () => {
    const health = await publisherHealth(t!);
    expect(health).toMatchObject({
      status: 'up',
      critical: false,
      details: { enabled: true, state: 'active', broker: 'connected', lagPositions: 0, lastError: null },
    });
    const metrics = await fetch(`${t!.baseUrl}/metrics`).then((res) => res.text());
    const verification = records.filter((record) => record.topic === topics[0]).length;
    expect(metrics).toContain(
      `kyc_ledger_publisher_events_published_total{topic="verification"} ${verification}`,
    );
    expect(metrics).toMatch(/kyc_ledger_publisher_lag_positions 0\n/);
    expect(metrics).toMatch(/kyc_ledger_publisher_lag_seconds 0\n/);
    expect(metrics).toMatch(/kyc_ledger_publisher_broker_connected 1\n/);
    expect(metrics).toMatch(/kyc_ledger_publisher_active 1\n/);
  });

  it('lets the example consumer build, from redelivered records, the statuses the service reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-example-consumer-'));
    const store = new StatusStore(join(dir, 'status.sqlite'));
    try {
      const outcomes = [...records, ...records.slice(0, 40)].map((record) => store.apply(record));
      expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(records.length);
      expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(40);
      const api = client(t!);
      for (const journey of journeys) {
        if (journey.sessionId === undefined) continue;
        const view = await api.get('auditor', `/v1/verifications/${journey.sessionId}`);
        expect(store.session(journey.sessionId)).toMatchObject({
          status: view.body.status,
          subjectId: view.body.subjectId,
          tier: view.body.tier,
          policyHash: view.body.policyHash,
        });
      }
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
