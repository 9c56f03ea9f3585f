import { createPublicKey, type KeyObject } from 'node:crypto';
import type { EventStore } from '../ledger/event-store.port';
import { CHECKPOINT_STREAM } from '../ledger/stream-names';
import { verifySignedCheckpoint } from './checkpoint-statement';
import { advanceHeads, HeadsTree, type StreamHead } from './checkpoint-leaves';
import { hashOf, leafOf, toStored } from './checkpointer';
import { merkleRoot } from './merkle';

export type CheckpointFailureReason =
  | 'malformed_checkpoint'
  | 'bad_signature'
  | 'unknown_key'
  | 'sequence_gap'
  | 'range_gap'
  | 'previous_root_mismatch'
  | 'root_mismatch'
  | 'size_mismatch'
  | 'heads_mismatch';

export interface CheckpointFailure {
  readonly sequence: number;
  readonly eventId: string;
  readonly reason: CheckpointFailureReason;
  readonly expected: string;
  readonly actual: string;
}

export interface CheckpointReport {
  readonly ok: boolean;
  readonly checkpointsChecked: number;
  /** Global position up to which the signed checkpoints cover the ledger. */
  readonly coveredThrough: number;
  readonly failure?: CheckpointFailure;
}

/**
 * Checks every signed checkpoint against the log: signature and key, contiguous sequences and ranges, the link
 * to the previous root, the Merkle root recomputed from the events (leaves of the checkpoint's version) and, from
 * version 2, the heads root recomputed from every stream's last event. Stops at the first failure.
 */
export async function verifyCheckpoints(
  store: EventStore,
  trustedKey?: KeyObject | string,
): Promise<CheckpointReport> {
  const trusted = typeof trustedKey === 'string' ? createPublicKey(trustedKey) : trustedKey;
  const events = await store.readStream(CHECKPOINT_STREAM);
  let previous: { sequence: number; toPosition: number; rootHash: string } | undefined;
  let checked = 0;
  const heads = new Map<string, StreamHead>();
  const fail = (failure: CheckpointFailure): CheckpointReport => ({
    ok: false,
    checkpointsChecked: checked,
    coveredThrough: previous?.toPosition ?? 0,
    failure,
  });
  for (const event of events) {
    const stored = toStored(event);
    const sequence = previous ? previous.sequence + 1 : 1;
    if (!stored) {
      return fail({
        sequence,
        eventId: event.eventId,
        reason: 'malformed_checkpoint',
        expected: 'signed checkpoint',
        actual: event.type,
      });
    }
    const { statement } = stored.checkpoint;
    const at = { sequence: statement.sequence, eventId: event.eventId };
    if (!verifySignedCheckpoint(stored.checkpoint, trusted)) {
      return fail({
        ...at,
        reason: trusted ? 'unknown_key' : 'bad_signature',
        expected: 'valid Ed25519 signature',
        actual: 'invalid',
      });
    }
    if (statement.sequence !== sequence) {
      return fail({
        ...at,
        reason: 'sequence_gap',
        expected: String(sequence),
        actual: String(statement.sequence),
      });
    }
    const from = previous?.toPosition ?? 0;
    if (statement.fromPosition !== from) {
      return fail({
        ...at,
        reason: 'range_gap',
        expected: String(from),
        actual: String(statement.fromPosition),
      });
    }
    const prevRoot = previous?.rootHash ?? null;
    if (statement.previousRootHash !== prevRoot) {
      return fail({
        ...at,
        reason: 'previous_root_mismatch',
        expected: String(prevRoot),
        actual: String(statement.previousRootHash),
      });
    }
    const covered = await store.readAll({ after: statement.fromPosition, maxCount: statement.treeSize });
    const inRange = covered.filter((e) => e.position <= statement.toPosition);
    const last = inRange[inRange.length - 1];
    if (inRange.length !== statement.treeSize || last?.position !== statement.toPosition) {
      return fail({
        ...at,
        reason: 'size_mismatch',
        expected: `${statement.treeSize} events through ${statement.toPosition}`,
        actual: `${inRange.length} events through ${last?.position ?? 'none'}`,
      });
    }
    const root = merkleRoot(inRange.map((e) => leafOf(e, statement.v))).toString('hex');
    if (root !== statement.rootHash) {
      return fail({ ...at, reason: 'root_mismatch', expected: statement.rootHash, actual: root });
    }
    advanceHeads(
      heads,
      inRange.map((e) => ({ stream: e.stream, revision: e.revision, position: e.position, hash: hashOf(e) })),
    );
    if (statement.v === 2) {
      const tree = new HeadsTree(heads.values());
      const actual = `${tree.count} streams, root ${tree.root()}`;
      const expected = `${statement.headsCount} streams, root ${statement.headsRoot}`;
      if (actual !== expected) return fail({ ...at, reason: 'heads_mismatch', expected, actual });
    }
    previous = { sequence, toPosition: statement.toPosition, rootHash: statement.rootHash };
    checked += 1;
  }
  return { ok: true, checkpointsChecked: checked, coveredThrough: previous?.toPosition ?? 0 };
}
