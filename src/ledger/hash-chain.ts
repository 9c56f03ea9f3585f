import { createHash } from 'node:crypto';
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
  const { prevHash: previous, hash, ...metadata } = input.metadata;
  const metadataJson =
    (input.metadataJson !== undefined &&
      typeof previous === 'string' &&
      typeof hash === 'string' &&
      withoutMember(withoutMember(input.metadataJson, 'hash', hash), 'prevHash', previous)) ||
    canonicalJson(metadata);
  // The canonical form's keys in their sorted order: data, metadata, revision, stream, type, v.
  const body =
    `{"data":${input.dataJson},"metadata":${metadataJson},"revision":${canonicalJson(input.revision)},` +
    `"stream":${JSON.stringify(input.stream)},"type":${JSON.stringify(input.type)},"v":1}`;
  return sha256Hex(prevHash, body);
}

/** Canonical object text without its member `"key":"value"`; '' when the member is not found as written. */
function withoutMember(json: string, key: string, value: string): string {
  if (json === '') return '';
  const member = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  const at = json.indexOf(member);
  if (at < 0) return '';
  const end = at + member.length;
  if (json[end] === ',') return json.slice(0, at) + json.slice(end + 1);
  if (json[at - 1] === ',') return json.slice(0, at - 1) + json.slice(end);
  return json.slice(0, at) + json.slice(end);
}

function sha256Hex(prevHash: string, body: string): string {
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(body, 'utf8').digest('hex');
}
