import { createPublicKey } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';
import { isPlainObject } from '../shared/json';
import type { RecordedEvent } from '../eventstore/event-store.port';
import { toLedgerEvent } from '../eventstore/ledger';
import { ChainVerifier, type ChainFailure } from './chain-verifier';
import { isSignedCheckpoint, type SignedCheckpoint, verifySignedCheckpoint } from './checkpoint-statement';
import { type Explanation, explain } from './explanation';
import { leafHash, verifyInclusion } from './merkle';

export const BUNDLE_FORMAT = 'kyc-ledger-audit-bundle/v1';

/**
 * An audit bundle: everything an auditor needs to check a session's or a subject's record offline, with only
 * the ledger's public key. Streams are complete (from revision 0) so every hash chain can be re-walked; personal
 * data stays encrypted (the hashes cover the ciphertext).
 */
export interface AuditBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly createdAt: string;
  readonly scope: { readonly kind: 'session' | 'subject'; readonly id: string };
  readonly streams: Readonly<Record<string, readonly RecordedEvent[]>>;
  readonly checkpoints: readonly SignedCheckpoint[];
  readonly proofs: Readonly<
    Record<
      string,
      {
        readonly checkpointSequence: number;
        readonly leafIndex: number;
        readonly treeSize: number;
        readonly auditPath: readonly string[];
      }
    >
  >;
  readonly explanations: readonly Explanation[];
}

export type BundleFailure =
  | { readonly kind: 'format'; readonly detail: string }
  | { readonly kind: 'chain'; readonly failure: ChainFailure }
  | { readonly kind: 'checkpoint'; readonly sequence: number; readonly detail: string }
  | { readonly kind: 'proof'; readonly eventId: string; readonly detail: string }
  | { readonly kind: 'explanation'; readonly eventId: string; readonly detail: string };

export interface BundleReport {
  readonly ok: boolean;
  readonly eventsChecked: number;
  readonly checkpointsChecked: number;
  readonly failures: readonly BundleFailure[];
}

/**
 * Verifies a bundle with nothing but the trusted public key (PEM): every chain from genesis, every checkpoint
 * signature, every event's inclusion proof, and every explanation citation against the bundled events.
 * The public key embedded in the bundle is never trusted.
 */
export function verifyBundle(value: unknown, trustedPublicKeyPem: string): BundleReport {
  const failures: BundleFailure[] = [];
  if (
    !isPlainObject(value) ||
    value.format !== BUNDLE_FORMAT ||
    !isPlainObject(value.streams) ||
    !Array.isArray(value.checkpoints) ||
    !isPlainObject(value.proofs)
  ) {
    return {
      ok: false,
      eventsChecked: 0,
      checkpointsChecked: 0,
      failures: [{ kind: 'format', detail: `not a ${BUNDLE_FORMAT} document` }],
    };
  }
  const bundle = value as unknown as AuditBundle;
  const key = createPublicKey(trustedPublicKeyPem);

  const checkpoints = new Map<number, SignedCheckpoint>();
  for (const cp of bundle.checkpoints) {
    if (!isSignedCheckpoint(cp)) {
      failures.push({ kind: 'checkpoint', sequence: -1, detail: 'malformed checkpoint' });
      continue;
    }
    if (!verifySignedCheckpoint(cp, key)) {
      failures.push({
        kind: 'checkpoint',
        sequence: cp.statement.sequence,
        detail: 'signature does not verify with the trusted key',
      });
      continue;
    }
    checkpoints.set(cp.statement.sequence, cp);
  }

  const verifier = new ChainVerifier();
  const byId = new Map<string, RecordedEvent>();
  let events = 0;
  for (const [stream, list] of Object.entries(bundle.streams)) {
    list.forEach((event, index) => {
      events += 1;
      if (event.stream !== stream || event.revision !== index) {
        failures.push({
          kind: 'format',
          detail: `stream ${stream} is not complete from revision 0 (at index ${index})`,
        });
      }
      const failure = verifier.check(event);
      if (failure) failures.push({ kind: 'chain', failure });
      byId.set(event.eventId, event);
      const proof = bundle.proofs[event.eventId];
      if (!proof) {
        failures.push({ kind: 'proof', eventId: event.eventId, detail: 'no inclusion proof' });
        return;
      }
      const cp = checkpoints.get(proof.checkpointSequence);
      const hash = typeof event.metadata.hash === 'string' ? event.metadata.hash : '';
      const ok =
        cp !== undefined &&
        proof.treeSize === cp.statement.treeSize &&
        event.position > cp.statement.fromPosition &&
        event.position <= cp.statement.toPosition &&
        verifyInclusion(
          leafHash(Buffer.from(hash, 'hex')),
          proof.leafIndex,
          proof.treeSize,
          proof.auditPath.map((h) => Buffer.from(h, 'hex')),
          Buffer.from(cp.statement.rootHash, 'hex'),
        );
      if (!ok)
        failures.push({
          kind: 'proof',
          eventId: event.eventId,
          detail: `not included in signed checkpoint ${proof.checkpointSequence}`,
        });
    });
  }

  for (const explanation of bundle.explanations) {
    // An explanation is derived data: it must be exactly what the bundled events explain.
    const session = bundle.streams[`kyc-verification-${explanation.sessionId}`] ?? [];
    const subject = bundle.streams[`kyc-subject-${explanation.subjectId}`] ?? [];
    let recomputed: Explanation | undefined;
    try {
      recomputed = explain(session.map(toLedgerEvent), subject.map(toLedgerEvent));
    } catch {
      recomputed = undefined;
    }
    if (!recomputed || canonicalJson(recomputed) !== canonicalJson(explanation)) {
      failures.push({
        kind: 'explanation',
        eventId: explanation.policy.proof.eventId,
        detail: 'does not match what the bundled events explain',
      });
    }
    const citations = [
      explanation.policy.proof,
      ...explanation.timeline.map((e) => e.proof),
      ...(explanation.decision ? [explanation.decision.proof] : []),
    ];
    for (const c of citations) {
      const event = byId.get(c.eventId);
      if (event?.metadata.hash !== c.hash || event.position !== c.position) {
        failures.push({
          kind: 'explanation',
          eventId: c.eventId,
          detail: 'cites an event that is not in the bundle as cited',
        });
      }
    }
  }
  return { ok: failures.length === 0, eventsChecked: events, checkpointsChecked: checkpoints.size, failures };
}

/** The bundle as one file: canonical JSON, so the same bundle is byte-identical whoever writes it. */
export function serialiseBundle(bundle: AuditBundle): string {
  return canonicalJson(bundle);
}
