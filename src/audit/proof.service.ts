import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { CHECKPOINT_STREAM } from '../ledger/stream-names';
import { LedgerError } from '../shared/ledger-error';
import { AuditLeafEntity } from './audit-leaf.entity';
import { eventLeaf, HeadsTree, type StreamHead } from './checkpoint-leaves';
import type { SignedCheckpoint } from './checkpoint-statement';
import { headsAsOf, type StoredCheckpoint, toStored } from './checkpointer';
import { inclusionProof } from './merkle';

export class EventNotCheckpointedError extends LedgerError {
  readonly code = 'not_yet_checkpointed';
  override readonly httpStatus = 404;
  constructor(eventId: string) {
    super(`event ${eventId} is unknown or not yet covered by a signed checkpoint; retry after the next one`, {
      eventId,
    });
  }
}

/** The signed heads do not match the leaf index (it lags the checkpoint stream); retry after the next round. */
export class HeadsNotIndexedError extends LedgerError {
  readonly code = 'not_yet_checkpointed';
  override readonly httpStatus = 404;
  constructor(sequence: number) {
    super(`the stream heads of checkpoint ${sequence} are not indexed yet; retry after the next checkpoint`, {
      sequence,
    });
  }
}

export interface InclusionProof {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  /** The event's chain hash. */
  readonly eventHash: string;
  /** The store's write time, signed by leaves of version-2 checkpoints. */
  readonly created: string | null;
  /**
   * 1: the leaf is SHA-256(0x00 ‖ bytes(eventHash)); 2: SHA-256(0x00 ‖ canonical {created, hash, position, v: 2})
   * (docs/ledger-format.md). The checkpoint's statement version.
   */
  readonly leafVersion: 1 | 2;
  readonly leafIndex: number;
  readonly treeSize: number;
  /** Sibling hashes from the leaf up (RFC 9162 audit path), hex. */
  readonly auditPath: readonly string[];
  readonly checkpoint: SignedCheckpoint;
}

/** One stream's head as of a version-2 checkpoint, with its audit path to the signed heads root. */
export interface HeadProof extends StreamHead {
  readonly leafIndex: number;
  readonly auditPath: readonly string[];
}

/**
 * Inclusion proofs: that one event is covered by a signed root, without revealing the other events; and that a
 * stream's head as of a checkpoint is the one the checkpoint signed.
 */
@Injectable()
export class ProofService {
  private readonly leaves: Repository<AuditLeafEntity>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    dataSource: DataSource,
  ) {
    this.leaves = dataSource.getRepository(AuditLeafEntity);
  }

  async proofFor(eventId: string): Promise<InclusionProof> {
    const leaf = await this.leaves.findOneBy({ eventId });
    if (!leaf) throw new EventNotCheckpointedError(eventId);
    const siblings = await this.leaves.find({
      where: { checkpointSequence: leaf.checkpointSequence },
      order: { position: 'ASC' },
    });
    const index = siblings.findIndex((s) => s.eventId === eventId);
    const [event] = await this.store.readStream(CHECKPOINT_STREAM, {
      fromRevision: leaf.checkpointSequence - 1,
      maxCount: 1,
    });
    const stored = event ? toStored(event) : undefined;
    if (!stored || index < 0) throw new EventNotCheckpointedError(eventId);
    const version = stored.checkpoint.statement.v;
    const hashes = siblings.map((s) =>
      eventLeaf(version, { hash: s.eventHash, position: s.position, created: s.created ?? '' }),
    );
    return {
      eventId,
      stream: leaf.stream,
      revision: leaf.revision,
      position: leaf.position,
      eventHash: leaf.eventHash,
      created: leaf.created,
      leafVersion: version,
      leafIndex: index,
      treeSize: hashes.length,
      auditPath: inclusionProof(hashes, index).map((h) => h.toString('hex')),
      checkpoint: stored.checkpoint,
    };
  }

  /**
   * The heads of `streams` as signed by the version-2 checkpoint `checkpoint`, each with its audit path. Builds
   * the checkpoint's whole heads tree from the leaf index (one grouped query; an export is an offline job) and
   * checks it against the signed root before handing out any path. A stream without an event yet has no head.
   */
  async headsFor(
    checkpoint: StoredCheckpoint,
    streams: readonly string[],
  ): Promise<Readonly<Record<string, HeadProof>>> {
    const { statement } = checkpoint.checkpoint;
    const tree = new HeadsTree((await headsAsOf(this.leaves, statement.sequence)).values());
    if (statement.v !== 2 || tree.root() !== statement.headsRoot || tree.count !== statement.headsCount)
      throw new HeadsNotIndexedError(statement.sequence);
    const heads: Record<string, HeadProof> = {};
    for (const stream of streams) {
      const proof = tree.proof(stream);
      if (proof) heads[stream] = proof;
    }
    return heads;
  }
}
