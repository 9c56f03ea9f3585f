import type { EventStore, RecordedEvent } from '../ledger/event-store.port';
import { toLedgerEvent } from '../ledger/ledger';
import { subjectStream, VERIFICATION_STREAM_PREFIX, verificationStream } from '../ledger/stream-names';
import { LedgerError } from '../shared/ledger-error';
import { type AuditBundle, BUNDLE_FORMAT, type EventInclusion } from './bundle';
import type { SignedCheckpoint } from './checkpoint-statement';
import type { Checkpointer, StoredCheckpoint } from './checkpointer';
import { EXPLAINER_VERSION, type Explanation, explain } from './explanation';
import type { ProofService } from './proof.service';

export class NothingToExportError extends LedgerError {
  readonly code = 'nothing_to_export';
  override readonly httpStatus = 404;
  constructor(kind: string, id: string) {
    super(`no ${kind} ${id} in the ledger`, { kind, id });
  }
}

/** No version-2 checkpoint could be signed to cover the export (e.g. no signing key); nothing is exported. */
export class CheckpointUnavailableError extends LedgerError {
  readonly code = 'checkpoint_unavailable';
  override readonly httpStatus = 503;
  constructor() {
    super('no signed checkpoint covers the requested records yet; retry after the next checkpoint');
  }
}

/**
 * Builds audit bundles: the streams of a session (and its subject) or of a subject (and all its sessions), each
 * from revision 0 up to its head as of one signed version-2 checkpoint — signing one first if needed — with an
 * inclusion proof per event, the signed heads with their proofs, and the explanations.
 */
export class BundleBuilder {
  constructor(
    private readonly store: EventStore,
    private readonly checkpointer: Checkpointer,
    private readonly proofs: ProofService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async build(scope: AuditBundle['scope']): Promise<AuditBundle> {
    const streams = new Map<string, RecordedEvent[]>();
    const sessionIds: string[] = [];
    if (scope.kind === 'session') {
      const session = await this.store.readStream(verificationStream(scope.id));
      const subjectId = session.find((e) => e.type === 'VerificationInitiated')?.data.subjectId;
      if (typeof subjectId !== 'string') throw new NothingToExportError('session', scope.id);
      streams.set(verificationStream(scope.id), session);
      streams.set(subjectStream(subjectId), await this.store.readStream(subjectStream(subjectId)));
      sessionIds.push(scope.id);
    } else {
      const subject = await this.store.readStream(subjectStream(scope.id));
      // Sessions of a subject: found by scanning the verification streams (an export is an offline operation).
      for (const e of await this.store.readAll({
        filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX] },
      })) {
        if (e.type === 'VerificationInitiated' && e.data.subjectId === scope.id)
          sessionIds.push(e.stream.slice(VERIFICATION_STREAM_PREFIX.length));
      }
      if (subject.length === 0 && sessionIds.length === 0)
        throw new NothingToExportError('subject', scope.id);
      streams.set(subjectStream(scope.id), subject);
      for (const id of sessionIds)
        streams.set(verificationStream(id), await this.store.readStream(verificationStream(id)));
    }

    const newest = Math.max(0, ...[...streams.values()].flat().map((e) => e.position));
    const signed = await this.checkpointCovering(newest);
    const through = signed.checkpoint.statement.toPosition;
    // Each stream as it stood at the checkpoint: what was appended while it was signed is added, what came
    // after it is left for the next export.
    for (const [name, events] of streams) {
      const later = await this.store.readStream(name, { fromRevision: events.length });
      streams.set(
        name,
        [...events, ...later].filter((e) => e.position <= through),
      );
    }
    const heads = await this.proofs.headsFor(signed, [...streams.keys()]);

    const all = [...streams.values()].flat();
    const proofs: Record<string, EventInclusion> = {};
    const checkpoints = new Map<number, SignedCheckpoint>([
      [signed.checkpoint.statement.sequence, signed.checkpoint],
    ]);
    for (const event of all) {
      const proof = await this.proofs.proofFor(event.eventId);
      checkpoints.set(proof.checkpoint.statement.sequence, proof.checkpoint);
      proofs[event.eventId] = {
        checkpointSequence: proof.checkpoint.statement.sequence,
        leafIndex: proof.leafIndex,
        treeSize: proof.treeSize,
        auditPath: proof.auditPath,
      };
    }

    const explanations: Explanation[] = [];
    for (const id of sessionIds) {
      const session = (streams.get(verificationStream(id)) ?? []).map(toLedgerEvent);
      const subjectId = session[0]?.data.subjectId;
      const subject =
        typeof subjectId === 'string' ? (streams.get(subjectStream(subjectId)) ?? []).map(toLedgerEvent) : [];
      const explanation = explain(session, subject);
      if (explanation) explanations.push(explanation);
    }

    return {
      format: BUNDLE_FORMAT,
      createdAt: this.now().toISOString(),
      scope,
      streams: Object.fromEntries(streams),
      checkpoints: [...checkpoints.values()].sort((a, b) => a.statement.sequence - b.statement.sequence),
      proofs,
      heads: {
        checkpointSequence: signed.checkpoint.statement.sequence,
        streams: Object.fromEntries(
          Object.entries(heads).map(([name, h]) => [
            name,
            {
              revision: h.revision,
              position: h.position,
              hash: h.hash,
              leafIndex: h.leafIndex,
              auditPath: h.auditPath,
            },
          ]),
        ),
      },
      explainerVersion: EXPLAINER_VERSION,
      explanations,
    };
  }

  /**
   * The newest checkpoint, once it is version 2 (it signs the streams' heads) and covers `position`; signs
   * checkpoints until one does. Its leaves are indexed before it is returned, so proofs can be built at once.
   */
  private async checkpointCovering(position: number): Promise<StoredCheckpoint> {
    let idle = 0;
    for (let guard = 0; guard < 10_000 && idle < 3; guard += 1) {
      const latest = await this.checkpointer.latest();
      const statement = latest?.checkpoint.statement;
      if (latest && statement?.v === 2 && statement.toPosition >= position) {
        await this.checkpointer.indexSigned();
        return latest;
      }
      // A round already running (the timer's, not forced) answers for this one; another instance may sign
      // meanwhile. Only rounds that repeatedly sign nothing mean there is nothing to export against.
      idle = (await this.checkpointer.tick(true, true)) ? 0 : idle + 1;
    }
    throw new CheckpointUnavailableError();
  }
}
