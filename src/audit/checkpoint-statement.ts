import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';
import { isPlainObject } from '../shared/json';

/** The event type of a signed checkpoint in `kyc-ledger-checkpoints`. */
export const CHECKPOINT_EVENT_TYPE = 'LedgerCheckpointSigned';

/**
 * What a checkpoint signs: the Merkle root over the leaves of every event with a global position in
 * (fromPosition, toPosition], in position order, chained to the previous checkpoint's root. Signed as canonical
 * JSON with Ed25519, so anyone holding the public key can check it offline.
 *
 * Version 1 leaves are the events' chain hashes alone. Version 2 (docs/ledger-format.md) leaves also sign each
 * event's global position and store time, and the statement commits to the head of every stream as of
 * `toPosition` (`headsRoot` over `headsCount` leaves), so a bundle can prove that it reaches each stream's end.
 * Checkpoints already in the ledger keep their version; new ones are version 2.
 */
export type CheckpointStatement = CheckpointStatementV1 | CheckpointStatementV2;

interface CheckpointStatementBase {
  ledger: 'kyc-ledger';
  sequence: number;
  fromPosition: number;
  toPosition: number;
  treeSize: number;
  rootHash: string;
  previousRootHash: string | null;
  signedAt: string;
  keyId: string;
}

export interface CheckpointStatementV1 extends CheckpointStatementBase {
  v: 1;
}

export interface CheckpointStatementV2 extends CheckpointStatementBase {
  v: 2;
  /** Merkle root over the head of every stream as of `toPosition`, in stream-name order. */
  headsRoot: string;
  /** How many streams (leaves) the heads tree holds. */
  headsCount: number;
}

export interface SignedCheckpoint {
  statement: CheckpointStatement;
  /** base64 Ed25519 signature over canonicalJson(statement). */
  signature: string;
  /** SPKI PEM of the signing key, so a verifier can also check `keyId`. */
  publicKey: string;
}

/** Key id: the first 16 hex digits of SHA-256 over the public key's DER (SPKI). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function publicKeyPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
}

export function signStatement(statement: CheckpointStatement, privateKey: KeyObject): string {
  return sign(null, Buffer.from(canonicalJson(statement), 'utf8'), privateKey).toString('base64');
}

/** True when the signature is valid for the statement under the key, and the key is the one the statement names. */
export function verifySignedCheckpoint(checkpoint: SignedCheckpoint, trusted?: KeyObject): boolean {
  try {
    const key = trusted ?? createPublicKey(checkpoint.publicKey);
    if (key.asymmetricKeyType !== 'ed25519' || keyIdOf(key) !== checkpoint.statement.keyId) return false;
    return verify(
      null,
      Buffer.from(canonicalJson(checkpoint.statement), 'utf8'),
      key,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

export function isSignedCheckpoint(value: unknown): value is SignedCheckpoint {
  if (!isPlainObject(value) || typeof value.signature !== 'string' || typeof value.publicKey !== 'string')
    return false;
  const s = value.statement;
  return (
    isPlainObject(s) &&
    (s.v === 1 || (s.v === 2 && typeof s.headsRoot === 'string' && isCount(s.headsCount))) &&
    isCount(s.sequence) &&
    isCount(s.fromPosition) &&
    isCount(s.toPosition) &&
    isCount(s.treeSize) &&
    typeof s.rootHash === 'string' &&
    (s.previousRootHash === null || typeof s.previousRootHash === 'string') &&
    typeof s.signedAt === 'string' &&
    typeof s.keyId === 'string'
  );
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
