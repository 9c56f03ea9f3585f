import type { KafkaRecord } from '../../src/publisher/cloudevents-kafka';
import type { PublisherTransport, TopicBatch, TopicSpec } from '../../src/publisher/kafka-transport';
import type { WireRecord } from './publisher-asyncapi';

/** A broker error as kafkajs names them, so the publisher reports the broker as disconnected. */
export class FakeBrokerError extends Error {
  override readonly name = 'KafkaJSConnectionError';
}

/**
 * An in-memory broker for the publisher's unit tests: every acknowledged record in send order, topics created,
 * and failures on demand. A failing send can still write part of the batch (as a broker that wrote some
 * partitions before the connection dropped), which is what makes redeliveries.
 */
export class FakeBroker {
  readonly records: (WireRecord & { readonly key: string; readonly value: string })[] = [];
  readonly topics = new Map<string, TopicSpec>();
  readonly sends: number[] = [];
  connects = 0;
  private failures: { count: number; writeFirst: number } = { count: 0, writeFirst: 0 };
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  /** The next `count` sends fail, after writing the first `writeFirst` records of their batch. */
  failNextSends(count: number, writeFirst = 0): void {
    this.failures = { count, writeFirst };
  }

  /** Sends wait until `release` is called. */
  hold(): void {
    this.gate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  transport(): PublisherTransport {
    return {
      connect: () => {
        this.connects += 1;
        return Promise.resolve();
      },
      ensureTopics: (topics, spec) => {
        for (const topic of topics) if (!this.topics.has(topic)) this.topics.set(topic, spec);
        return Promise.resolve();
      },
      send: async (batches: readonly TopicBatch[]) => {
        if (this.gate !== undefined) await this.gate;
        const flat = batches.flatMap((batch) =>
          batch.records.map((record: KafkaRecord) => ({ topic: batch.topic, ...record })),
        );
        if (this.failures.count > 0) {
          this.failures.count -= 1;
          this.records.push(...flat.slice(0, this.failures.writeFirst));
          throw new FakeBrokerError('broker unavailable');
        }
        this.sends.push(flat.length);
        this.records.push(...flat);
      },
      disconnect: () => Promise.resolve(),
    };
  }

  ids(): string[] {
    return this.records.map((record) => record.headers.ce_id ?? '');
  }
}
