import { canonicalJson } from '../shared/canonical-json';
import { inclusionProof, leafHash, merkleRoot, verifyInclusion } from './merkle';

/*
 * The leaves a checkpoint signs (docs/ledger-format.md, "Signed checkpoints"):
 * - event leaves, one per event in global order. Version 1: SHA-256(0x00 ‖ 32 raw bytes of the chain hash).
 *   Version 2: SHA-256(0x00 ‖ canonical {"created", "hash", "position", "v": 2}), so the event's global position
 *   and store time are signed too (the chain hash cannot cover them: the store assigns both after hashing).
 * - head leaves (version 2 only), one per stream as of the checkpoint's `toPosition`, in stream-name order:
 *   SHA-256(0x00 ‖ canonical {"hash", "position", "revision", "stream"}) of the stream's last event.
 */

export type LeafVersion = 1 | 2;

/** What an event leaf signs; `created` and `position` only from version 2. */
export interface LeafInput {
  readonly hash: string;
  readonly position: number;
  readonly created: string;
}

export function eventLeaf(version: LeafVersion, input: LeafInput): Buffer {
  if (version === 1) return leafHash(Buffer.from(input.hash, 'hex'));
  return leafHash(
    Buffer.from(
      canonicalJson({ v: 2, hash: input.hash, position: input.position, created: input.created }),
      'utf8',
    ),
  );
}

/** The last event of a stream as of a checkpoint. */
export interface StreamHead {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly hash: string;
}

export function headLeaf(head: StreamHead): Buffer {
  return leafHash(
    Buffer.from(
      canonicalJson({
        stream: head.stream,
        revision: head.revision,
        position: head.position,
        hash: head.hash,
      }),
      'utf8',
    ),
  );
}

/** Stream names are ASCII (stream-names.ts), so UTF-16 code-unit order is byte order in any language. */
function byStream(a: StreamHead, b: StreamHead): number {
  return a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0;
}

/** The heads of every stream, as a Merkle tree in stream-name order. */
export class HeadsTree {
  private readonly sorted: readonly StreamHead[];
  private readonly leaves: readonly Buffer[];

  constructor(heads: Iterable<StreamHead>) {
    this.sorted = [...heads].sort(byStream);
    this.leaves = this.sorted.map(headLeaf);
  }

  get count(): number {
    return this.sorted.length;
  }

  root(): string {
    return merkleRoot(this.leaves).toString('hex');
  }

  /** The head of `stream` with its audit path, or undefined when the stream had no event yet. */
  proof(stream: string): (StreamHead & { leafIndex: number; auditPath: string[] }) | undefined {
    const index = this.sorted.findIndex((h) => h.stream === stream);
    const head = this.sorted[index];
    if (!head) return undefined;
    return {
      ...head,
      leafIndex: index,
      auditPath: inclusionProof(this.leaves, index).map((h) => h.toString('hex')),
    };
  }
}

/** Moves each stream's head to the newest of `events` (given in global order). */
export function advanceHeads(
  heads: Map<string, StreamHead>,
  events: readonly { stream: string; revision: number; position: number; hash: string }[],
): void {
  for (const e of events) {
    heads.set(e.stream, { stream: e.stream, revision: e.revision, position: e.position, hash: e.hash });
  }
}

/** Checks a head's audit path to a signed heads root (offline; hex strings as they travel in a bundle). */
export function verifyHeadInclusion(
  head: StreamHead,
  leafIndex: number,
  auditPath: readonly string[],
  headsCount: number,
  headsRoot: string,
): boolean {
  return verifyInclusion(
    headLeaf(head),
    leafIndex,
    headsCount,
    auditPath.map((h) => Buffer.from(h, 'hex')),
    Buffer.from(headsRoot, 'hex'),
  );
}
