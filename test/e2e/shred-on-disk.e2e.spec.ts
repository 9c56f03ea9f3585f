import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
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

/** Byte patterns of one wrapped key: as stored (base64 text), raw, hex, and the ciphertext part alone. */
function patternsOf(wrappedKey: string): { name: string; bytes: Buffer }[] {
  const raw = Buffer.from(wrappedKey, 'base64');
  return [
    { name: 'base64', bytes: Buffer.from(wrappedKey, 'utf8') },
    // A fragment too, in case the row was partly overwritten: base64 characters 40..72 encode bytes 30..54.
    { name: 'base64 fragment', bytes: Buffer.from(wrappedKey.slice(40, 72), 'utf8') },
    { name: 'raw', bytes: raw },
    { name: 'raw ciphertext', bytes: raw.subarray(28) },
    { name: 'hex', bytes: Buffer.from(raw.toString('hex'), 'utf8') },
  ];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every (file, form) in which one of the keys is still found. */
function occurrences(files: readonly string[], wrappedKeys: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const content = readFileSync(file);
    for (const key of wrappedKeys) {
      for (const { name, bytes } of patternsOf(key)) {
        if (content.includes(bytes)) found.push(`${file}: ${name} of a destroyed key`);
      }
    }
  }
  return found;
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
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    let dataDirectory: string;
    let relationPath: string;
    try {
      // Flush the pages as they are now, so the files show what the table holds (needs superuser or pg_checkpoint).
      await admin.query('CHECKPOINT');
      dataDirectory = (
        await admin.query<{ d: string }>('SELECT current_setting($1) AS d', ['data_directory'])
      ).rows[0]!.d;
      relationPath = (await admin.query<{ p: string }>(`SELECT pg_relation_filepath('data_keys') AS p`))
        .rows[0]!.p;
    } catch (error) {
      ctx.skip(`cannot flush or locate the table's files on this server (${(error as Error).message})`);
      return;
    } finally {
      await admin.end();
    }
    const main = join(dataDirectory, relationPath);
    try {
      readFileSync(main);
    } catch (error) {
      // The server runs as another user on this machine, or on another machine: its files are out of reach.
      ctx.skip(`the server's data directory is not readable here (${(error as Error).message})`);
      return;
    }
    // The heap file and its 1 GB segments (.1, .2, …); the free-space and visibility maps hold no tuples.
    const segments = [main];
    for (let n = 1; existsSync(`${main}.${n}`); n += 1) segments.push(`${main}.${n}`);
    // The method is sound: a key that was not destroyed is found in them.
    const live = (await t.app.get(DataSource).query<KeyRow[]>('SELECT * FROM data_keys')).find(
      (row) => row.wrapped_key !== null,
    );
    expect(occurrences(segments, [live?.wrapped_key ?? 'missing'])).not.toEqual([]);

    expect(occurrences(segments, destroyedKeys)).toEqual([]);
  });
});
