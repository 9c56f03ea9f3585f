import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDataSource } from '../../src/app/persistence/data-source';
import { Kek } from '../../src/ledger/crypto/kek';
import { KeyStore } from '../../src/ledger/crypto/key-store';
import type { DataClass } from '../../src/shared/data-classes';

/*
 * KeyStore.scrubDestroyedKeys on a SQLite key database in a file (the embedded profile): after a shred and a
 * scrub, neither the database file nor its -wal holds a destroyed key, even after many keys of many subjects
 * moved between pages.
 */

const CLASSES: DataClass[] = ['identity_attributes', 'contact_address', 'consent_evidence'];

interface Row {
  key_id: string;
  subject_id: string;
  wrapped_key: string | null;
}

describe(KeyStore.name, () => {
  let dir: string;
  let file: string;
  let dataSource: DataSource;
  let keys: KeyStore;

  const files = (): string[] => [file, `${file}-wal`, `${file}-shm`].filter((path) => existsSync(path));
  const foundIn = (wrapped: readonly string[]): string[] =>
    files().flatMap((path) => {
      const content = readFileSync(path);
      return wrapped
        .filter(
          (key) => content.includes(Buffer.from(key, 'utf8')) || content.includes(Buffer.from(key, 'base64')),
        )
        .map((key) => `${path}: ${key}`);
    });

  /** Creates keys for `count` subjects and returns the wrapped keys of every third one's contact and consent. */
  const seedAndPick = async (count: number): Promise<{ subjects: string[]; wrapped: string[] }> => {
    for (let n = 0; n < count; n += 1) await keys.activeKeys(`sub_${n}`, CLASSES);
    // Retiring rewrites rows (and moves them within and across pages) before anything is destroyed.
    for (let n = 0; n < count; n += 2) await keys.retireClasses(`sub_${n}`, ['identity_attributes']);
    const subjects = Array.from({ length: count }, (_, n) => `sub_${n}`).filter((_, n) => n % 3 === 0);
    const rows = await dataSource.query<Row[]>(
      `SELECT key_id, subject_id, wrapped_key FROM data_keys WHERE data_class IN ('contact_address', 'consent_evidence')`,
    );
    const wrapped = rows
      .filter((row) => subjects.includes(row.subject_id))
      .map((row) => row.wrapped_key ?? 'missing');
    return { subjects, wrapped };
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyc-shred-'));
    file = join(dir, 'readmodels.sqlite');
    dataSource = await openDataSource({ kind: 'sqlite', file });
    keys = new KeyStore(dataSource, Kek.fromBase64(randomBytes(32).toString('base64')));
    await keys.assertKek();
  });
  afterEach(async () => {
    if (dataSource.isInitialized) await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves no destroyed key in the database file or its write-ahead log', async () => {
    const { subjects, wrapped } = await seedAndPick(150);
    for (const subjectId of subjects) {
      await keys.destroyKeys(subjectId, ['contact_address', 'consent_evidence']);
    }
    // Without a scrub the destroyed keys are still on disk: this is what the scrub is for.
    expect(foundIn(wrapped)).not.toEqual([]);

    expect(await keys.scrubDestroyedKeys()).toEqual({ complete: true });

    expect(foundIn(wrapped)).toEqual([]);
    expect(readFileSync(`${file}-wal`)).toHaveLength(0);
    // Keys that were not destroyed are untouched.
    const live = await dataSource.query<Row[]>(
      `SELECT wrapped_key FROM data_keys WHERE data_class = 'identity_attributes' AND subject_id = 'sub_3'`,
    );
    expect(foundIn(live.map((row) => row.wrapped_key ?? 'missing'))).not.toEqual([]);
  });

  it('zeroes the freed space of a rewritten row (secure_delete), so the file holds no copy after a checkpoint', async () => {
    const { subjects, wrapped } = await seedAndPick(60);
    // Everything in the database file first, so only the shred's own writes are in the log.
    expect(await keys.scrubDestroyedKeys()).toEqual({ complete: true });
    expect(foundIn(wrapped)).not.toEqual([]);
    for (const subjectId of subjects) {
      await keys.destroyKeys(subjectId, ['contact_address', 'consent_evidence']);
    }
    expect(await keys.scrubDestroyedKeys()).toEqual({ complete: true });
    expect(foundIn(wrapped)).toEqual([]);
  });

  it('waits for a transaction open on the shared connection to end, then truncates the log', async () => {
    const { subjects, wrapped } = await seedAndPick(30);
    for (const subjectId of subjects) {
      await keys.destroyKeys(subjectId, ['contact_address', 'consent_evidence']);
    }
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const transaction = dataSource.transaction(async (manager) => {
      await manager.query('SELECT count(*) FROM data_keys');
      await released;
    });
    const scrub = keys.scrubDestroyedKeys();
    release();
    await transaction;
    expect(await scrub).toEqual({ complete: true });
    expect(foundIn(wrapped)).toEqual([]);
  });

  it('shares one scrub among concurrent callers, and each answer comes from a scrub begun after its call', async () => {
    let runs = 0;
    const pragma = (
      dataSource.driver as unknown as { databaseConnection: { pragma: (source: string) => unknown } }
    ).databaseConnection;
    const original = pragma.pragma.bind(pragma);
    pragma.pragma = (source: string): unknown => {
      if (source.startsWith('wal_checkpoint')) runs += 1;
      return original(source);
    };
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => keys.scrubDestroyedKeys()));
    expect(outcomes).toEqual(Array.from({ length: 8 }, () => ({ complete: true })));
    // The first call runs at once; the seven that arrive while it runs wait for one more run, together.
    expect(runs).toBe(2);
  });

  it('reports a scrub that could not run instead of throwing: the keys are destroyed either way', async () => {
    await dataSource.destroy();
    const outcome = await keys.scrubDestroyedKeys();
    expect(outcome.complete).toBe(false);
  });
});

describe(`${KeyStore.name} on PostgreSQL`, () => {
  const kek = Kek.fromBase64(randomBytes(32).toString('base64'));
  const storeWith = (query: (sql: string) => Promise<unknown>): KeyStore =>
    new KeyStore(
      { options: { type: 'postgres' }, getRepository: () => ({}), query } as unknown as DataSource,
      kek,
    );

  it('vacuums the key table, so the dead row versions that held destroyed keys are pruned', async () => {
    const statements: string[] = [];
    const keys = storeWith((sql) => {
      statements.push(sql);
      return Promise.resolve(sql.includes('pg_has_role') ? [{ owns: true }] : []);
    });
    expect(await keys.scrubDestroyedKeys()).toEqual({ complete: true });
    expect(statements.at(-1)).toBe('VACUUM data_keys');
  });

  it('reports, rather than trusts, a VACUUM that PostgreSQL would skip because the role does not own the table', async () => {
    const statements: string[] = [];
    const keys = storeWith((sql) => {
      statements.push(sql);
      return Promise.resolve(sql.includes('pg_has_role') ? [{ owns: false }] : []);
    });
    expect(await keys.scrubDestroyedKeys()).toMatchObject({ complete: false });
    expect(statements).not.toContain('VACUUM data_keys');
  });

  it('reports a failed VACUUM instead of throwing', async () => {
    const keys = storeWith(() => Promise.reject(new Error('canceling statement due to statement timeout')));
    expect(await keys.scrubDestroyedKeys()).toEqual({
      complete: false,
      reason: 'Error: canceling statement due to statement timeout',
    });
  });
});
