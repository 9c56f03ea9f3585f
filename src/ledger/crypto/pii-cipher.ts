import { canonicalJson } from '../../shared/canonical-json';
import { isPlainObject, type JsonObject, type JsonValue } from '../../shared/json';
import { open, seal } from './aes-gcm';
import { DecryptionFailedError, InvalidPiiError } from './crypto.errors';
import { type DataClass, isDataClass } from '../../shared/data-classes';
import type { KeyStore } from './key-store';

/** Plaintext personal data of one event, grouped by data class. Never stored, logged or returned as is. */
export interface PiiDraft {
  readonly subjectId: string;
  readonly classes: Partial<Record<DataClass, JsonObject>>;
}

/** The encrypted `pii` section as stored in an event (covered by the event hash). */
export interface PiiSection extends JsonObject {
  v: 1;
  alg: 'A256GCM';
  subjectId: string;
  entries: { [dataClass: string]: { keyId: string; iv: string; ct: string; tag: string } };
}

export type DecryptedPii = Partial<
  Record<DataClass, { state: 'clear'; value: JsonObject } | { state: 'shredded' }>
>;

const aad = (eventId: string, subjectId: string, dataClass: string, keyId: string): string =>
  `kyc-ledger/pii/v1|${eventId}|${subjectId}|${dataClass}|${keyId}`;

/** Encrypts personal data under the (subject, class) key, bound to the event id by associated data. */
export class PiiCipher {
  constructor(private readonly keys: KeyStore) {}

  async encrypt(eventId: string, draft: PiiDraft): Promise<PiiSection> {
    const entries: PiiSection['entries'] = {};
    const classes = Object.entries(draft.classes);
    for (const [dataClass, value] of classes) {
      if (!isDataClass(dataClass)) throw new InvalidPiiError(`unknown data class ${dataClass.slice(0, 40)}`);
      if (!isPlainObject(value)) throw new InvalidPiiError(`${dataClass} must be an object`);
    }
    const keys = await this.keys.activeKeys(
      draft.subjectId,
      classes.map(([dataClass]) => dataClass as DataClass),
    );
    for (const [name, value] of classes) {
      const dataClass = name as DataClass;
      const dataKey = keys.get(dataClass);
      if (dataKey === undefined) throw new Error(`no key for ${dataClass}`);
      const { keyId, key } = dataKey;
      const sealed = seal(
        key,
        Buffer.from(canonicalJson(value), 'utf8'),
        aad(eventId, draft.subjectId, dataClass, keyId),
      );
      entries[dataClass] = {
        keyId,
        iv: sealed.iv.toString('base64'),
        ct: sealed.ciphertext.toString('base64'),
        tag: sealed.tag.toString('base64'),
      };
    }
    if (Object.keys(entries).length === 0) throw new InvalidPiiError('no data classes');
    return { v: 1, alg: 'A256GCM', subjectId: draft.subjectId, entries };
  }

  /** Decrypts what is still readable; classes whose key was shredded come back as `shredded`. */
  async decrypt(eventId: string, section: JsonValue): Promise<DecryptedPii> {
    if (!isPiiSection(section)) throw new InvalidPiiError('malformed section');
    const out: DecryptedPii = {};
    for (const [dataClass, entry] of Object.entries(section.entries)) {
      if (!isDataClass(dataClass)) continue;
      const found = await this.keys.lookup(section.subjectId, dataClass, entry.keyId);
      if (found.state !== 'active') {
        out[dataClass] = { state: 'shredded' };
        continue;
      }
      try {
        const plain = open(
          found.key,
          {
            iv: Buffer.from(entry.iv, 'base64'),
            ciphertext: Buffer.from(entry.ct, 'base64'),
            tag: Buffer.from(entry.tag, 'base64'),
          },
          aad(eventId, section.subjectId, dataClass, entry.keyId),
        );
        out[dataClass] = { state: 'clear', value: JSON.parse(plain.toString('utf8')) as JsonObject };
      } catch {
        throw new DecryptionFailedError(eventId, dataClass);
      }
    }
    return out;
  }
}

export function isPiiSection(value: unknown): value is PiiSection {
  if (
    !isPlainObject(value) ||
    value.v !== 1 ||
    value.alg !== 'A256GCM' ||
    typeof value.subjectId !== 'string'
  ) {
    return false;
  }
  const entries = value.entries;
  if (!isPlainObject(entries)) return false;
  return Object.values(entries).every(
    (e) =>
      isPlainObject(e) &&
      typeof e.keyId === 'string' &&
      typeof e.iv === 'string' &&
      typeof e.ct === 'string' &&
      typeof e.tag === 'string',
  );
}
