import { randomUUID } from 'node:crypto';
import {
  ANY,
  EventStoreDBClient,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../../src/ledger/event-store.errors';
import type { NewEvent, SubscriptionMessage } from '../../src/ledger/event-store.port';
import { AppendTooLargeError } from '../../src/ledger/eventstoredb/eventstoredb.errors';
import { EventStoreDbEventStore } from '../../src/ledger/eventstoredb/eventstoredb-event-store';
import { SUBSCRIPTION_HIGH_WATER } from '../../src/ledger/eventstoredb/eventstoredb-subscription';
import { subjectStream, verificationStream } from '../../src/ledger/stream-names';
import {
  type EsdbStandIn,
  type EsdbStandInOptions,
  startEsdbStandIn,
} from '../support/esdb-standin/esdb-standin';
import { uniqueId } from '../support/ids';

function newEvent(type = 'Noted', data: Record<string, string> = {}): NewEvent {
  return { eventId: randomUUID(), type, data: { ...data }, metadata: { correlationId: 'c-1' } };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function standIn(options: EsdbStandInOptions = {}): Promise<EsdbStandIn> {
  const server = await startEsdbStandIn(options);
  cleanups.push(() => server.stop());
  return server;
}

function adapter(server: EsdbStandIn): EventStoreDbEventStore {
  const store = new EventStoreDbEventStore(server.connectionString);
  cleanups.push(() => store.close());
  return store;
}

function rawClient(server: EsdbStandIn): EventStoreDBClient {
  const client = EventStoreDBClient.connectionString(server.connectionString);
  cleanups.push(() => client.dispose());
  return client;
}

/** The next `count` messages, or a failure naming how many arrived before `timeoutMs`. */
async function take(
  iterator: AsyncIterator<SubscriptionMessage>,
  count: number,
  timeoutMs = 5_000,
): Promise<SubscriptionMessage[]> {
  const out: SubscriptionMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      iterator.next(),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(
          () => {
            resolve('timeout');
          },
          Math.max(remaining, 0),
        );
      }),
    ]);
    clearTimeout(timer);
    if (next === 'timeout') throw new Error(`timed out after ${out.length} of ${count} messages`);
    if (next.done === true) throw new Error(`subscription ended after ${out.length} of ${count} messages`);
    out.push(next.value);
  }
  return out;
}

const labels = (messages: SubscriptionMessage[]): string[] =>
  messages.map((m) => (m.kind === 'event' ? m.event.type : m.kind));

const modes: [string, EsdbStandInOptions][] = [
  ['current server (BatchAppend)', {}],
  ['20.x server (Append)', { legacy: true }],
];

