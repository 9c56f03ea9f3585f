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
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(body, 'utf8').digest('hex');
}
