import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EventTooLargeError,
  InvalidEventError,
  InvalidExpectedRevisionError,
  InvalidStreamNameError,
  WrongExpectedRevisionError,
} from '../../src/ledger/event-store.errors';
import type {
  EventStore,
  ExpectedRevision,
  NewEvent,
  RecordedEvent,
  SubscriptionMessage,
} from '../../src/ledger/event-store.port';
import { subjectStream, verificationStream } from '../../src/ledger/stream-names';
import { newEventId, uniqueId } from '../support/ids';

export interface ContractTarget {
  readonly store: EventStore;
  cleanup(): Promise<void>;
}

function event(type = 'ThingHappened', data: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: newEventId(),
    type,
    data: { n: 1, ...(data as NewEvent['data']) },
    metadata: { correlationId: 'c-1', schemaVersion: 1 },
  };
}

async function nextMessages(
  iterator: AsyncIterator<SubscriptionMessage>,
  count: number,
  timeoutMs = 10_000,
): Promise<SubscriptionMessage[]> {
  const out: SubscriptionMessage[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`timed out after ${out.length} of ${count} messages`);
    const next = await Promise.race([
      iterator.next(),
      new Promise<'timeout'>((resolve) => {
        setTimeout(() => {
          resolve('timeout');
        }, remaining);
      }),
    ]);
    if (next === 'timeout') throw new Error(`timed out after ${out.length} of ${count} messages`);
    if (next.done === true) throw new Error('subscription ended early');
    out.push(next.value);
  }
  return out;
}

const ownedBy =
  (streams: readonly string[]) =>
  (e: RecordedEvent): boolean =>
    streams.includes(e.stream);

/**
 * The event store contract (docs/architecture.md): every adapter runs these same cases. Streams get unique ids so the
 * suite also runs against a shared, long-lived server.
 */
