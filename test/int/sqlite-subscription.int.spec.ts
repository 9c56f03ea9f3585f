import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NewEvent, SubscriptionMessage } from '../../src/ledger/event-store.port';
import { SqliteEventStore } from '../../src/ledger/sqlite/sqlite-event-store';

function event(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'Noted',
    data: { n: 1 },
    metadata: {
      occurredAt: '2026-11-26T10:00:00.000Z',
      recordedAt: '2026-11-26T10:00:00.000Z',
      actor: { kind: 'system', id: 'test', roles: [] },
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
      prevHash: '0'.repeat(64),
      hash: 'f'.repeat(64),
    },
  };
}

/*
 * A filtered subscription over a log where most events do not match (e.g. the expiry scheduler, which follows
 * verification streams, while subject events pour in) must move past what it has scanned: reading again from
 * its last matching event on every wake-up would make each append cost a scan of everything since.
 */
describe('SqliteEventStore filtered subscription', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

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
