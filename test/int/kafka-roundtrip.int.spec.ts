import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders, type Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithService } from '../support/services';
import { until } from '../support/poll';

/**
 * A round trip through a real broker with the client the app uses (kafkajs): admin, an idempotent producer
 * with acks=all, and a fresh consumer group reading from the beginning. Proves the broker from
 * scripts/kafka.sh (or any KAFKA_BROKERS) gives what the publisher relies on: keys, values and headers
 * arrive intact, and messages of one key stay in one partition in the order they were sent.
 */

interface SentMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

interface ReceivedMessage extends SentMessage {
  partition: number;
  offset: bigint;
}

const KEYS = ['session-a', 'session-b', 'session-c', 'session-d', 'session-e'];
const ROUNDS = 4;

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = (Array.isArray(value) ? value : [value]).map((part) => part.toString()).join(',');
  }
  return out;
}

describeWithService('KAFKA_BROKERS', 'Kafka round trip (kafkajs, real broker)', (brokerList) => {
  const runId = randomUUID();
  const topic = `kyc-ledger.it.roundtrip.${runId}`;
  const groupId = `kyc-ledger-it-roundtrip-${runId}`;

  let kafka: Kafka;
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  let consumerConnected = false;
  let groupJoined = false;

  beforeAll(async () => {
    kafka = new Kafka({
      clientId: 'kyc-ledger-it',
      brokers: brokerList
        .split(',')
        .map((broker) => broker.trim())
        .filter((broker) => broker !== ''),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 5_000,
      requestTimeout: 15_000,
    });
    admin = kafka.admin();
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
  });

  afterAll(async () => {
    if (consumer !== undefined && consumerConnected) await consumer.disconnect();
    if (producer !== undefined) await producer.disconnect();
    if (admin !== undefined) {
      try {
        if (groupJoined) await admin.deleteGroups([groupId]);
        await admin.deleteTopics({ topics: [topic], timeout: 15_000 });
      } finally {
        await admin.disconnect();
      }
    }
  });

  it('creates the topic with 3 partitions, each with a single in-sync replica', async () => {
    const metadata = await admin!.fetchTopicMetadata({ topics: [topic] });
    const partitions = metadata.topics[0]!.partitions;
    expect(partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    for (const partition of partitions) {
      expect(partition.replicas).toHaveLength(1);
      expect(partition.isr).toEqual(partition.replicas);
      expect(partition.leader).toBeGreaterThanOrEqual(0);
    }
  });

  it('delivers keys, values and headers intact, in per-key order, to a fresh consumer group', async () => {
    // Interleave the keys, one request per round, so per-key order spans several produce requests.
    const sent: SentMessage[] = [];
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    for (let round = 0; round < ROUNDS; round += 1) {
      const batch = KEYS.map((key) => ({
        key,
        value: JSON.stringify({ key, round, status: round % 2 === 0 ? 'submitted' : 'approved' }),
        headers: {
          ce_id: randomUUID(),
          ce_type: 'kyc.verification.it.v1',
          ce_source: '/kyc-ledger/it',
          seq: String(round),
        },
      }));
      const records = await producer.send({ topic, acks: -1, messages: batch });
      expect(records.length).toBeGreaterThan(0);
      for (const record of records) {
        expect(record.errorCode).toBe(0);
        expect(record.topicName).toBe(topic);
      }
      sent.push(...batch);
    }

    const received: ReceivedMessage[] = [];
    consumer = kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
    });
    await consumer.connect();
    consumerConnected = true;
    groupJoined = true;
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        received.push({
          key: message.key?.toString() ?? '<null key>',
          value: message.value?.toString() ?? '<null value>',
          headers: headersToStrings(message.headers),
          partition,
          offset: BigInt(message.offset),
        });
        return Promise.resolve();
      },
    });
    await until(() => received.length >= sent.length, `${sent.length} messages`, { timeoutMs: 45_000 });
    // Anything beyond the expected count would be a duplicate, and would sit in the log before its end: read up to
    // every partition's end offset before counting.
    const logEnds = await admin!.fetchTopicOffsets(topic);
    await until(
      () =>
        logEnds.every(
          ({ partition, high }) =>
            high === '0' ||
            received.some(
              (message) => message.partition === partition && message.offset + 1n >= BigInt(high),
            ),
        ),
      'the consumer at the end of every partition',
      { timeoutMs: 15_000 },
    );

    // Every message exactly once, byte for byte.
    expect(received).toHaveLength(sent.length);
    const byId = new Map(received.map((message) => [message.headers.ce_id, message]));
    expect(byId.size).toBe(sent.length);
    for (const message of sent) {
      const got = byId.get(message.headers.ce_id);
      expect(got, `message ${message.headers.ce_id ?? ''}`).toBeDefined();
      expect({ key: got!.key, value: got!.value, headers: got!.headers }).toEqual(message);
    }

    // Per key: one partition, the order in which the producer sent them, increasing offsets.
    const partitionsUsed = new Set<number>();
    for (const key of KEYS) {
      const forKey = received.filter((message) => message.key === key);
      const partitions = new Set(forKey.map((message) => message.partition));
      expect(partitions.size, `partitions of ${key}`).toBe(1);
      partitionsUsed.add(forKey[0]!.partition);
      expect(forKey.map((message) => message.headers.seq)).toEqual(
        Array.from({ length: ROUNDS }, (_, round) => String(round)),
      );
      const offsets = forKey.map((message) => message.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    for (const partition of partitionsUsed) expect([0, 1, 2]).toContain(partition);

    // The group committed what it consumed: its offsets equal the end of every partition.
    await consumer.disconnect();
    consumerConnected = false;
    const committed = await admin!.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin!.fetchTopicOffsets(topic);
    const committedByPartition = new Map(committed[0]!.partitions.map((p) => [p.partition, p.offset]));
    for (const end of ends) {
      const endOffset = Number(end.high);
      expect(Number(committedByPartition.get(end.partition) ?? '-1')).toBe(endOffset === 0 ? -1 : endOffset);
    }
    expect(ends.reduce((sum, end) => sum + Number(end.high), 0)).toBe(sent.length);
  }, 90_000);
});
