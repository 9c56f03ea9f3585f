import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { filesUnder, heapSegments, occurrences } from '../support/disk-scan';
import { client } from '../support/http';
import { enrol } from '../support/privacy-journey';
import { freshDatabase } from '../support/postgres';
import { describeWithService } from '../support/services';

/*
 * A crypto-shred must reach the disk (docs/privacy.md, "What destruction reaches"): once an erasure request has
 * destroyed a key, no file the service wrote — the SQLite database, its -wal and -shm, the event store, and on
 * PostgreSQL the key table's heap file — still holds the wrapped key, in any of the forms it was stored in.
 */

interface KeyRow {
  key_id: string;
  data_class: string;
  wrapped_key: string | null;
  destroyed_at: string | null;
}

async function keyRows(t: TestApp, subjectId: string): Promise<KeyRow[]> {
  const dataSource = t.app.get(DataSource);
  const param = dataSource.options.type === 'postgres' ? '$1' : '?';
  return dataSource.query<KeyRow[]>(
    `SELECT key_id, data_class, wrapped_key, destroyed_at FROM data_keys WHERE subject_id = ${param}`,
    [subjectId],
  );
}

/**
 * Enrols a person with data of every class, asks for erasure (contact address and consent evidence go at once),
 * and returns the wrapped keys the erasure destroyed, as they were stored before it.
 */
async function eraseAndCollectDestroyedKeys(t: TestApp): Promise<string[]> {
  const api = client(t);
  const person = await enrol(api, 'ondisk');
  const before = await keyRows(t, person.subjectId);
  const res = await api.post('privacy', `/v1/subjects/${person.subjectId}/erasure-requests`, {
    ground: 'consent_withdrawn',
    reference: 'dsr-ondisk',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect([...(res.body.erased as string[])].sort()).toEqual(['consent_evidence', 'contact_address']);
  const after = await keyRows(t, person.subjectId);
  const destroyed = after.filter((row) => row.destroyed_at !== null);
  expect(destroyed.map((row) => row.data_class).sort()).toEqual(['consent_evidence', 'contact_address']);
  expect(destroyed.every((row) => row.wrapped_key === null)).toBe(true);
  const wrapped = destroyed.map((row) => before.find((b) => b.key_id === row.key_id)?.wrapped_key ?? null);
  expect(wrapped.every((key) => typeof key === 'string' && key.length > 0)).toBe(true);
  return wrapped as string[];
}

describe('a shredded key on disk (embedded profile)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_RETENTION_INTERVAL_MS: '86400000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is in no file of the data directory right after the erasure request answers', async () => {
    const destroyedKeys = await eraseAndCollectDestroyedKeys(t);
    const files = filesUnder(t.dataDir);
    // The search covers the key database and its write-ahead log, not only what happens to be there.
    expect(files.map((file) => file.slice(t.dataDir.length + 1))).toEqual(
      expect.arrayContaining(['readmodels.sqlite', 'readmodels.sqlite-wal']),
    );
    // The method is sound: a key that was not destroyed is found.
    const live = (await t.app.get(DataSource).query<KeyRow[]>('SELECT * FROM data_keys')).find(
      (row) => row.wrapped_key !== null,
    );
    expect(occurrences(files, [live?.wrapped_key ?? 'missing'])).not.toEqual([]);

    expect(occurrences(files, destroyedKeys)).toEqual([]);
  });
});

describeWithService('DATABASE_URL', 'a shredded key on disk (PostgreSQL)', (databaseUrl) => {
  let db: { url: string; drop(): Promise<void> };
  let t: TestApp;
  let destroyedKeys: string[];

  beforeAll(async () => {
    db = await freshDatabase(databaseUrl);
    t = await startTestApp({ DATABASE_URL: db.url, LEDGER_RETENTION_INTERVAL_MS: '86400000' });
    destroyedKeys = await eraseAndCollectDestroyedKeys(t);
  });
  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  it('is in no row version of the key table that SQL can see, nor in the data directory', async () => {
    const rows = await t.app
      .get(DataSource)
      .query<{ row: string }[]>('SELECT t::text AS row FROM data_keys t');
    expect(rows.length).toBeGreaterThan(0);
    for (const key of destroyedKeys) expect(rows.filter(({ row }) => row.includes(key))).toEqual([]);
    expect(occurrences(filesUnder(t.dataDir), destroyedKeys)).toEqual([]);
  });

  it("is not in the key table's files on the server once its pages are flushed", async (ctx) => {
    const segments = await heapSegments(db.url, 'data_keys');
    if (typeof segments === 'string') {
      ctx.skip(segments);
      return;
    }
    // The method is sound: a key that was not destroyed is found in them.
    const live = (await t.app.get(DataSource).query<KeyRow[]>('SELECT * FROM data_keys')).find(
      (row) => row.wrapped_key !== null,
    );
    expect(occurrences(segments, [live?.wrapped_key ?? 'missing'])).not.toEqual([]);

    expect(occurrences(segments, destroyedKeys)).toEqual([]);
  });
});
