/**
 * A downstream service's consumer of the kyc-ledger topics (see README.md next to this file):
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 STATUS_DB=./status.sqlite npx tsx examples/kafka-consumer/consumer.ts
 *
 * Delivery is at least once, so it dedupes by `ce_id` (StatusStore) and relies on Kafka's per-partition order:
 * every event of one session (or subject) has the same key and so arrives in ledger order.
 */
import { type IHeaders, Kafka, logLevel } from 'kafkajs';
import { type IncomingRecord, StatusStore } from './status-store';

export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    decoded[name] = (Array.isArray(value) ? value : [value]).map((part) => part.toString()).join(',');
  }
  return decoded;
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? '';
  const store = new StatusStore(process.env.STATUS_DB ?? 'status.sqlite');
  const kafka = new Kafka({ clientId: 'kyc-status-example', brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: process.env.CONSUMER_GROUP ?? 'kyc-status-example' });

  await consumer.connect();
  await consumer.subscribe({
    topics: [`${prefix}kyc.verification.v1`, `${prefix}kyc.subject.v1`],
    fromBeginning: true,
  });
  await consumer.run({
    // Offsets are committed after eachMessage returns: a crash before that redelivers, and the store dedupes.
    eachMessage: ({ topic, message }) => {
      const record: IncomingRecord = {
        topic,
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        headers: decodeHeaders(message.headers),
      };
      const outcome = store.apply(record);
      process.stdout.write(`${outcome} ${record.headers.ce_type ?? '?'} ${record.key ?? ''}\n`);
      return Promise.resolve();
    },
  });

  const shutdown = (): void => {
    void consumer.disconnect().finally(() => {
      store.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`consumer failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