describe(EventStoreDbEventStore.name, () => {
  describe.each(modes)('appending, %s', (_label, options) => {
    it('goes through the append call the server offers', async () => {
      const server = await standIn(options);
      const store = adapter(server);
      await store.append(subjectStream(uniqueId()), [newEvent()], 'no_stream');
      if (options.legacy === true) {
        expect(server.calls).toMatchObject({ append: 1, batchAppend: 0, getSupportedMethods: 0 });
      } else {
        expect(server.calls).toMatchObject({ append: 0, batchAppend: 1, getSupportedMethods: 1 });
      }
    });

    it('maps a conflict to WrongExpectedRevisionError with the actual revision', async () => {
      const store = adapter(await standIn(options));
      const stream = verificationStream(uniqueId());
      await store.append(stream, [newEvent(), newEvent(), newEvent()], 'no_stream');

      const stale = await store.append(stream, [newEvent()], 1).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(WrongExpectedRevisionError);
      expect(stale).toMatchObject({ stream, expected: 1, actual: 2, code: 'concurrency_conflict' });

      const exists = await store.append(stream, [newEvent()], 'no_stream').catch((e: unknown) => e);
      expect(exists).toMatchObject({ expected: 'no_stream', actual: 2 });

      const missing = subjectStream(uniqueId());
      const absent = await store.append(missing, [newEvent()], 'stream_exists').catch((e: unknown) => e);
      expect(absent).toBeInstanceOf(WrongExpectedRevisionError);
      expect(absent).toMatchObject({ expected: 'stream_exists', actual: -1 });
    });

    it('reads the position back when the server answers a repeated append without one', async () => {
      const store = adapter(await standIn({ ...options, noPositionOnRepeat: true }));
      const stream = verificationStream(uniqueId());
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.append(stream, events, 'no_stream');
      await store.append(stream, [newEvent('C')], 1);
      expect(await store.append(stream, events, 'no_stream')).toEqual(first);
    });

    it('refuses an append larger than the server takes, writing none of it', async () => {
      const store = adapter(await standIn({ ...options, maxAppendSize: 4096 }));
      const stream = subjectStream(uniqueId());
      const half = 'x'.repeat(3000);
      const error = await store
        .append(stream, [newEvent('A', { half }), newEvent('B', { half })], 'any')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppendTooLargeError);
      expect(error).toMatchObject({ limit: 4096 });
      expect(await store.readStream(stream)).toEqual([]);
    });
  });

  describe('when EventStoreDB is unreachable', () => {
    it('reports EventStoreUnavailableError from every operation once the server is gone', async () => {
      const server = await standIn();
      const store = adapter(server);
      const stream = subjectStream(uniqueId());
      await store.append(stream, [newEvent()], 'no_stream');
      await server.stop();

      const attempts: [string, () => Promise<unknown>][] = [
        ['append', () => store.append(stream, [newEvent()], 0)],
        ['readStream', () => store.readStream(stream)],
        ['readAll', () => store.readAll()],
        ['headPosition', () => store.headPosition()],
        ['ping', () => store.ping()],
      ];
      for (const [name, attempt] of attempts) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error, name).toBeInstanceOf(EventStoreUnavailableError);
        // Fixed wording: no address, no server text, no stream name.
        expect((error as Error).message, name).not.toMatch(/127\.0\.0\.1|kyc-/);
      }
    });

    it('reports EventStoreUnavailableError when nothing listens at the address', async () => {
      const server = await standIn();
      const { connectionString } = server;
      await server.stop();
      const store = new EventStoreDbEventStore(connectionString);
      cleanups.push(() => store.close());
      await expect(store.append(subjectStream(uniqueId()), [newEvent()], 'any')).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
      await expect(store.ping()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    });

    it('ends a live subscription with EventStoreUnavailableError when the server goes away', async () => {
      const server = await standIn();
      const store = adapter(server);
      const subscription = store.subscribeAll();
      cleanups.push(() => subscription.close());
      const iterator = subscription[Symbol.asyncIterator]();
      expect(labels(await take(iterator, 1))).toEqual(['caught_up']);
      await server.stop();
      await expect(iterator.next()).rejects.toBeInstanceOf(EventStoreUnavailableError);
    });

    it('does not repeat the connection string, credentials included, when it is malformed', () => {
      expect(() => new EventStoreDbEventStore('esdb://admin:s3cret@host:2113?tls=maybe')).toThrow(
        /^(?!.*s3cret).*connection string is not valid/,
      );
    });
  });

  describe('system events', () => {
    it('are really in the stand-in log, so the filters below are tested against something', async () => {
      const server = await standIn();
      const all = [];
      for await (const resolved of rawClient(server).readAll()) all.push(resolved.event);
      expect(all.map((e) => e?.streamId)).toEqual(
        expect.arrayContaining(['$epochs', '$users', '$settings', expect.stringMatching(/^\$stats-/)]),
      );
      // One system event has a type without `$`: only the adapter's stream-name check keeps it out.
      expect(all.find((e) => e?.streamId === '$settings')?.type).toBe('settings-updated');
    });

    it('are excluded from readAll, with and without a prefix filter, and from headPosition', async () => {
      const store = adapter(await standIn());
      expect(await store.readAll()).toEqual([]);
      expect(await store.headPosition()).toBe(0);

      const stream = subjectStream(uniqueId());
      const { position } = await store.append(stream, [newEvent('Mine')], 'no_stream');
      expect((await store.readAll()).map((e) => e.stream)).toEqual([stream]);
      expect(await store.readAll({ filter: { streamPrefixes: ['$', 'kyc-'] } })).toHaveLength(1);
      expect(await store.headPosition()).toBe(position);
    });

    it('are excluded from subscriptions, during catch-up and live', async () => {
      const server = await standIn();
      const store = adapter(server);
      const stream = subjectStream(uniqueId());
      const past = ['Before'];
      await store.append(stream, [newEvent('Before')], 'no_stream');
      for (const filter of [undefined, { streamPrefixes: ['$', 'kyc-subject-'] }]) {
        const subscription = store.subscribeAll({ filter });
        cleanups.push(() => subscription.close());
        const iterator = subscription[Symbol.asyncIterator]();
        expect(labels(await take(iterator, past.length + 1))).toEqual([...past, 'caught_up']);
        server.writeSystemEvent('$stats-127.0.0.1:2113', '$statsCollected');
        server.writeSystemEvent('$settings', 'settings-updated');
        const live = newEvent('Live');
        await store.append(stream, [live], 'any');
        past.push('Live');
        const [next] = await take(iterator, 1);
        expect(next?.kind === 'event' ? next.event.eventId : next?.kind).toBe(live.eventId);
        await subscription.close();
      }
    });
  });

  describe('caught-up', () => {
    /** A head the filtered subscription never sees: only the server's signal (or a checkpoint) can mark it. */
    async function seed(store: EventStoreDbEventStore, count: number): Promise<string> {
      const mine = subjectStream(uniqueId());
      for (let i = 0; i < count; i += 100) {
        const batch = Array.from({ length: Math.min(100, count - i) }, () => newEvent('Past'));
        await store.append(mine, batch, 'any');
      }
      await store.append(verificationStream(uniqueId()), [newEvent('Elsewhere')], 'no_stream');
      return mine;
    }

    it("uses the server's caught-up message, after the events the client still had buffered", async () => {
      const server = await standIn({ checkpoints: false });
      const store = adapter(server);
      // Nobody reads at first, so the adapter pauses the client after SUBSCRIPTION_HIGH_WATER events and the
      // last few events sit in the client's buffer when the caught-up message is processed.
      const count = SUBSCRIPTION_HIGH_WATER + 5;
      const mine = await seed(store, count);
      const subscription = store.subscribeAll({ filter: { streamPrefixes: [mine] } });
      cleanups.push(() => subscription.close());
      const iterator = subscription[Symbol.asyncIterator]();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const messages = await take(iterator, count + 1, 15_000);
      expect(labels(messages).indexOf('caught_up')).toBe(count);
      const live = newEvent('Live');
      await store.append(mine, [live], 'any');
      expect(labels(await take(iterator, 1))).toEqual(['Live']);
    });

    it('falls back on checkpoints when the server sends no caught-up message (before 23.10)', async () => {
      const store = adapter(await standIn({ legacy: true }));
      const mine = await seed(store, 5);
      const head = await store.headPosition();
      const subscription = store.subscribeAll({ filter: { streamPrefixes: [mine] } });
      cleanups.push(() => subscription.close());
      const messages = await take(subscription[Symbol.asyncIterator](), 6);
      expect(labels(messages)).toEqual(['Past', 'Past', 'Past', 'Past', 'Past', 'caught_up']);
      expect(messages[5]).toEqual({ kind: 'caught_up', position: head });
    });
  });

  describe('closing', () => {
    it('ends open subscriptions and refuses further calls', async () => {
      const store = new EventStoreDbEventStore((await standIn()).connectionString);
      const subscription = store.subscribeAll();
      const iterator = subscription[Symbol.asyncIterator]();
      expect(labels(await take(iterator, 1))).toEqual(['caught_up']);
      await store.close();
      await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
      await expect(store.readAll()).rejects.toBeInstanceOf(EventStoreUnavailableError);
      await expect(store.append(subjectStream(uniqueId()), [newEvent()], 'any')).rejects.toBeInstanceOf(
        EventStoreUnavailableError,
      );
    });
  });
});