export function eventStoreContract(name: string, create: () => Promise<ContractTarget>): void {
  describe(`EventStore contract: ${name}`, () => {
    let target: ContractTarget;
    let store: EventStore;

    beforeEach(async () => {
      target = await create();
      store = target.store;
    });
    afterEach(async () => {
      await target.cleanup();
    });

    describe('append and read a stream', () => {
      it('appends to a new stream with no_stream and reads the events back in order', async () => {
        const stream = verificationStream(uniqueId());
        const events = [event('A', { k: 'x' }), event('B', { nested: { z: [1, 2], a: null } }), event('C')];
        const result = await store.append(stream, events, 'no_stream');
        expect(result.nextRevision).toBe(2);

        const read = await store.readStream(stream);
        expect(read.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
        expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(read[1]?.data).toEqual({ n: 1, nested: { z: [1, 2], a: null } });
        expect(read[0]?.metadata).toEqual({ correlationId: 'c-1', schemaVersion: 1 });
        expect(read.every((e) => e.stream === stream)).toBe(true);
        expect(read[2]?.position).toBe(result.position);
        expect(read[0]!.position).toBeLessThan(read[1]!.position);
        expect(read[1]!.position).toBeLessThan(read[2]!.position);
        expect(Number.isNaN(Date.parse(read[0]!.created))).toBe(false);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(subjectStream(uniqueId()))).toEqual([]);
      });

      it('reads backwards, from a revision, and bounded by a count', async () => {
        const stream = subjectStream(uniqueId());
        const events = Array.from({ length: 6 }, (_, i) => event(`E${i}`));
        await store.append(stream, events, 'no_stream');

        const backwards = await store.readStream(stream, { direction: 'backwards' });
        expect(backwards.map((e) => e.revision)).toEqual([5, 4, 3, 2, 1, 0]);
        const lastOne = await store.readStream(stream, {
          direction: 'backwards',
          fromRevision: 'end',
          maxCount: 1,
        });
        expect(lastOne.map((e) => e.type)).toEqual(['E5']);
        const middle = await store.readStream(stream, { fromRevision: 2, maxCount: 3 });
        expect(middle.map((e) => e.revision)).toEqual([2, 3, 4]);
        const downFrom3 = await store.readStream(stream, {
          direction: 'backwards',
          fromRevision: 3,
          maxCount: 2,
        });
        expect(downFrom3.map((e) => e.revision)).toEqual([3, 2]);
        expect(await store.readStream(stream, { fromRevision: 6 })).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it('refuses no_stream when the stream exists, reporting the actual revision', async () => {
        const stream = subjectStream(uniqueId());
        await store.append(stream, [event(), event()], 'no_stream');
        const error = await store.append(stream, [event()], 'no_stream').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe(1);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('appends at the exact current revision and refuses a stale one', async () => {
        const stream = subjectStream(uniqueId());
        await store.append(stream, [event()], 'no_stream');
        const second = await store.append(stream, [event(), event()], 0);
        expect(second.nextRevision).toBe(2);
        const error = await store.append(stream, [event()], 0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe(2);
        const ahead = await store.append(stream, [event()], 7).catch((e: unknown) => e);
        expect(ahead).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('refuses an exact revision on a stream that does not exist', async () => {
        const stream = subjectStream(uniqueId());
        const error = await store.append(stream, [event()], 0).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect((error as WrongExpectedRevisionError).actual).toBe(-1);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('appends with any whether or not the stream exists', async () => {
        const stream = subjectStream(uniqueId());
        expect((await store.append(stream, [event()], 'any')).nextRevision).toBe(0);
        expect((await store.append(stream, [event(), event()], 'any')).nextRevision).toBe(2);
      });

      it('requires the stream to exist for stream_exists', async () => {
        const stream = subjectStream(uniqueId());
        const error = await store.append(stream, [event()], 'stream_exists').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        await store.append(stream, [event()], 'no_stream');
        expect((await store.append(stream, [event()], 'stream_exists')).nextRevision).toBe(1);
      });
    });

    describe('idempotent re-append', () => {
      it('treats the same event ids at the same expected revision as a no-op with the first result', async () => {
        const stream = verificationStream(uniqueId());
        const first = [event('A'), event('B')];
        const r1 = await store.append(stream, first, 'no_stream');
        const r2 = await store.append(stream, first, 'no_stream');
        expect(r2).toEqual(r1);

        const next = [event('C')];
        const r3 = await store.append(stream, next, 1);
        const r4 = await store.append(stream, next, 1);
        expect(r4).toEqual(r3);

        const read = await store.readStream(stream);
        expect(read.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        const all = (await store.readAll()).filter(ownedBy([stream]));
        expect(all).toHaveLength(3);
      });
    });

    describe('global log', () => {
      it('reads all events in strictly increasing position order, after a checkpoint', async () => {
        const s1 = subjectStream(uniqueId());
        const s2 = verificationStream(uniqueId());
        const start = await store.headPosition();
        await store.append(s1, [event('A')], 'no_stream');
        const mid = await store.append(s2, [event('B'), event('C')], 'no_stream');
        await store.append(s1, [event('D')], 0);

        const all = (await store.readAll({ after: start })).filter(ownedBy([s1, s2]));
        expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
        for (let i = 1; i < all.length; i += 1)
          expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(all[3]!.position);

        const afterMid = (await store.readAll({ after: mid.position })).filter(ownedBy([s1, s2]));
        expect(afterMid.map((e) => e.type)).toEqual(['D']);
        const bounded = (await store.readAll({ after: start, maxCount: 2 })).filter(ownedBy([s1, s2]));
        expect(bounded.length).toBeLessThanOrEqual(2);
      });

      it('filters the global log by stream prefix', async () => {
        const id = uniqueId();
        const s1 = subjectStream(id);
        const s2 = verificationStream(id);
        const start = await store.headPosition();
        await store.append(s1, [event('S')], 'no_stream');
        await store.append(s2, [event('V')], 'no_stream');
        const subjects = await store.readAll({ after: start, filter: { streamPrefixes: ['kyc-subject-'] } });
        expect(subjects.every((e) => e.stream.startsWith('kyc-subject-'))).toBe(true);
        expect(subjects.filter(ownedBy([s1, s2])).map((e) => e.type)).toEqual(['S']);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers past events, says when it caught up, then delivers live events', async () => {
        const stream = subjectStream(uniqueId());
        const start = await store.headPosition();
        await store.append(stream, [event('Past1'), event('Past2')], 'no_stream');

        const subscription = store.subscribeAll({ after: start, filter: { streamPrefixes: [stream] } });
        const iterator = subscription[Symbol.asyncIterator]();
        try {
          const past = await nextMessages(iterator, 3);
          expect(past.map((m) => (m.kind === 'event' ? m.event.type : m.kind))).toEqual([
            'Past1',
            'Past2',
            'caught_up',
          ]);
          await store.append(stream, [event('Live1')], 1);
          await store.append(stream, [event('Live2')], 2);
          const live = await nextMessages(iterator, 2);
          expect(live.map((m) => (m.kind === 'event' ? m.event.type : m.kind))).toEqual(['Live1', 'Live2']);
          const positions = [...past, ...live].flatMap((m) => (m.kind === 'event' ? [m.event.position] : []));
          expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        } finally {
          await subscription.close();
        }
      });

      it('starts after a given position', async () => {
        const stream = subjectStream(uniqueId());
        await store.append(stream, [event('Old')], 'no_stream');
        const checkpoint = await store.append(stream, [event('Seen')], 0);
        await store.append(stream, [event('New')], 1);

        const subscription = store.subscribeAll({
          after: checkpoint.position,
          filter: { streamPrefixes: [stream] },
        });
        const iterator = subscription[Symbol.asyncIterator]();
        try {
          const messages = await nextMessages(iterator, 2);
          expect(messages.map((m) => (m.kind === 'event' ? m.event.type : m.kind))).toEqual([
            'New',
            'caught_up',
          ]);
        } finally {
          await subscription.close();
        }
      });

      it('ends iteration when closed', async () => {
        const subscription = store.subscribeAll({ after: await store.headPosition() });
        const iterator = subscription[Symbol.asyncIterator]();
        const pending = (async () => {
          for (;;) {
            const next = await iterator.next();
            if (next.done === true) return 'ended';
          }
        })();
        await subscription.close();
        await expect(pending).resolves.toBe('ended');
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of many parallel appends at the same expected revision win', async () => {
        const stream = verificationStream(uniqueId());
        await store.append(stream, [event('Start')], 'no_stream');
        const contenders = Array.from({ length: 16 }, (_, i) => [
          event(`Contender${i}`),
          event(`Contender${i}b`),
        ]);
        const results = await Promise.allSettled(contenders.map((events) => store.append(stream, events, 0)));

        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results) {
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        const read = await store.readStream(stream);
        expect(read.map((e) => e.type)).toEqual([
          'Start',
          `Contender${winners[0]}`,
          `Contender${winners[0]}b`,
        ]);
      });

      it('serialises parallel appends with any without losing one', async () => {
        const stream = verificationStream(uniqueId());
        const events = Array.from({ length: 25 }, (_, i) => event(`Any${i}`));
        await Promise.all(events.map((e) => store.append(stream, [e], 'any')));
        const read = await store.readStream(stream);
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 25 }, (_, i) => i));
        expect(new Set(read.map((e) => e.eventId))).toEqual(new Set(events.map((e) => e.eventId)));
      });
    });

    describe('bad input changes nothing', () => {
      async function expectRefused(
        attempt: () => Promise<unknown>,
        errorType: abstract new (...args: never[]) => Error,
      ): Promise<void> {
        const before = await store.headPosition();
        await expect(attempt()).rejects.toBeInstanceOf(errorType);
        expect(await store.headPosition()).toBe(before);
      }

      it('refuses stream names outside the naming scheme', async () => {
        for (const stream of [
          'orders-1',
          'kyc-subject-',
          'kyc-subject-a b',
          '$all',
          'kyc-verification-../x',
          '',
        ]) {
          await expectRefused(() => store.append(stream, [event()], 'any'), InvalidStreamNameError);
        }
      });

      it('refuses unknown expected-revision values', async () => {
        const stream = subjectStream(uniqueId());
        for (const expected of ['latest', -1, 1.5, Number.NaN, '3', null]) {
          await expectRefused(
            () => store.append(stream, [event()], expected as unknown as ExpectedRevision),
            InvalidExpectedRevisionError,
          );
        }
      });

      it('refuses payloads that are not JSON', async () => {
        const stream = subjectStream(uniqueId());
        const bad: unknown[] = [
          { n: Number.NaN },
          { n: Number.POSITIVE_INFINITY },
          { when: new Date() },
          { f: () => 1 },
          { u: undefined },
          { b: BigInt(1) },
          'a string',
          [1, 2],
        ];
        for (const data of bad) {
          await expectRefused(
            () => store.append(stream, [{ ...event(), data: data as NewEvent['data'] }], 'any'),
            InvalidEventError,
          );
        }
        await expectRefused(
          () => store.append(stream, [{ ...event(), eventId: 'not-a-uuid' }], 'any'),
          InvalidEventError,
        );
        const e = event();
        await expectRefused(() => store.append(stream, [e, e], 'any'), InvalidEventError);
        await expectRefused(() => store.append(stream, [], 'any'), InvalidEventError);
      });

      it('refuses an oversized event and keeps the rest of the append out too', async () => {
        const stream = subjectStream(uniqueId());
        const big = event('Big', { blob: 'x'.repeat(300 * 1024) });
        await expectRefused(() => store.append(stream, [event(), big], 'any'), EventTooLargeError);
        expect(await store.readStream(stream)).toEqual([]);
      });
    });

    describe('behaves like a simple model', () => {
      it('matches the model for random append sequences', async () => {
        type Op = { stream: number; count: number; expected: 'right' | 'wrong' | 'any' | 'no_stream' };
        const op = fc.record({
          stream: fc.integer({ min: 0, max: 2 }),
          count: fc.integer({ min: 1, max: 3 }),
          expected: fc.constantFrom<Op['expected']>('right', 'wrong', 'any', 'no_stream'),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
            const streams = [0, 1, 2].map(() => subjectStream(uniqueId('p')));
            const model = new Map<string, string[]>();
            const globalOrder: string[] = [];
            const start = await store.headPosition();
            for (const { stream: s, count, expected } of ops) {
              const stream = streams[s]!;
              const current = model.get(stream) ?? [];
              const last = current.length - 1;
              const revision: ExpectedRevision =
                expected === 'right'
                  ? last < 0
                    ? 'no_stream'
                    : last
                  : expected === 'wrong'
                    ? last + 5
                    : expected;
              const events = Array.from({ length: count }, () => event());
              const shouldSucceed =
                expected === 'right' || expected === 'any' || (expected === 'no_stream' && last < 0);
              const outcome = await store.append(stream, events, revision).then(
                (r) => r,
                (e: unknown) => e,
              );
              if (shouldSucceed) {
                expect(outcome).toEqual(expect.objectContaining({ nextRevision: last + count }));
                model.set(stream, [...current, ...events.map((e) => e.eventId)]);
                globalOrder.push(...events.map((e) => e.eventId));
              } else {
                expect(outcome).toBeInstanceOf(WrongExpectedRevisionError);
              }
            }
            for (const stream of streams) {
              const read = await store.readStream(stream);
              expect(read.map((e) => e.eventId)).toEqual(model.get(stream) ?? []);
              const back = await store.readStream(stream, { direction: 'backwards' });
              expect(back.map((e) => e.eventId)).toEqual([...(model.get(stream) ?? [])].reverse());
            }
            const all = (await store.readAll({ after: start })).filter(ownedBy(streams));
            expect(all.map((e) => e.eventId)).toEqual(globalOrder);
          }),
          { numRuns: 25 },
        );
      });
    });
  });
}
