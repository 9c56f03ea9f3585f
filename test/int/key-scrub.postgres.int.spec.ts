import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDataSource } from '../../src/app/persistence/data-source';
import { Kek } from '../../src/ledger/crypto/kek';
import { KeyStore } from '../../src/ledger/crypto/key-store';
import { heapSegments, occurrences } from '../support/disk-scan';
import { freshDatabase } from '../support/postgres';
import { describeWithService } from '../support/services';

/*
 * VACUUM keeps every row version some snapshot can still see. A transaction that began before a shred (a
 * report, a projection batch, another instance) may see the destroyed key's old row version, so the scrub
 * waits for such transactions to end, for a bounded time, before it vacuums; if they do not end in time it
 * says the key may remain on disk. In a database of its own, so no other test's transactions take part.
 */
describeWithService('DATABASE_URL', 'KeyStore scrub on PostgreSQL', (url) => {
  let db: { url: string; drop(): Promise<void> };
  let dataSource: DataSource;
  const kek = Kek.fromBase64(randomBytes(32).toString('base64'));

  beforeAll(async () => {
    db = await freshDatabase(url);
    dataSource = await openDataSource({ kind: 'postgres', url: db.url });
    await new KeyStore(dataSource, kek).assertKek();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  async function wrappedKeyOf(subjectId: string): Promise<string> {
    const [row] = await dataSource.query<{ wrapped_key: string }[]>(
      'SELECT wrapped_key FROM data_keys WHERE subject_id = $1',
      [subjectId],
    );
    return row!.wrapped_key;
  }

  /** A session that took its snapshot of the key table now and keeps it until `end()`. */
  async function olderSnapshot(): Promise<{ end(): Promise<void> }> {
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    await holder.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await holder.query('SELECT count(*) FROM data_keys');
    return {
      end: async () => {
        await holder.query('COMMIT');
        await holder.end();
      },
    };
  }

  it('waits for a transaction older than the shred to end, then leaves no trace of the key in the heap', async (ctx) => {
    const keys = new KeyStore(dataSource, kek, undefined, { scrubWaitMs: 10_000 });
    await keys.activeKey('sub_wait', 'contact_address');
    await keys.activeKey('sub_live', 'contact_address');
    const destroyed = await wrappedKeyOf('sub_wait');
    const holder = await olderSnapshot();
    expect(await keys.destroyKeys('sub_wait', ['contact_address'])).toBe(1);

    const scrub = keys.scrubDestroyedKeys();
    // The older transaction ends while the scrub runs; a scrub that vacuumed at once would have kept the row.
    const ended = new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        holder.end().then(resolve, reject);
      }, 300);
    });
    expect(await scrub).toEqual({ complete: true });
    await ended;

    const segments = await heapSegments(db.url, 'data_keys');
    if (typeof segments === 'string') {
      ctx.skip(segments);
      return;
    }
    // The method is sound: a live key is found in the same files.
    expect(occurrences(segments, [await wrappedKeyOf('sub_live')])).not.toEqual([]);
    expect(occurrences(segments, [destroyed])).toEqual([]);
  });

  it('says the key may remain when such a transaction outlasts the wait, and vacuums anyway', async () => {
    const keys = new KeyStore(dataSource, kek, undefined, { scrubWaitMs: 200 });
    await keys.activeKey('sub_late', 'contact_address');
    const holder = await olderSnapshot();
    try {
      expect(await keys.destroyKeys('sub_late', ['contact_address'])).toBe(1);
      expect(await keys.scrubDestroyedKeys()).toEqual({
        complete: false,
        reason: 'a transaction older than the shred still held a snapshot of the key database',
      });
    } finally {
      await holder.end();
    }
    // Nothing older is left: the next scrub completes at once.
    expect(await keys.scrubDestroyedKeys()).toEqual({ complete: true });
  });
});
