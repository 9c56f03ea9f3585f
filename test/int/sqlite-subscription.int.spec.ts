import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SubscriptionMessage } from '../../src/ledger/event-store.port';
import { SqliteEventStore } from '../../src/ledger/sqlite/sqlite-event-store';
import { notedEvent } from '../support/noted-event';

const event = notedEvent;

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/*
 * A filtered subscription over a log where most events do not match (e.g. the expiry scheduler, which follows
 * verification streams, while subject events pour in) must move past what it has scanned: reading again from
 * its last matching event on every wake-up would make each append cost a scan of everything since.
 */
describe('SqliteEventStore filtered subscription', () => {
  it('reads on from the head it scanned, not from its last matching event', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-sub-'));
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    await store.append('kyc-verification-match1', [event()], 'no_stream');
    for (let i = 0; i < 50; i += 1) await store.append(`kyc-subject-other${i}`, [event()], 'no_stream');

    const reads = vi.spyOn(store as unknown as { readAllSync: (after: number) => unknown }, 'readAllSync');
    const subscription = store.subscribeAll({ filter: { streamPrefixes: ['kyc-verification-'] } });
    const iterator = subscription[Symbol.asyncIterator]();
    const next = async (): Promise<SubscriptionMessage> =>
      (await iterator.next()).value as SubscriptionMessage;

    expect(await next()).toMatchObject({ kind: 'event', event: { stream: 'kyc-verification-match1' } });
    expect(await next()).toEqual({ kind: 'caught_up', position: 51 });

    // More events that do not match, then one that does: the next read starts after the scanned head (51).
    for (let i = 50; i < 60; i += 1) await store.append(`kyc-subject-other${i}`, [event()], 'no_stream');
    await store.append('kyc-verification-match2', [event()], 'no_stream');
    expect(await next()).toMatchObject({ kind: 'event', event: { stream: 'kyc-verification-match2' } });
    const afterCaughtUp = reads.mock.calls.slice(1).map(([after]) => after);
    expect(afterCaughtUp.length).toBeGreaterThan(0);
    expect(Math.min(...afterCaughtUp)).toBeGreaterThanOrEqual(51);

    await subscription.close();
    await store.close();
  });
});

/*
 * Readers catching up together (the projections of a starting service) share the blocks of the log they read:
 * each block is read from the file once, and a shared read answers exactly what a read of the file would, also
 * while appends go on past the block being read.
 */
describe('SqliteEventStore shared catch-up reads', () => {
  it('answers like the file while appends go on, reading each finished block once for all readers', async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-shared-'));
    const store = new SqliteEventStore(join(dir, 'events.sqlite'));
    const appendSome = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i += 1) {
        await store.append(
          `kyc-subject-s${randomUUID()}`,
          [event(), event()].slice(0, 1 + (i % 2)),
          'no_stream',
        );
      }
    };
    await appendSome(900); // 1,350 events: two finished blocks of 500 and an unfinished one
    const readers = [0, 0, 0];
    for (let round = 0; round < 12; round += 1) {
      if (round > 0) await appendSome(40);
      for (const [r, after] of readers.entries()) {
        const shared = await store.readAll({ after, maxCount: 300, shared: true });
        const direct = await store.readAll({ after, maxCount: 300 });
        expect(shared).toEqual(direct);
        readers[r] = shared.at(-1)?.position ?? after;
      }
    }
    const head = await store.headPosition();
    expect(readers).toEqual([head, head, head]);
    const { reads, hits } = store.history.stats;
    // Each finished block read from the file once (not once per reader); the others' reads were answered from it.
    expect(reads).toBeLessThanOrEqual(Math.floor(head / 500));
    expect(hits).toBeGreaterThanOrEqual(2 * reads);
    await store.close();
    expect(store.history.held).toBe(0);
  });
});
