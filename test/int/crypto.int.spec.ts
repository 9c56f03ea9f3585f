import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DecryptionFailedError,
  InvalidKekError,
  InvalidPiiError,
} from '../../src/ledger/crypto/crypto.errors';
import { Kek } from '../../src/ledger/crypto/kek';
import { KeyStore } from '../../src/ledger/crypto/key-store';
import { PiiCipher, type PiiSection } from '../../src/ledger/crypto/pii-cipher';
import { newEventId } from '../support/ids';
import { tempLedger, type TempLedger } from '../support/temp-ledger';

describe(PiiCipher.name, () => {
  let t: TempLedger | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('binds ciphertext to its event id', async () => {
    t = await tempLedger();
    const eventId = newEventId();
    const section = await t.cipher.encrypt(eventId, {
      subjectId: 'sub_a',
      classes: { contact_address: { line1: 'Hauptstr. 1' } },
    });
    expect(JSON.stringify(section)).not.toContain('Hauptstr');
    await expect(t.cipher.decrypt(newEventId(), section)).rejects.toBeInstanceOf(DecryptionFailedError);
    expect((await t.cipher.decrypt(eventId, section)).contact_address).toEqual({
      state: 'clear',
      value: { line1: 'Hauptstr. 1' },
    });
  });

  it('detects a changed ciphertext byte', async () => {
    t = await tempLedger();
    const eventId = newEventId();
    const section = await t.cipher.encrypt(eventId, {
      subjectId: 's',
      classes: { review_notes: { note: 'ok' } },
    });
    const entry = section.entries.review_notes!;
    const bytes = Buffer.from(entry.ct, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const altered: PiiSection = {
      ...section,
      entries: { review_notes: { ...entry, ct: bytes.toString('base64') } },
    };
    await expect(t.cipher.decrypt(eventId, altered)).rejects.toBeInstanceOf(DecryptionFailedError);
  });

  it('uses one key per subject and class', async () => {
    t = await tempLedger();
    const a = await t.keys.activeKey('sub_a', 'identity_attributes');
    expect((await t.keys.activeKey('sub_a', 'identity_attributes')).keyId).toBe(a.keyId);
    expect((await t.keys.activeKey('sub_a', 'contact_address')).keyId).not.toBe(a.keyId);
    expect((await t.keys.activeKey('sub_b', 'identity_attributes')).keyId).not.toBe(a.keyId);
    const parallel = await Promise.all(
      Array.from({ length: 8 }, () => t!.keys.activeKey('sub_c', 'biometric_refs')),
    );
    expect(new Set(parallel.map((k) => k.keyId)).size).toBe(1);
  });

  it('refuses unknown data classes', async () => {
    t = await tempLedger();
    await expect(
      t.cipher.encrypt(newEventId(), { subjectId: 's', classes: { shoe_size: { v: 1 } } as never }),
    ).rejects.toBeInstanceOf(InvalidPiiError);
  });
});

describe(`${KeyStore.name} on SQLite`, () => {
  const opened: TempLedger[] = [];
  afterEach(async () => {
    for (const ledger of opened.splice(0)) await ledger.cleanup();
  });

  it('creates the keys of requests made together in one durable commit, one active key per subject and class', async () => {
    const ledger = await tempLedger();
    opened.push(ledger);
    const raw = ledger.dataSource.driver as unknown as {
      databaseConnection: { transaction: (fn: () => unknown) => unknown };
    };
    const db = raw.databaseConnection;
    const commits = { n: 0 };
    const original = db.transaction.bind(db);
    db.transaction = (fn: () => unknown) => {
      commits.n += 1;
      return original(fn);
    };
    // Twelve subjects at once, and the same subject asked four times at once.
    const subjects = Array.from({ length: 12 }, (_, i) => `sub_group_${String(i)}`);
    const [many, same] = await Promise.all([
      Promise.all(subjects.map((s) => ledger.keys.activeKeys(s, ['identity_attributes', 'contact_address']))),
      Promise.all(Array.from({ length: 4 }, () => ledger.keys.activeKey('sub_same', 'identity_attributes'))),
    ]);
    expect(commits.n).toBe(1);
    expect(new Set(same.map((k) => k.keyId)).size).toBe(1);
    for (const [i, keys] of many.entries()) {
      for (const dataClass of ['identity_attributes', 'contact_address'] as const) {
        const key = keys.get(dataClass);
        if (key === undefined) throw new Error('missing key');
        const found = await ledger.keys.lookup(subjects[i] ?? '', dataClass, key.keyId);
        expect(found.state === 'active' && found.key.equals(key.key)).toBe(true);
      }
    }
    const rows = await ledger.dataSource.query<{ n: number }[]>(
      "SELECT count(*) AS n FROM data_keys WHERE subject_id LIKE 'sub_%' AND destroyed_at IS NULL",
    );
    expect(rows).toEqual([{ n: 25 }]);
  });

  it('never writes a key inside another open transaction on the shared connection (it would be rolled back with it)', async () => {
    const ledger = await tempLedger();
    opened.push(ledger);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const other = ledger.dataSource
      .transaction(async (manager) => {
        await manager.query('SELECT 1');
        await gate;
        throw new Error('rolled back');
      })
      .catch(() => 'rolled back');
    const key = ledger.keys.activeKey('sub_rollback', 'identity_attributes');
    // Let the key's request reach the connection while the other transaction is still open, then roll it back.
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect(await other).toBe('rolled back');
    const { keyId } = await key;
    expect((await ledger.keys.lookup('sub_rollback', 'identity_attributes', keyId)).state).toBe('active');
  });
});

describe(Kek.name, () => {
  it('accepts exactly 32 base64 bytes', () => {
    expect(() => Kek.fromBase64(randomBytes(16).toString('base64'))).toThrow(InvalidKekError);
    expect(() => Kek.fromBase64('not base64 at all!')).toThrow(InvalidKekError);
    expect(Kek.fromBase64(randomBytes(32).toString('base64')).id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('is refused at start-up when it is not the key the store was created with', async () => {
    const t = await tempLedger();
    try {
      await t.keys.activeKey('sub_a', 'identity_attributes');
      const wrong = new KeyStore(t.dataSource, Kek.fromBase64(randomBytes(32).toString('base64')));
      await expect(wrong.assertKek()).rejects.toBeInstanceOf(InvalidKekError);
      await expect(new KeyStore(t.dataSource, t.kek).assertKek()).resolves.toBeUndefined();
    } finally {
      await t.cleanup();
    }
  });
});

describe('KEK rotation', () => {
  it('re-wraps every key so that every event still decrypts under the new KEK only', async () => {
    const t = await tempLedger();
    try {
      const sections = [];
      for (let i = 0; i < 5; i += 1) {
        const eventId = newEventId();
        sections.push({
          eventId,
          section: await t.cipher.encrypt(eventId, {
            subjectId: `sub_${i}`,
            classes: {
              identity_attributes: { fullName: `Rotating Person ${i}` },
              contact_address: { city: 'Bonn' },
            },
          }),
        });
      }
      await t.keys.destroyKeys('sub_4', ['contact_address']);
      const next = Kek.fromBase64(randomBytes(32).toString('base64'));
      expect(await t.keys.rotateKek(next)).toBe(9);

      const rotated = new KeyStore(t.dataSource, next);
      await expect(rotated.assertKek()).resolves.toBeUndefined();
      await expect(new KeyStore(t.dataSource, t.kek).assertKek()).rejects.toBeInstanceOf(InvalidKekError);
      const cipher = new PiiCipher(rotated);
      for (const [i, { eventId, section }] of sections.entries()) {
        const clear = await cipher.decrypt(eventId, section);
        expect(clear.identity_attributes).toEqual({
          state: 'clear',
          value: { fullName: `Rotating Person ${i}` },
        });
        expect(clear.contact_address?.state).toBe(i === 4 ? 'shredded' : 'clear');
      }
    } finally {
      await t.cleanup();
    }
  });
});
