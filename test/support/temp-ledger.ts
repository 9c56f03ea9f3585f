import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { Kek } from '../../src/ledger/crypto/kek';
import { KeyStore } from '../../src/ledger/crypto/key-store';
import { PiiCipher } from '../../src/ledger/crypto/pii-cipher';
import type { Actor } from '../../src/ledger/envelope';
import { Ledger } from '../../src/ledger/ledger';
import { SqliteEventStore } from '../../src/ledger/sqlite/sqlite-event-store';
import { openDataSource } from '../../src/app/persistence/data-source';
import { type Clock, systemClock } from '../../src/shared/clock';

export const testActor: Actor = { kind: 'user', id: 'operator-1', roles: ['operator'] };

export interface TempLedger {
  readonly dir: string;
  readonly eventsFile: string;
  readonly store: SqliteEventStore;
  readonly dataSource: DataSource;
  readonly keys: KeyStore;
  readonly cipher: PiiCipher;
  readonly ledger: Ledger;
  readonly kek: Kek;
  cleanup(): Promise<void>;
}

/** An embedded-profile ledger in a temporary directory: SQLite events file, SQLite key store (keys timed by `clock`). */
export async function tempLedger(
  kekBase64 = randomBytes(32).toString('base64'),
  clock: Clock = systemClock,
): Promise<TempLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-test-'));
  const eventsFile = join(dir, 'events.sqlite');
  const store = new SqliteEventStore(eventsFile);
  const dataSource = await openDataSource({ kind: 'sqlite', file: join(dir, 'readmodels.sqlite') });
  const kek = Kek.fromBase64(kekBase64);
  const keys = new KeyStore(dataSource, kek, () => clock.now());
  await keys.assertKek();
  const cipher = new PiiCipher(keys);
  return {
    dir,
    eventsFile,
    store,
    dataSource,
    keys,
    cipher,
    kek,
    ledger: new Ledger(store, cipher),
    cleanup: async () => {
      await store.close();
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
