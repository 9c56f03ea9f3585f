import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DecryptionFailedError, InvalidKekError } from '../../src/ledger/crypto/crypto.errors';
import { Kek } from '../../src/ledger/crypto/kek';
import { KeyStore } from '../../src/ledger/crypto/key-store';
import { PiiCipher } from '../../src/ledger/crypto/pii-cipher';
import { newEventId } from '../support/ids';
import { postgresSchema } from '../support/postgres';
import { describeWithService } from '../support/services';

describeWithService('DATABASE_URL', 'KeyStore on PostgreSQL', (url) => {
  let pg: Awaited<ReturnType<typeof postgresSchema>>;
  let dataSource: DataSource;
  const kek = Kek.fromBase64(randomBytes(32).toString('base64'));

  beforeAll(async () => {
    pg = await postgresSchema(url);
    dataSource = pg.dataSource;
    await new KeyStore(dataSource, kek).assertKek();
  });
  afterAll(async () => {
    await pg.drop();
  });

  it('creates one active key per subject and class, even under parallel first use', async () => {
    const keys = new KeyStore(dataSource, kek);
    const parallel = await Promise.all(
      Array.from({ length: 10 }, () => keys.activeKey('sub_pg', 'identity_attributes')),
    );
    expect(new Set(parallel.map((k) => k.keyId)).size).toBe(1);
    const rows = await dataSource.query(
      `SELECT count(*)::int AS n FROM "${pg.schema}".data_keys WHERE subject_id = 'sub_pg'`,
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  it('stores only wrapped keys and shreds them for good', async () => {
    const keys = new KeyStore(dataSource, kek);
    const cipher = new PiiCipher(keys);
    const eventId = newEventId();
    const section = await cipher.encrypt(eventId, {
      subjectId: 'sub_shred',
      classes: { contact_address: { city: 'Köln-Tamper' } },
    });
    const { key } = await keys.activeKey('sub_shred', 'contact_address');
    const [row] = await dataSource.query<{ wrapped_key: string }[]>(
      `SELECT wrapped_key FROM "${pg.schema}".data_keys WHERE subject_id = 'sub_shred'`,
    );
    expect(Buffer.from(row!.wrapped_key, 'base64').includes(key)).toBe(false);

    expect(await keys.destroyKeys('sub_shred', ['contact_address'])).toBe(1);
    expect(await cipher.decrypt(eventId, section)).toEqual({ contact_address: { state: 'shredded' } });
    const [after] = await dataSource.query<{ wrapped_key: string | null; destroyed_at: string | null }[]>(
      `SELECT wrapped_key, destroyed_at FROM "${pg.schema}".data_keys WHERE subject_id = 'sub_shred'`,
    );
    expect(after).toMatchObject({ wrapped_key: null, destroyed_at: expect.any(String) });
    // New personal data after a shred gets a new key; the old data stays unreadable.
    expect((await keys.activeKey('sub_shred', 'contact_address')).keyId).not.toBe(
      section.entries.contact_address?.keyId,
    );
    expect(await cipher.decrypt(eventId, section)).toEqual({ contact_address: { state: 'shredded' } });
  });

  it('refuses a wrong KEK at start-up and fails closed on a foreign ciphertext', async () => {
    const other = Kek.fromBase64(randomBytes(32).toString('base64'));
    await expect(new KeyStore(dataSource, other).assertKek()).rejects.toBeInstanceOf(InvalidKekError);
    const cipher = new PiiCipher(new KeyStore(dataSource, kek));
    const eventId = newEventId();
    const section = await cipher.encrypt(eventId, {
      subjectId: 'sub_x',
      classes: { biometric_refs: { ref: 'r1' } },
    });
    await expect(cipher.decrypt(newEventId(), section)).rejects.toBeInstanceOf(DecryptionFailedError);
  });
});
