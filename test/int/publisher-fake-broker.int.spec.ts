import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { subjectStream } from '../../src/ledger/stream-names';
import { EventBuffer } from '../../src/publisher/event-buffer';
import { KafkaPublisher, type KafkaPublisherOptions } from '../../src/publisher/kafka-publisher';
import { PublisherCheckpointRepository } from '../../src/publisher/publisher-checkpoint.repository';
import { PUBLISHED_STREAMS } from '../../src/publisher/publisher-lag';
import { LocalLeases } from '../../src/platform/workers';
import { ManualClock, systemClock, type Clock } from '../../src/shared/clock';
import { FakeBroker } from '../support/publisher-fake-transport';
import { contractProblems, forbiddenStringsIn } from '../support/publisher-asyncapi';
import {
  type AppendedEvent,
  FIXTURE_PII_DOCUMENT,
  FIXTURE_PII_NAME,
  FixtureWorkload,
  legalHoldDraft,
} from '../support/publisher-fixtures';
import { tempLedger, type TempLedger, testActor } from '../support/temp-ledger';

const quietLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
const NAME = 'kafka:unit.';

async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(KafkaPublisher.name, () => {
  let t: TempLedger;
  let broker: FakeBroker;
  let checkpoints: PublisherCheckpointRepository;
  const publishers: KafkaPublisher[] = [];

  function publisher(
    options: Partial<KafkaPublisherOptions> = {},
    clock: Clock = systemClock,
  ): KafkaPublisher {
    const created = new KafkaPublisher(
      {
        store: t.store,
        checkpoints,
        leases: new LocalLeases(),
        transport: () => broker.transport(),
        clock,
        logger: quietLogger,
      },
      {
        name: NAME,
        topicPrefix: 'unit.',
        topicSpec: { partitions: 3, replication: 1 },
        batchSize: 10,
        initialBackoffMs: 5,
        maxBackoffMs: 20,
        blockedRetryMs: 50,
        ...options,
      },
    );
    publishers.push(created);
    return created;
  }

  async function appendMany(
    count: number,
    workload = new FixtureWorkload(t.ledger, 5),
  ): Promise<AppendedEvent[]> {
    const appended: AppendedEvent[] = [];
    while (appended.length < count) appended.push(...(await workload.appendNext()));
    return appended;
  }

  /** Ledger order per key, as event ids. */
  function byKey(events: readonly { key: string; eventId: string }[]): Map<string, string[]> {
    const keys = new Map<string, string[]>();
    for (const event of events) keys.set(event.key, [...(keys.get(event.key) ?? []), event.eventId]);
    return keys;
  }

  /** What a consumer that dedupes by ce_id sees per key: the first delivery of each id, in offset order. */
  function receivedByKey(): Map<string, string[]> {
    const seen = new Set<string>();
    const firsts: { key: string; eventId: string }[] = [];
    for (const record of broker.records) {
      const id = record.headers.ce_id ?? '';
      if (seen.has(id)) continue;
      seen.add(id);
      firsts.push({ key: record.key, eventId: id });
    }
    return byKey(firsts);
  }

  beforeEach(async () => {
    t = await tempLedger();
    broker = new FakeBroker();
    checkpoints = new PublisherCheckpointRepository(t.dataSource);
  });

  afterEach(async () => {
    await Promise.all(publishers.splice(0).map((p) => p.stop()));
    await t.cleanup();
  });

  /** Everything a test made the publisher send conforms to docs/asyncapi.yaml and holds no personal data. */
  async function expectConformingRecords(): Promise<void> {
    const prefixes = [...new Set(broker.records.map((record) => record.topic.split('kyc.')[0] ?? ''))];
    for (const prefix of prefixes) {
      const records = broker.records.filter((record) => record.topic.startsWith(`${prefix}kyc.`));
      expect(await contractProblems(records, prefix)).toEqual([]);
    }
    expect(
      forbiddenStringsIn(broker.records, [FIXTURE_PII_NAME, FIXTURE_PII_DOCUMENT, 'court order']),
    ).toEqual([]);
  }

  it('publishes the backlog from the start of the ledger, in ledger order per key, then checkpoints', async () => {
    const appended = await appendMany(57);
    const running = publisher();
    running.start();
    await waitUntil(() => broker.records.length >= appended.length, 'the backlog');

    expect(broker.ids().sort()).toEqual(appended.map((e) => e.eventId).sort());
    expect(receivedByKey()).toEqual(byKey(appended));
    expect(broker.sends.every((size) => size <= 10)).toBe(true);
    expect([...broker.topics.keys()].sort()).toEqual(['unit.kyc.subject.v1', 'unit.kyc.verification.v1']);
    await waitUntil(
      async () => (await checkpoints.load(NAME)) === appended.at(-1)!.position,
      'the checkpoint',
    );
    expect(running.status()).toMatchObject({ state: 'active', broker: 'connected', caughtUp: true });
    await expectConformingRecords();
  });

  it('moves the checkpoint only after the broker acknowledged', async () => {
    const appended = await appendMany(5);
    broker.hold();
    publisher().start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(broker.records).toHaveLength(0);
    expect(await checkpoints.load(NAME)).toBe(0);

    broker.release();
    await waitUntil(
      async () => (await checkpoints.load(NAME)) === appended.at(-1)!.position,
      'the checkpoint',
    );
    expect(broker.records).toHaveLength(5);
  });

  it('retries a failing broker without end and skips nothing; duplicates come only from the failed batch', async () => {
    const appended = await appendMany(40);
    broker.failNextSends(Number.MAX_SAFE_INTEGER, 3);
    const running = publisher();
    running.start();
    await waitUntil(() => running.status().consecutiveFailures >= 5, 'failures');
    expect(running.status()).toMatchObject({
      state: 'retrying',
      broker: 'disconnected',
      lastError: { class: 'KafkaJSConnectionError' },
    });
    expect(await checkpoints.load(NAME)).toBe(0);

    broker.failNextSends(0);
    await waitUntil(() => new Set(broker.ids()).size >= appended.length, 'every event');
    // Each failed attempt wrote the same first three records of the first batch, nothing else.
    const firstBatch = new Set(appended.slice(0, 10).map((e) => e.eventId));
    const counts = new Map<string, number>();
    for (const id of broker.ids()) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    expect(duplicated.length).toBeGreaterThan(0);
    for (const id of duplicated) expect(firstBatch.has(id)).toBe(true);
    expect(new Set(broker.ids())).toEqual(new Set(appended.map((e) => e.eventId)));
    expect(receivedByKey()).toEqual(byKey(appended));
    await waitUntil(() => running.status().consecutiveFailures === 0, 'recovery');
    expect(running.status()).toMatchObject({ state: 'active', broker: 'connected' });
    await expectConformingRecords();
  });

  it('resumes after a restart from its checkpoint, publishing nothing the broker acknowledged again', async () => {
    const workload = new FixtureWorkload(t.ledger, 4);
    const first = await appendMany(20, workload);
    const before = publisher();
    before.start();
    await waitUntil(async () => (await checkpoints.load(NAME)) === first.at(-1)!.position, 'the first part');
    await before.stop();

    const second = await appendMany(15, workload);
    const after = publisher();
    after.start();
    await waitUntil(() => broker.records.length >= first.length + second.length, 'the second part');
    expect(broker.ids()).toHaveLength(first.length + second.length);
    expect(new Set(broker.ids()).size).toBe(first.length + second.length);
    expect(receivedByKey()).toEqual(byKey([...first, ...second]));
  });

  it('publishes live events appended after it caught up', async () => {
    const running = publisher();
    running.start();
    await waitUntil(() => running.status().caughtUp, 'catching up');
    const appended = await appendMany(12);
    await waitUntil(() => broker.records.length >= 12, 'the live events');
    expect(receivedByKey()).toEqual(byKey(appended));
  });

  it('stops at an event it cannot publish: what comes before is published, nothing after, and it says so', async () => {
    const before = await appendMany(6);
    const bad = await t.ledger.append(
      subjectStream('sub_bad'),
      [{ type: 'SubjectRenamed', data: { to: 'Some Name' } }],
      'no_stream',
      { actor: testActor, correlationId: 'corr-bad' },
    );
    await appendMany(4);
    const running = publisher();
    running.start();
    await waitUntil(() => running.status().state === 'blocked', 'blocking');

    expect(broker.ids().sort()).toEqual(before.map((e) => e.eventId).sort());
    expect(await checkpoints.load(NAME)).toBe(before.at(-1)!.position);
    expect(running.status().blocked).toEqual({
      position: bad.position,
      eventType: 'SubjectRenamed',
      problem: 'no public mapping for this event type',
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(broker.records).toHaveLength(before.length);
  });

  it('moves past internal events without a record and never publishes free text', async () => {
    await t.ledger.append(subjectStream('sub_hold'), [legalHoldDraft(new Date())], 'no_stream', {
      actor: testActor,
      correlationId: 'corr-hold',
    });
    const read = await t.ledger.append(
      subjectStream('sub_hold'),
      [
        {
          type: 'PersonalDataAccessed',
          data: {
            accessId: 'acc_1',
            accessedBy: 'privacy-1',
            roles: ['privacy_officer'],
            justification: 'case-77',
            dataClasses: ['identity_attributes'],
            accessedAt: new Date().toISOString(),
          },
        },
      ],
      0,
      { actor: testActor, correlationId: 'corr-read' },
    );
    publisher().start();
    await waitUntil(async () => (await checkpoints.load(NAME)) === read.position, 'the checkpoint');
    expect(broker.records.map((r) => r.headers.ce_type)).toEqual(['kyc.subject.legal_hold_placed.v1']);
    expect(JSON.stringify(broker.records)).not.toContain('court order');
    await expectConformingRecords();
  });

  it('reports its lag in positions and seconds', async () => {
    const clock = new ManualClock(new Date(Date.now() + 60_000));
    const appended = await appendMany(8);
    const running = publisher({}, clock);
    const lag = await running.lag();
    expect(lag).toMatchObject({
      checkpoint: 0,
      head: appended.at(-1)!.position,
      positions: appended.at(-1)!.position,
    });
    expect(lag.seconds).toBeGreaterThan(55);
    expect(lag.seconds).toBeLessThan(120);

    running.start();
    await waitUntil(async () => (await running.lag()).positions === 0, 'no lag');
    expect(await running.lag()).toMatchObject({
      positions: 0,
      seconds: 0,
      checkpoint: appended.at(-1)!.position,
    });
    expect((await t.store.readAll({ filter: PUBLISHED_STREAMS })).length).toBe(appended.length);
  });

  it('keeps each topic prefix on its own checkpoint: new topics get everything from the start', async () => {
    const appended = await appendMany(9);
    publisher().start();
    await waitUntil(() => broker.records.length >= 9, 'the first topics');
    publisher({ name: 'kafka:other.', topicPrefix: 'other.' }).start();
    await waitUntil(() => broker.records.length >= 18, 'the second topics');
    const other = broker.records.filter((record) => record.topic.startsWith('other.'));
    expect(other.map((r) => r.headers.ce_id).sort()).toEqual(appended.map((e) => e.eventId).sort());
    expect(await checkpoints.load('kafka:other.')).toBe(appended.at(-1)!.position);
    await expectConformingRecords();
  });
});

describe(EventBuffer.name, () => {
  it('hands over items in order, in batches up to the limit, and holds the writer while full', async () => {
    const buffer = new EventBuffer<number>(3);
    const written: number[] = [];
    const writer = (async () => {
      for (let i = 0; i < 7; i += 1) {
        await buffer.put(i);
        written.push(i);
      }
      buffer.close();
    })();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(written).toEqual([0, 1, 2]);
    const taken: number[][] = [];
    for (;;) {
      const batch = await buffer.take(2);
      if (batch.length === 0) break;
      taken.push(batch);
    }
    await writer;
    expect(taken.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(taken.every((batch) => batch.length <= 2)).toBe(true);
  });

  it('delivers what arrived before a failure, then the failure', async () => {
    const buffer = new EventBuffer<string>(10);
    await buffer.put('a');
    buffer.fail(new Error('store gone'));
    expect(await buffer.take(5)).toEqual(['a']);
    await expect(buffer.take(5)).rejects.toThrow('store gone');
  });
});
