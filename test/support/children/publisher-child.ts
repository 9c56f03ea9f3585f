/**
 * The publisher in a process of its own, for crash tests: follows a SQLite event store file, keeps its checkpoint
 * in a SQLite file of its own and publishes to KAFKA_BROKERS. Prints `READY` once started and
 * `CHECKPOINT <position>` after each batch the broker acknowledged.
 *
 * argv: <events file> <checkpoint file> <brokers> <topic prefix>
 */
import { DataSource } from 'typeorm';
import { SqliteEventStore } from '../../../src/ledger/sqlite/sqlite-event-store';
import { KafkaPublisher } from '../../../src/publisher/kafka-publisher';
import { KafkajsTransport } from '../../../src/publisher/kafka-transport';
import { ENTITIES, MIGRATIONS } from '../../../src/publisher/persistence';
import { PublisherCheckpointRepository } from '../../../src/publisher/publisher-checkpoint.repository';
import { LocalLeases } from '../../../src/platform/workers';
import { systemClock } from '../../../src/shared/clock';

const [eventsFile, checkpointFile, brokers, prefix] = process.argv.slice(2);
if (!eventsFile || !checkpointFile || !brokers || prefix === undefined) {
  throw new Error('usage: publisher-child <events file> <checkpoint file> <brokers> <topic prefix>');
}

async function main(
  events: string,
  checkpointsAt: string,
  brokerList: string,
  topicPrefix: string,
): Promise<void> {
  const store = new SqliteEventStore(events, { pollIntervalMs: 20 });
  const dataSource = new DataSource({
    type: 'better-sqlite3',
    database: checkpointsAt,
    entities: [...ENTITIES],
    migrations: [...MIGRATIONS],
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
    },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  // The observer reports the checkpoint of the publisher it is handed to.
  const holder: { publisher?: KafkaPublisher } = {};
  const publisher = new KafkaPublisher(
    {
      store,
      checkpoints: new PublisherCheckpointRepository(dataSource),
      leases: new LocalLeases(),
      transport: () => new KafkajsTransport({ brokers: brokerList.split(','), clientId: 'publisher-child' }),
      clock: systemClock,
      logger: { log, warn: log, error: log, debug: () => undefined },
      observer: {
        published: () => {
          process.stdout.write(`CHECKPOINT ${holder.publisher?.status().checkpoint ?? 0}\n`);
        },
        batchSent: () => undefined,
        failed: () => undefined,
      },
    },
    {
      name: `kafka:${topicPrefix}`,
      topicPrefix,
      topicSpec: { partitions: 3, replication: 1 },
      batchSize: 25,
      initialBackoffMs: 50,
      maxBackoffMs: 500,
    },
  );
  holder.publisher = publisher;
  publisher.start();
  process.stdout.write('READY\n');
  process.once('SIGTERM', () => {
    void publisher.stop().then(async () => {
      await store.close();
      await dataSource.destroy();
      process.exit(0);
    });
  });
}

main(eventsFile, checkpointFile, brokers, prefix).catch((error: unknown) => {
  process.stderr.write(
    `publisher-child failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
