import { createHash, hash as oneShotHash } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';
import type { JsonObject } from '../shared/json';

/** `prevHash` of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashInput {
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  /** Stored event data, including the encrypted `pii` section: hashes cover ciphertext, never plaintext. */
  readonly data: JsonObject;
  /** Stored metadata; `prevHash` and `hash` are left out of the canonical form. */
  readonly metadata: JsonObject;
}

/**
 * hash = SHA-256( prevHash (32 raw bytes) ‖ canonical JSON of {v, stream, revision, type, data, metadata} )
 *
 * Stream and revision are inside the hash so an event cannot be moved to another stream or position
 * unnoticed. The format is versioned (`v`) because events are immutable: a new format needs a new version.
 */
export function computeEventHash(prevHash: string, input: HashInput): string {
  const { prevHash: _prev, hash: _hash, ...metadata } = input.metadata;
  const body = canonicalJson({
    v: 1,
    stream: input.stream,
    revision: input.revision,
    type: input.type,
    data: input.data,
    metadata,
  });
  return sha256Hex(prevHash, body);
}

/**
 * The same hash over data (and metadata) given as stored JSON text, used as is: equal to `computeEventHash`
 * exactly when the text is the canonical JSON the ledger stores. Verification tries it first and falls back to
 * parsing and canonicalising on a mismatch, so stored text in another form is judged by its content; a match
 * means the stored bytes are the bytes that were hashed (SHA-256 is collision-resistant).
 */
export function computeEventHashOverJson(
  prevHash: string,
  input: Omit<HashInput, 'data'> & { readonly dataJson: string; readonly metadataJson?: string },
): string {
  const { prevHash: previous, hash } = input.metadata;
  const metadataJson =
    (input.metadataJson !== undefined &&
      typeof previous === 'string' &&
      typeof hash === 'string' &&
      withoutMember(withoutMember(input.metadataJson, HASH_KEY, hash), PREV_HASH_KEY, previous)) ||
    canonicalJson(withoutHashes(input.metadata));
  return computeEventHashOverCanonicalJson(prevHash, input, metadataJson);
}

/**
 * The same hash with the metadata's canonical form (without `prevHash` and `hash`) given as text, used as is,
 * like the data's.
 */
export function computeEventHashOverCanonicalJson(
  prevHash: string,
  input: Pick<HashInput, 'stream' | 'revision' | 'type'> & { readonly dataJson: string },
  unsealedMetadataJson: string,
): string {
  // The canonical form's keys in their sorted order: data, metadata, revision, stream, type, v.
  const body =
    `{"data":${input.dataJson},"metadata":${unsealedMetadataJson},"revision":${revisionJson(input.revision)},` +
    `"stream":${JSON.stringify(input.stream)},"type":${JSON.stringify(input.type)},"v":1}`;
  return sha256Hex(prevHash, body);
}

function withoutHashes(metadata: JsonObject): JsonObject {
  const { prevHash: _prev, hash: _hash, ...rest } = metadata;
  return rest;
}

/** A revision is a non-negative integer, whose canonical JSON is its decimal digits. */
function revisionJson(revision: number): string {
  return Number.isSafeInteger(revision) && revision >= 0 ? String(revision) : canonicalJson(revision);
}

/** Canonical object text without its member `"key":"value"`; '' when the member is not found as written. */
function withoutMember(json: string, key: string, value: string): string {
  if (json === '') return '';
  const at = json.indexOf(key);
  // The value in quotes as written. A cut in the wrong place only makes the hash differ (the caller then
  // canonicalises the parsed metadata), so this need not prove the member is the one it parsed to.
  const valueAt = at + key.length;
  if (at < 0 || json.charCodeAt(valueAt) !== QUOTE || !json.startsWith(value, valueAt + 1)) return '';
  const end = valueAt + value.length + 1;
  if (json.charCodeAt(end) !== QUOTE) return '';
  if (json.charCodeAt(end + 1) === COMMA) return json.slice(0, at) + json.slice(end + 2);
  if (json.charCodeAt(at - 1) === COMMA) return json.slice(0, at - 1) + json.slice(end + 1);
  return json.slice(0, at) + json.slice(end + 1);
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const HASH_KEY = '"hash":';
const PREV_HASH_KEY = '"prevHash":';

/**
 * One buffer holds `prevHash ‖ body` for the one-shot hash: no hash object, no buffer per event. Synchronous
 * use only (each worker thread has its own module instance); grown when a body does not fit.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

function sha256Hex(prevHash: string, body: string): string {
  const need = 32 + body.length * 3;
  if (need > scratch.length) scratch = Buffer.allocUnsafe(need);
  // Anything but 64 hex digits writes fewer than 32 bytes: hashed as before, over what Buffer.from makes of it.
  if (prevHash.length !== 64 || scratch.write(prevHash, 0, 32, 'hex') !== 32) {
    return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(body, 'utf8').digest('hex');
  }
  const length = 32 + scratch.write(body, 32, 'utf8');
  return oneShotHash('sha256', scratch.subarray(0, length), 'hex');
}
