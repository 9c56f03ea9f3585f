import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDataSource, readModelDatabase } from '../../src/app/persistence/data-source';
import { createEventStore } from '../../src/ledger/event-store.factory';
import { loadConfig } from '../../src/platform/config/config';
import { sqliteConnectionOf } from '../../src/shared/sqlite-connection';

/** SQLite's `cache_size` of a connection: negative values are KiB. */
const cacheKib = (db: Database): number => -Number(db.pragma('cache_size', { simple: true }));

describe('LEDGER_SQLITE_CACHE_MB', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function cachesWith(env: Record<string, string>): Promise<{ events: number; readModels: number }> {
    const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-cache-'));
    dirs.push(dir);
    const config = loadConfig({ LEDGER_DATA_DIR: dir, ...env });
    const store = await createEventStore(config);
    const dataSource = await openDataSource(readModelDatabase(config));
    try {
      const readModels = sqliteConnectionOf(dataSource);
      if (readModels === undefined) throw new Error('the embedded profile reads models from SQLite');
      // The event store's connection is its own; the test looks at it from inside.
      return {
        events: cacheKib((store as unknown as { db: Database }).db),
        readModels: cacheKib(readModels),
      };
    } finally {
      await dataSource.destroy();
      await store.close();
    }
  }

  it('sizes the page cache of both SQLite files: 16 MiB each by default, the configured size otherwise', async () => {
    expect(await cachesWith({})).toEqual({ events: 16_384, readModels: 16_384 });
    expect(await cachesWith({ LEDGER_SQLITE_CACHE_MB: '4' })).toEqual({
      events: 4096,
      readModels: 4096,
    });
  });
});
