import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { openDataSource } from '../../src/app/persistence/data-source';
import { KafkaPublisher, type PublisherState } from '../../src/publisher/kafka-publisher';
import { KafkajsTransport } from '../../src/publisher/kafka-transport';
import { PublisherCheckpointRepository } from '../../src/publisher/publisher-checkpoint.repository';
import { PostgresLeases } from '../../src/platform/workers';
import { systemClock } from '../../src/shared/clock';
import { contractProblems } from '../support/publisher-asyncapi';
import { deliveryReport, SteadyAppender } from '../support/publisher-delivery';
import { FixtureWorkload } from '../support/publisher-fixtures';
import { brokersOf, deleteTopics, readTopics } from '../support/publisher-kafka';
import { postgresSchema } from '../support/postgres';
import { describeWithService } from '../support/services';
import { tempLedger, type TempLedger } from '../support/temp-ledger';
import { until } from '../support/poll';

const quietLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/**
 * Two service instances on one PostgreSQL read-model database: a session advisory lock lets one publish while
 * the other stands by; the standby takes over when the active one stops or its database session dies (as when
 * its process is killed), from the shared checkpoint, losing nothing.
 */
describeWithService('DATABASE_URL', 'KafkaPublisher instances on PostgreSQL', (databaseUrl) => {
  describeWithService('KAFKA_BROKERS', 'one active publisher (advisory lock), real broker', (brokerList) => {
    let schema: { dataSource: DataSource; schema: string; drop(): Promise<void> };
    let second: DataSource;
    let t: TempLedger;
    let prefix: string;
    let topics: string[];
    const publishers: KafkaPublisher[] = [];

    const leaseSessions = new Map<KafkaPublisher, PostgresLeases>();

    function instance(dataSource: DataSource, clientId: string): KafkaPublisher {
      const name = `kafka:${prefix}`;
      const leases = new PostgresLeases(dataSource, { heartbeatMs: 200 });
      const publisher = new KafkaPublisher(
        {
          store: t.store,
          checkpoints: new PublisherCheckpointRepository(dataSource),
          leases,
          transport: () => new KafkajsTransport({ brokers: brokersOf(brokerList), clientId }),
          clock: systemClock,
          logger: quietLogger,
        },
        {
          name,
          topicPrefix: prefix,
          topicSpec: { partitions: 3, replication: 1 },
          batchSize: 20,
          standbyPollMs: 100,
          initialBackoffMs: 50,
          maxBackoffMs: 300,
        },
      );
      publishers.push(publisher);
      leaseSessions.set(publisher, leases);
      return publisher;
    }

    beforeAll(async () => {
      schema = await postgresSchema(databaseUrl);
      second = await openDataSource({ kind: 'postgres', url: databaseUrl }, { schema: schema.schema });
    });

    afterAll(async () => {
      await second.destroy();
      await schema.drop();
    });

    beforeEach(async () => {
      t = await tempLedger();
      prefix = `pg-${randomUUID().slice(0, 8)}.`;
      topics = [`${prefix}kyc.verification.v1`, `${prefix}kyc.subject.v1`];
    });

    afterEach(async () => {
      await Promise.all(publishers.splice(0).map((publisher) => publisher.stop()));
      await Promise.all([...leaseSessions.values()].map((leases) => leases.close()));
      leaseSessions.clear();
      await t.cleanup();
      await deleteTopics(brokersOf(brokerList), topics);
    });

    it('lets one instance publish while the other stands by, and hands over when the active one stops', async () => {
      const appender = new SteadyAppender(new FixtureWorkload(t.ledger, 8), 3);
      const a = instance(schema.dataSource, 'instance-a');
      const b = instance(second, 'instance-b');
      a.start();
      await until(() => a.status().state === 'active', 'instance a to lead', { timeoutMs: 30_000 });
      b.start();
      await until(() => b.status().state === 'standby', 'instance b to stand by', { timeoutMs: 30_000 });
      appender.start();

      const states: [PublisherState, PublisherState][] = [];
      const sampler = setInterval(() => {
        states.push([a.status().state, b.status().state]);
      }, 10);
      await until(() => (a.status().checkpoint ?? 0) >= 100, 'a to publish', { timeoutMs: 30_000 });
      await a.stop();
      await until(() => b.status().state === 'active', 'b to take over', { timeoutMs: 30_000 });
      await until(() => appender.appended.length >= 400, 'more events', { timeoutMs: 30_000 });
      await appender.stop();
      await until(() => (b.status().checkpoint ?? 0) >= appender.lastPosition, 'b to catch up', {
        timeoutMs: 30_000,
      });
      clearInterval(sampler);

      expect(states.filter(([x, y]) => x === 'active' && y === 'active')).toEqual([]);
      expect(states.some(([x, y]) => x === 'active' && y === 'standby')).toBe(true);
      const records = await readTopics(brokersOf(brokerList), topics);
      const report = deliveryReport(appender.appended, records);
      expect(report.missing).toEqual([]);
      expect(report.outOfOrder).toEqual([]);
      expect(await contractProblems(records, prefix)).toEqual([]);
      // A graceful hand-over resumes exactly at the checkpoint: nothing is sent twice.
      expect(report.duplicates.size).toBe(0);
    });

    it('takes over from an instance whose database session died, losing nothing', async () => {
      const appender = new SteadyAppender(new FixtureWorkload(t.ledger, 8), 3);
      const a = instance(schema.dataSource, 'instance-a');
      const b = instance(second, 'instance-b');
      a.start();
      await until(() => a.status().state === 'active', 'instance a to lead', { timeoutMs: 30_000 });
      b.start();
      await until(() => b.status().state === 'standby', 'instance b to stand by', { timeoutMs: 30_000 });
      appender.start();
      await until(() => (a.status().checkpoint ?? 0) >= 100, 'a to publish', { timeoutMs: 30_000 });

      // As if instance a's process died: the server ends its lease session (and only that one). Every lease of
      // an instance lives on one session: another lease of a's reaches it.
      const probe = await leaseSessions.get(a)!.tryAcquire('projection', 'probe');
      const [session] = (await probe!.withSession((runner) =>
        runner!.query('SELECT pg_backend_pid() AS pid'),
      )) as { pid: number }[];
      await second.query('SELECT pg_terminate_backend($1)', [session!.pid]);
      await until(() => a.status().lastError !== undefined, 'a to notice', { timeoutMs: 30_000 });
      // Whichever instance takes the lock first continues from the shared checkpoint; never both.
      await until(
        () =>
          [a, b].filter((p) => p.status().state === 'active').length === 1 && b.status().state !== 'retrying',
        'one instance to lead again',
        { timeoutMs: 30_000 },
      );
      await until(() => appender.appended.length >= 400, 'more events', { timeoutMs: 30_000 });
      await appender.stop();
      await until(
        () => Math.max(a.status().checkpoint ?? 0, b.status().checkpoint ?? 0) >= appender.lastPosition,
        'the active instance to catch up',
        { timeoutMs: 30_000 },
      );

      const records = await readTopics(brokersOf(brokerList), topics);
      const report = deliveryReport(appender.appended, records);
      expect(report.missing).toEqual([]);
      expect(report.outOfOrder).toEqual([]);
      expect(await contractProblems(records, prefix)).toEqual([]);
      expect([a, b].filter((p) => p.status().state === 'active')).toHaveLength(1);
    });
  });
});
