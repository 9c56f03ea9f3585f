import { afterAll, beforeAll, expect, it } from 'vitest';
import { KafkaPublisher } from '../../src/publisher/kafka-publisher';
import { KafkajsTransport } from '../../src/publisher/kafka-transport';
import { PublisherCheckpointRepository } from '../../src/publisher/publisher-checkpoint.repository';
import { LocalLeases } from '../../src/platform/workers';
import { systemClock } from '../../src/shared/clock';
import { deliveryReport, type DeliveryReport, SteadyAppender } from '../support/publisher-delivery';
import { FIXTURE_PII_DOCUMENT, FIXTURE_PII_NAME, FixtureWorkload } from '../support/publisher-fixtures';
import { contractProblems, forbiddenStringsIn } from '../support/publisher-asyncapi';
import { type ConsumedRecord, OwnBroker, readTopics } from '../support/publisher-kafka';
import { describeWithService } from '../support/services';
import { tempLedger, type TempLedger } from '../support/temp-ledger';
import { until } from '../support/poll';

const quietLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
const PREFIX = 'outage.';
const NAME = 'kafka:outage.';

/**
 * A broker outage in the middle of a steady stream: a broker of the test's own (scripts/kafka.sh, own port and
 * directory) is stopped while events keep being appended, then started again. Nothing may be lost, and the only
 * duplicates are events that were in flight around the outage.
 */
describeWithService('KAFKA_BROKERS', 'KafkaPublisher through a broker outage (own broker)', () => {
  let broker: OwnBroker | undefined;
  let t: TempLedger;
  let publisher: KafkaPublisher;
  let appender: SteadyAppender;
  let checkpointBeforeOutage = 0;
  let headAtRestart = 0;
  let duringOutage: {
    state: string;
    broker: string;
    lastError: string | undefined;
    checkpointMoved: boolean;
  };
  let report: DeliveryReport;
  let records: ConsumedRecord[] = [];

  beforeAll(async () => {
    broker = await OwnBroker.start();
    t = await tempLedger();
    const checkpoints = new PublisherCheckpointRepository(t.dataSource);
    const brokers = broker.brokers;
    publisher = new KafkaPublisher(
      {
        store: t.store,
        checkpoints,
        leases: new LocalLeases(),
        transport: () =>
          new KafkajsTransport({
            brokers,
            clientId: 'outage-test',
            connectionTimeoutMs: 1_000,
            requestTimeoutMs: 5_000,
            retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 2 },
          }),
        clock: systemClock,
        logger: quietLogger,
      },
      {
        name: NAME,
        topicPrefix: PREFIX,
        topicSpec: { partitions: 3, replication: 1 },
        batchSize: 50,
        initialBackoffMs: 100,
        maxBackoffMs: 1_000,
      },
    );
    appender = new SteadyAppender(new FixtureWorkload(t.ledger, 12), 5);
    publisher.start();
    appender.start();

    // Steady state first.
    await until(() => appender.appended.length >= 200, 'appends before the outage', { timeoutMs: 60_000 });
    await until(
      async () => (await checkpoints.load(NAME)) >= appender.appended[150]!.position,
      'publishing before the outage',
      { timeoutMs: 60_000 },
    );
    checkpointBeforeOutage = await checkpoints.load(NAME);

    // The outage: the broker stops (controlled shutdown), appends go on.
    await broker.stop();
    const appendedAtStop = appender.appended.length;
    await until(() => publisher.status().broker === 'disconnected', 'the publisher to notice', {
      timeoutMs: 60_000,
    });
    await until(() => appender.appended.length >= appendedAtStop + 300, 'appends during the outage', {
      timeoutMs: 60_000,
    });
    const checkpointInOutage = await checkpoints.load(NAME);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const status = publisher.status();
    duringOutage = {
      state: status.state,
      broker: status.broker,
      lastError: status.lastError?.class,
      checkpointMoved: (await checkpoints.load(NAME)) !== checkpointInOutage,
    };

    // Recovery: the broker comes back with its data; appends go on a little, then stop.
    headAtRestart = appender.lastPosition;
    await broker.restart();
    await until(() => appender.appended.length >= appendedAtStop + 450, 'appends after the outage', {
      timeoutMs: 60_000,
    });
    await appender.stop();
    await until(
      async () => (await checkpoints.load(NAME)) >= appender.lastPosition,
      'the publisher to catch up',
      { timeoutMs: 120_000 },
    );
    records = await readTopics(broker.brokers, [`${PREFIX}kyc.verification.v1`, `${PREFIX}kyc.subject.v1`]);
    report = deliveryReport(appender.appended, records);
  }, 420_000);

  afterAll(async () => {
    await appender.stop();
    await publisher.stop();
    await t.cleanup();
    await broker?.destroy();
  });

  it('keeps retrying while the broker is down, without moving the checkpoint, and says so', () => {
    expect(duringOutage).toEqual({
      state: 'retrying',
      broker: 'disconnected',
      lastError: expect.stringMatching(/^KafkaJS/),
      checkpointMoved: false,
    });
    expect(appender.errors).toEqual([]);
  });

  it('loses nothing: every appended event is on the topics after the recovery', () => {
    expect(appender.appended.length).toBeGreaterThan(500);
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    expect(records.length).toBe(
      appender.appended.length + [...report.duplicates.values()].reduce((a, n) => a + n - 1, 0),
    );
  });

  it('keeps ledger order per key for a consumer that dedupes by ce_id', () => {
    expect(report.outOfOrder).toEqual([]);
  });

  it('duplicates only events that were in flight around the outage', () => {
    const positions = new Map(appender.appended.map((event) => [event.eventId, event.position]));
    // One batch was in flight when the broker went away; nothing else can be delivered twice.
    expect(report.duplicates.size).toBeLessThanOrEqual(50);
    if (process.env.PUBLISHER_TEST_REPORT) {
      process.stderr.write(
        `outage: ${appender.appended.length} events, ${records.length} records, ${report.duplicates.size} duplicated ids\n`,
      );
    }
    for (const id of report.duplicates.keys()) {
      const position = positions.get(id)!;
      expect(position).toBeGreaterThan(checkpointBeforeOutage);
      expect(position).toBeLessThanOrEqual(headAtRestart);
    }
    expect(publisher.status()).toMatchObject({
      state: 'active',
      broker: 'connected',
      consecutiveFailures: 0,
    });
  });

  it('publishes only records that conform to docs/asyncapi.yaml and hold no personal data', async () => {
    expect(await contractProblems(records, PREFIX)).toEqual([]);
    expect(forbiddenStringsIn(records, [FIXTURE_PII_NAME, FIXTURE_PII_DOCUMENT, '1979-02-28'])).toEqual([]);
  });
});
