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
