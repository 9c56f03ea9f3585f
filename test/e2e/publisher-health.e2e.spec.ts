import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PublisherService } from '../../src/publisher/publisher.service';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { until } from '../support/poll';

/** A port that accepts connections and closes them at once: a Kafka broker that is not there. */
async function deadBroker(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe(`${PublisherService.name} when Kafka is unreachable`, () => {
  let t: TestApp;
  let broker: { server: Server; port: number };

  beforeAll(async () => {
    broker = await deadBroker();
    t = await startTestApp({ KAFKA_BROKERS: `127.0.0.1:${broker.port}`, KAFKA_TOPIC_PREFIX: 'unreachable.' });
    const api = client(t);
    const consent = await api.post('operator', '/v1/subjects/sub_kafka_down/consents', {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    expect(consent.status).toBe(201);
    await until(
      async () => {
        const health = await api.get('operator', '/health');
        const publisher = (health.body.components as Record<string, { details: { broker: string } }>)
          .publisher;
        return publisher?.details.broker === 'disconnected';
      },
      'the publisher to report the broker',
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  }, 60_000);

  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => broker.server.close(resolve));
  });

  it('keeps the ledger ready and taking commands: the publisher is not critical', async () => {
    const api = client(t);
    const health = await api.get('operator', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const started = await api.post('operator', '/v1/verifications', {
      subjectId: 'sub_kafka_down',
      jurisdiction: 'DE',
      segment: 'retail',
    });
    expect(started.status).toBe(201);
  });

  it('says in /health what is wrong: broker down, the error class, the events waiting', async () => {
    const health = await client(t).get('operator', '/health');
    const publisher = (health.body.components as Record<string, unknown>).publisher;
    expect(publisher).toMatchObject({
      status: 'down',
      critical: false,
      details: {
        enabled: true,
        topics: { verification: 'unreachable.kyc.verification.v1', subject: 'unreachable.kyc.subject.v1' },
        broker: 'disconnected',
        checkpoint: 0,
        lastError: { class: expect.stringMatching(/^KafkaJS/), at: expect.any(String) },
      },
    });
    const details = (publisher as { details: { lagPositions: number; lagSeconds: number } }).details;
    expect(details.lagPositions).toBeGreaterThan(0);
    expect(details.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(publisher)).not.toContain(String(broker.port));
  });

  it('says it in /metrics too', async () => {
    const metrics = await fetch(`${t.baseUrl}/metrics`).then((res) => res.text());
    expect(metrics).toMatch(/kyc_ledger_publisher_enabled 1\n/);
    expect(metrics).toMatch(/kyc_ledger_publisher_broker_connected 0\n/);
    expect(metrics).toMatch(/kyc_ledger_publisher_errors_total\{class="KafkaJS\w+"\} [1-9]/);
    expect(metrics).toMatch(/kyc_ledger_publisher_last_error_timestamp_seconds\{class="KafkaJS\w+"\} \d/);
    expect(metrics).toMatch(/kyc_ledger_publisher_lag_positions [1-9]/);
    expect(metrics).toMatch(/kyc_ledger_publisher_checkpoint_position 0\n/);
  });
});

describe(`${PublisherService.name} when Kafka is off by configuration`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, {}, { captureLogs: true });
    const consent = await client(t).post('operator', '/v1/subjects/sub_kafka_off/consents', {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    expect(consent.status).toBe(201);
  }, 60_000);

  afterAll(async () => {
    await t.close();
  });

  it('says it is disabled, with no lag figures, although events wait in the ledger', async () => {
    const health = await client(t).get('operator', '/health');
    expect(health.status).toBe(200);
    const publisher = (health.body.components as Record<string, { status: string; details: object }>)
      .publisher;
    expect(publisher).toMatchObject({
      status: 'up',
      details: { enabled: false, state: 'disabled', lagPositions: null, lagSeconds: null },
    });
  });

  it('exports no growing lag a lag alert could fire on: the enabled gauge is 0 and so is the lag', async () => {
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^kyc_ledger_publisher_enabled 0$/m);
    expect(metrics).toMatch(/^kyc_ledger_publisher_lag_positions 0$/m);
    expect(metrics).toMatch(/^kyc_ledger_publisher_lag_seconds 0$/m);
    // The events are there all the same: the head moved.
    expect(metrics).toMatch(/^kyc_ledger_publisher_head_position [1-9]\d*$/m);
  });

  it('says once, at start, that publishing is off', () => {
    const said = t.logLines().filter((line) => line.includes('Kafka publishing is off'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('"level":"info"');
  });
});
