import {
  type Admin,
  Kafka,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import type { KafkaRecord } from './cloudevents-kafka';

export interface TopicBatch {
  readonly topic: string;
  readonly records: readonly KafkaRecord[];
}

export interface TopicSpec {
  readonly partitions: number;
  readonly replication: number;
}

/** What the publisher needs from a broker; the kafkajs implementation below, fakes in unit tests. */
export interface PublisherTransport {
  connect(): Promise<void>;
  /** Creates the topics that do not exist yet; existing topics are left as they are. */
  ensureTopics(topics: readonly string[], spec: TopicSpec): Promise<void>;
  /** Resolves once the broker acknowledged every record (acks=all); rejects otherwise. */
  send(batches: readonly TopicBatch[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface KafkajsTransportOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Where kafkajs's own log lines go (they name brokers, never message contents). */
  readonly log?: (level: 'error' | 'warn' | 'debug', message: string) => void;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** kafkajs's retries inside one send; the publisher retries whole batches on top, without limit. */
  readonly retry?: RetryOptions;
}

/**
 * kafkajs with the settings the delivery guarantee needs: an idempotent producer, acks from all in-sync
 * replicas, one request in flight (so a retried request cannot overtake the next one: per-key order is send
 * order), no automatic topic creation, and the Java client's partitioner (murmur2 of the key), so consumers in
 * any language see the same key-to-partition mapping as a Java producer would give.
 */
export class KafkajsTransport implements PublisherTransport {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;

  constructor(options: KafkajsTransportOptions) {
    const log = options.log;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      retry: options.retry ?? { initialRetryTime: 200, maxRetryTime: 2_000, retries: 4 },
      logLevel: log === undefined ? logLevel.NOTHING : logLevel.WARN,
      logCreator: () => (entry: LogEntry) => {
        const level =
          entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
        log?.(level, `${entry.namespace}: ${entry.log.message}`);
      },
    });
  }

  async connect(): Promise<void> {
    if (this.producer !== undefined) return;
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    this.producer = producer;
  }

  async ensureTopics(topics: readonly string[], spec: TopicSpec): Promise<void> {
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((topic) => !existing.has(topic));
      if (missing.length === 0) return;
      // Another instance may create them at the same moment: kafkajs treats "already exists" as done.
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: spec.partitions,
          replicationFactor: spec.replication,
        })),
      });
    } finally {
      await admin.disconnect();
    }
  }

  async send(batches: readonly TopicBatch[]): Promise<void> {
    const producer = this.producer;
    if (producer === undefined) throw new Error('the Kafka producer is not connected');
    await producer.sendBatch({
      acks: -1,
      topicMessages: batches.map((batch) => ({
        topic: batch.topic,
        messages: batch.records.map((record) => ({
          key: record.key,
          value: record.value,
          headers: { ...record.headers },
        })),
      })),
    });
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await producer.disconnect();
  }
}
