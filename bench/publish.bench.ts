import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { DataKeyEntity, KekCheckEntity } from '../src/ledger/crypto/data-key.entity';
import { Kek } from '../src/ledger/crypto/kek';
import { KeyStore } from '../src/ledger/crypto/key-store';
import { PiiCipher } from '../src/ledger/crypto/pii-cipher';
import { Ledger } from '../src/ledger/ledger';
import { SqliteEventStore } from '../src/ledger/sqlite/sqlite-event-store';
import { subjectStream, verificationStream } from '../src/ledger/stream-names';
import { KeyStore1764180000000 } from '../src/app/persistence/migrations/1764180000000-key-store';
import { KafkaPublisher } from '../src/publisher/kafka-publisher';
import { KafkajsTransport } from '../src/publisher/kafka-transport';
import { ENTITIES, MIGRATIONS } from '../src/publisher/persistence';
import { PublisherCheckpointRepository } from '../src/publisher/publisher-checkpoint.repository';
import { LocalLeases } from '../src/platform/workers';
import { systemClock } from '../src/shared/clock';
import { consentDraft, FixtureWorkload, sessionDrafts } from '../test/support/publisher-fixtures';
import { percentile, report } from './lib';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
/** Events in the backlog: at least 100,000 at scale 1 (each journey is a consent and six session events). */
const BACKLOG_JOURNEYS = Math.max(100, Math.ceil((100_000 * SCALE) / 7));
const STEADY_RATE = 200;
const STEADY_SECONDS = Math.max(3, Math.round(15 * SCALE));

const actor = { kind: 'user' as const, id: 'bench', roles: ['operator'] };
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * The Kafka publisher against the broker in KAFKA_BROKERS (skipped without it):
 *
 * - `publish.backlog.*`: a ledger of ≥100,000 events (journeys with encrypted personal data, as the service
 *   writes them), published from the start by a fresh publisher: events/s until the checkpoint reaches the head
 *   (acks=all, idempotent producer, one request in flight, default batch of 500).
 * - `publish.e2e.*`: then, live, a steady stream of single-event appends; latency from calling append to a
 *   kafkajs consumer receiving the record (append with fsync + subscription + produce + fetch).
 */
export async function benchPublish(): Promise<void> {
  const brokerList = process.env.KAFKA_BROKERS;
  if (brokerList === undefined || brokerList.trim() === '') {
    process.stderr.write(
      '# publish: KAFKA_BROKERS is not set; skipped (eval "$(bash scripts/kafka.sh start)")\n',
    );
    return;
  }
  const brokers = brokerList.split(',').map((broker) => broker.trim());
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-publish-'));
  const prefix = `bench-${randomUUID().slice(0, 8)}.`;
  const topics = [`${prefix}kyc.verification.v1`, `${prefix}kyc.subject.v1`];
  const store = new SqliteEventStore(join(dir, 'events.sqlite'));
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: join(dir, 'readmodels.sqlite'),
    entities: [DataKeyEntity, KekCheckEntity, ...ENTITIES],
    migrations: [KeyStore1764180000000, ...MIGRATIONS],
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const keys = new KeyStore(dataSource, Kek.fromBase64(randomBytes(32).toString('base64')));
  await keys.assertKek();
  const ledger = new Ledger(store, new PiiCipher(keys));
  const kafka = new Kafka({ clientId: 'bench-publish', brokers, logLevel: logLevel.NOTHING });
  let publisher: KafkaPublisher | undefined;

  try {
    // The backlog, written before the publisher exists.
    const filled = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        for (;;) {
          const i = next;
          next += 1;
          if (i >= BACKLOG_JOURNEYS) return;
          const subjectId = `sub_b${i}`;
          const sessionId = `ses_b${i}`;
          const context = { actor, correlationId: `bench-${i}` };
          await ledger.append(
            subjectStream(subjectId),
            [consentDraft(subjectId, new Date())],
            'no_stream',
            context,
          );
          await ledger.append(
            verificationStream(sessionId),
            sessionDrafts(sessionId, subjectId, new Date()),
            'no_stream',
            context,
          );
        }
      }),
    );
    const head = await store.headPosition();
    process.stderr.write(
      `# publish: backlog of ${head} events written in ${((performance.now() - filled) / 1000).toFixed(1)} s\n`,
    );

    const checkpoints = new PublisherCheckpointRepository(dataSource);
    publisher = new KafkaPublisher(
      {
        store,
        checkpoints,
        leases: new LocalLeases(),
        transport: () => new KafkajsTransport({ brokers, clientId: 'bench-publisher' }),
        clock: systemClock,
        logger: quiet,
      },
      { name: `kafka:${prefix}`, topicPrefix: prefix, topicSpec: { partitions: 6, replication: 1 } },
    );
    const running = publisher;
    const started = performance.now();
    running.start();
    while ((running.status().checkpoint ?? 0) < head) {
      if (running.status().consecutiveFailures > 20) throw new Error('the publisher keeps failing');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seconds = (performance.now() - started) / 1000;
    report('publish.backlog.events', head, 'events');
    report('publish.backlog.throughput', head / seconds, 'events/s');

    // Live: a consumer at the end of the topics, then a steady stream of appends.
    const sentAt = new Map<string, number>();
    const receivedAt = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: `bench-${prefix}`, maxWaitTimeInMs: 10, minBytes: 1 });
    const group = { joined: false };
    consumer.on(consumer.events.GROUP_JOIN, () => {
      group.joined = true;
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics, fromBeginning: false });
      await consumer.run({
        eachMessage: ({ message }) => {
          const id = message.headers?.ce_id?.toString();
          if (id !== undefined && !receivedAt.has(id)) receivedAt.set(id, performance.now());
          return Promise.resolve();
        },
      });
      while (!group.joined) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 1000));

      const workload = new FixtureWorkload(ledger, 50, 'steady');
      const total = STEADY_RATE * STEADY_SECONDS;
      const steadyStart = performance.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; i < total; i += 1) {
        const due = steadyStart + (i * 1000) / STEADY_RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const t0 = performance.now();
        pending.push(
          workload.appendNext().then((events) => {
            for (const event of events) sentAt.set(event.eventId, t0);
          }),
        );
      }
      await Promise.all(pending);
      const deadline = Date.now() + 30_000;
      while ([...sentAt.keys()].some((id) => !receivedAt.has(id)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const latencies = [...sentAt]
        .filter(([id]) => receivedAt.has(id))
        .map(([id, t0]) => (receivedAt.get(id) ?? t0) - t0)
        .sort((a, b) => a - b);
      report('publish.e2e.rate', total / STEADY_SECONDS, 'events/s');
      report('publish.e2e.received', latencies.length, 'events');
      report('publish.e2e.p50', percentile(latencies, 50), 'ms');
      report('publish.e2e.p99', percentile(latencies, 99), 'ms');
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await publisher?.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics, timeout: 15_000 }).catch(() => undefined);
    await admin.disconnect();
    await store.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