describe('EventStoreDB stand-in', () => {
  describe.each(modes)('idempotent re-append, %s', (_label, options) => {
    const event = (type: string) => jsonEvent({ id: randomUUID(), type, data: { type } });

    it('answers a repeat at the same expected revision with the first result and writes nothing', async () => {
      const client = rawClient(await standIn(options));
      const stream = subjectStream(uniqueId());
      const first = [event('A'), event('B')];
      const original = await client.appendToStream(stream, first, { expectedRevision: NO_STREAM });
      expect(await client.appendToStream(stream, first, { expectedRevision: NO_STREAM })).toEqual(original);

      const second = [event('C')];
      const third = await client.appendToStream(stream, second, { expectedRevision: 1n });
      expect(await client.appendToStream(stream, second, { expectedRevision: 1n })).toEqual(third);
      // Repeating the first append with `any` or `stream_exists` is recognised by its event ids.
      expect(await client.appendToStream(stream, first, { expectedRevision: ANY })).toEqual(original);
      expect(await client.appendToStream(stream, first, { expectedRevision: STREAM_EXISTS })).toEqual(
        original,
      );

      const types = [];
      for await (const resolved of client.readStream(stream)) types.push(resolved.event?.type);
      expect(types).toEqual(['A', 'B', 'C']);
    });

    it('refuses a repeat that does not match what follows the expected revision', async () => {
      const client = rawClient(await standIn(options));
      const stream = subjectStream(uniqueId());
      const [a, b, c] = [event('A'), event('B'), event('C')];
      await client.appendToStream(stream, [a, b], { expectedRevision: NO_STREAM });
      for (const [events, expectedRevision] of [
        [[a, b, c], NO_STREAM], // more than was written
        [[b], NO_STREAM], // not the events right after the expected revision
        [[a, b], 0n], // the right ids at another revision
      ] as const) {
        const error = await client
          .appendToStream(stream, [...events], { expectedRevision })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ actualVersion: 1n });
      }
      const ids = [];
      for await (const resolved of client.readStream(stream)) ids.push(resolved.event?.id);
      expect(ids).toEqual([a.id, b.id]);
    });
  });
});
