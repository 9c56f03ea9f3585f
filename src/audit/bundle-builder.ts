import type { EventStore, RecordedEvent } from '../eventstore/event-store.port';
import { toLedgerEvent } from '../eventstore/ledger';
import { subjectStream, VERIFICATION_STREAM_PREFIX, verificationStream } from '../eventstore/stream-names';
import { LedgerError } from '../shared/ledger-error';
import { type AuditBundle, BUNDLE_FORMAT } from './bundle';
import type { SignedCheckpoint } from './checkpoint-statement';
import type { Checkpointer } from './checkpointer';
import { type Explanation, explain } from './explanation';
import type { ProofService } from './proof.service';

export class NothingToExportError extends LedgerError {
  readonly code = 'nothing_to_export';
  override readonly httpStatus = 404;
  constructor(kind: string, id: string) {
    super(`no ${kind} ${id} in the ledger`, { kind, id });
  }
}

/**
 * Builds audit bundles: the complete streams of a session (and its subject) or of a subject (and all its
 * sessions), signed checkpoints covering every event — signing one first if needed — an inclusion proof per
 * event, and the explanations.
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

    const all = [...streams.values()].flat();
    const newest = Math.max(0, ...all.map((e) => e.position));
    for (let guard = 0; guard < 10_000; guard += 1) {
      const latest = await this.checkpointer.latest();
      if ((latest?.checkpoint.statement.toPosition ?? 0) >= newest) break;
      if (!(await this.checkpointer.tick(true))) break;
    }

    const proofs: Record<string, AuditBundle['proofs'][string]> = {};
    const checkpoints = new Map<number, SignedCheckpoint>();
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
      explanations,
    };
  }
}
