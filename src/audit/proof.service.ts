import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { EVENT_STORE, type EventStore } from '../eventstore/event-store.port';
import { CHECKPOINT_STREAM } from '../eventstore/stream-names';
import { LedgerError } from '../shared/ledger-error';
import { AuditLeafEntity } from './audit-leaf.entity';
import type { SignedCheckpoint } from './checkpoint-statement';
import { toStored } from './checkpointer';
import { inclusionProof, leafHash } from './merkle';

export class EventNotCheckpointedError extends LedgerError {
  readonly code = 'not_yet_checkpointed';
  override readonly httpStatus = 404;
  constructor(eventId: string) {
    super(`event ${eventId} is unknown or not yet covered by a signed checkpoint; retry after the next one`, {
      eventId,
    });
  }
}

export interface InclusionProof {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  /** The event's chain hash; the leaf is SHA-256(0x00 ‖ bytes(eventHash)). */
  readonly eventHash: string;
  readonly leafIndex: number;
  readonly treeSize: number;
  /** Sibling hashes from the leaf up (RFC 9162 audit path), hex. */
  readonly auditPath: readonly string[];
  readonly checkpoint: SignedCheckpoint;
}

/** Inclusion proofs: that one event is covered by a signed root, without revealing the other events. */
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
    const hashes = siblings.map((s) => leafHash(Buffer.from(s.eventHash, 'hex')));
    return {
      eventId,
      stream: leaf.stream,
      revision: leaf.revision,
      position: leaf.position,
      eventHash: leaf.eventHash,
      leafIndex: index,
      treeSize: hashes.length,
      auditPath: inclusionProof(hashes, index).map((h) => h.toString('hex')),
      checkpoint: stored.checkpoint,
    };
  }
}
