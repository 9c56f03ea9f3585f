import { createPublicKey } from 'node:crypto';
import { canonicalJson } from '../shared/canonical-json';
import { isPlainObject } from '../shared/json';
import type { RecordedEvent } from '../ledger/event-store.port';
import { toLedgerEvent } from '../ledger/ledger';
import { ChainVerifier, type ChainFailure } from './chain-verifier';
import { subjectStream, VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';
import { eventLeaf, verifyHeadInclusion } from './checkpoint-leaves';
import {
  type CheckpointStatement,
  isSignedCheckpoint,
  type SignedCheckpoint,
  verifySignedCheckpoint,
} from './checkpoint-statement';
import { type Citation, type Decision, EXPLAINER_VERSION, type Explanation, explain } from './explanation';
import { verifyInclusion } from './merkle';

export const BUNDLE_FORMAT = 'kyc-ledger-audit-bundle/v2';
/** Bundles exported before stream heads were signed: still verified, but their completeness is unproven. */
export const BUNDLE_FORMAT_V1 = 'kyc-ledger-audit-bundle/v1';

export interface EventInclusion {
  readonly checkpointSequence: number;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly auditPath: readonly string[];
}

/** A stream's last event as a version-2 checkpoint signed it, with the audit path to its heads root. */
export interface SignedHead {
  readonly revision: number;
  readonly position: number;
  readonly hash: string;
  readonly leafIndex: number;
  readonly auditPath: readonly string[];
}

/**
 * An audit bundle: everything an auditor needs to check a session's or a subject's record offline, with only
 * the ledger's public key. Streams are complete (from revision 0) so every hash chain can be re-walked, and each
 * reaches the head that one signed checkpoint states for it (`heads`), so nothing can be cut off at the end;
 * personal data stays encrypted (the hashes cover the ciphertext).
 */
export interface AuditBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly createdAt: string;
  readonly scope: { readonly kind: 'session' | 'subject'; readonly id: string };
  readonly streams: Readonly<Record<string, readonly RecordedEvent[]>>;
  readonly checkpoints: readonly SignedCheckpoint[];
  readonly proofs: Readonly<Record<string, EventInclusion>>;
  /** The head of every bundled stream as of one version-2 checkpoint (the newest in the bundle). */
  readonly heads: {
    readonly checkpointSequence: number;
    readonly streams: Readonly<Record<string, SignedHead>>;
  };
  /**
   * The explainer that wrote `explanations` (EXPLAINER_VERSION). Bundles that record none were written by
   * explainer version 1.
   */
  readonly explainerVersion: number;
  readonly explanations: readonly Explanation[];
}

/** Explainer version of bundles that record none (exported before explanations were versioned). */
export const UNVERSIONED_EXPLAINER = 1;

export type BundleFailure =
  | { readonly kind: 'format'; readonly detail: string }
  | { readonly kind: 'chain'; readonly failure: ChainFailure }
  | { readonly kind: 'checkpoint'; readonly sequence: number; readonly detail: string }
  | {
      readonly kind: 'proof';
      readonly eventId: string;
      readonly stream: string;
      readonly revision: number;
      readonly detail: string;
    }
  /** The event's `position` does not fit where its proof puts it among the signed leaves. */
  | {
      readonly kind: 'position';
      readonly eventId: string;
      readonly stream: string;
      readonly revision: number;
      readonly position: number;
      readonly detail: string;
    }
  /** The stream stops before the head its checkpoint signed (or is missing altogether). */
  | {
      readonly kind: 'truncated';
      readonly stream: string;
      readonly missing: { readonly fromRevision: number; readonly toRevision: number };
      readonly detail: string;
    }
  /** The stream's signed head is absent, does not verify, or is not the stream's last event. */
  | { readonly kind: 'head'; readonly stream: string; readonly detail: string }
  | { readonly kind: 'explanation'; readonly eventId: string; readonly detail: string };

/**
 * - `proven`: every bundled stream reaches the head a signed checkpoint states for it (`completeAsOf`);
 * - `unproven`: nothing contradicts completeness, but the bundle cannot show it (see `warnings`);
 * - `failed`: a stream stops short of, or runs past, its signed head (see `failures`).
 */
export type Completeness = 'proven' | 'unproven' | 'failed';

export interface BundleReport {
  readonly ok: boolean;
  readonly format: string | null;
  readonly eventsChecked: number;
  readonly checkpointsChecked: number;
  readonly completeness: Completeness;
  readonly completeAsOf: {
    readonly checkpointSequence: number;
    readonly toPosition: number;
    readonly signedAt: string;
  } | null;
  /**
   * How the explanations were checked. The facts they cite (events, positions, hashes, decisions, status) are
   * always checked against the bundled events; the wording is compared with a recomputation only when the
   * bundle's explainer is this verifier's (`compared`), and otherwise left alone (`not_compared`, a warning).
   */
  readonly explanations: {
    readonly comparison: 'compared' | 'not_compared';
    readonly explainerVersion: number;
    readonly currentExplainerVersion: number;
  };
  /** What the bundle cannot prove; never a reason to fail by itself. */
  readonly warnings: readonly string[];
  readonly failures: readonly BundleFailure[];
}

const range = (from: number, to: number): string =>
  from === to ? `revision ${from}` : `revisions ${from}–${to}`;

function isInclusion(value: unknown): value is EventInclusion {
  return (
    isPlainObject(value) &&
    Number.isSafeInteger(value.checkpointSequence) &&
    Number.isSafeInteger(value.leafIndex) &&
    Number.isSafeInteger(value.treeSize) &&
    Array.isArray(value.auditPath) &&
    value.auditPath.every((h) => typeof h === 'string')
  );
}

function isSignedHead(value: unknown): value is SignedHead {
  return (
    isPlainObject(value) &&
    Number.isSafeInteger(value.revision) &&
    Number.isSafeInteger(value.position) &&
    typeof value.hash === 'string' &&
    Number.isSafeInteger(value.leafIndex) &&
    Array.isArray(value.auditPath) &&
    value.auditPath.every((h) => typeof h === 'string')
  );
}

function isRecordedEvent(value: unknown): value is RecordedEvent {
  return (
    isPlainObject(value) &&
    typeof value.eventId === 'string' &&
    typeof value.stream === 'string' &&
    typeof value.type === 'string' &&
    Number.isSafeInteger(value.revision) &&
    Number.isSafeInteger(value.position) &&
    typeof value.created === 'string' &&
    isPlainObject(value.data) &&
    isPlainObject(value.metadata)
  );
}

const malformed = (detail: string): BundleReport => ({
  ok: false,
  format: null,
  eventsChecked: 0,
  checkpointsChecked: 0,
  completeness: 'failed',
  completeAsOf: null,
  explanations: {
    comparison: 'not_compared',
    explainerVersion: UNVERSIONED_EXPLAINER,
    currentExplainerVersion: EXPLAINER_VERSION,
  },
  warnings: [],
  failures: [{ kind: 'format', detail }],
});

/**
 * Where a leaf can sit: positions strictly increase through a checkpoint's range (fromPosition, toPosition], so
 * leaf i has at least i positions before it in the range and the leaves after it need as many positions after
 * it. Where positions are contiguous (the embedded store) this pins the index to the position exactly.
 */
function leafFits(position: number, proof: EventInclusion, statement: CheckpointStatement): boolean {
  return (
    position > statement.fromPosition &&
    position <= statement.toPosition &&
    proof.leafIndex <= position - statement.fromPosition - 1 &&
    proof.treeSize - 1 - proof.leafIndex <= statement.toPosition - position
  );
}

/**
 * Verifies a bundle with nothing but the trusted public key (PEM): every chain from genesis, every checkpoint
 * signature, every event's inclusion proof and where its position puts it, every stream's end against the head
 * a signed checkpoint states for it, and every explanation citation against the bundled events.
 * The public key embedded in the bundle is never trusted.
 */
export function verifyBundle(value: unknown, trustedPublicKeyPem: string): BundleReport {
  const failures: BundleFailure[] = [];
  const warnings: string[] = [];
  if (
    !isPlainObject(value) ||
    (value.format !== BUNDLE_FORMAT && value.format !== BUNDLE_FORMAT_V1) ||
    !isPlainObject(value.streams) ||
    !Array.isArray(value.checkpoints) ||
    !isPlainObject(value.proofs) ||
    !Array.isArray(value.explanations) ||
    !isPlainObject(value.scope)
  ) {
    return malformed(`not a ${BUNDLE_FORMAT} (or ${BUNDLE_FORMAT_V1}) document`);
  }
  const format = value.format;
  const v1 = format === BUNDLE_FORMAT_V1;
  const headsValue = value.heads;
  if (
    !v1 &&
    (!isPlainObject(headsValue) ||
      !Number.isSafeInteger(headsValue.checkpointSequence) ||
      !isPlainObject(headsValue.streams))
  ) {
    return malformed(`a ${BUNDLE_FORMAT} document needs its signed stream heads`);
  }
  const explainerVersion =
    value.explainerVersion === undefined ? UNVERSIONED_EXPLAINER : value.explainerVersion;
  if (
    typeof explainerVersion !== 'number' ||
    !Number.isSafeInteger(explainerVersion) ||
    explainerVersion < 1
  ) {
    return malformed('explainerVersion must be a positive integer');
  }
  const bundle = value as unknown as AuditBundle;
  const key = createPublicKey(trustedPublicKeyPem);

  const checkpoints = new Map<number, SignedCheckpoint>();
  let downgraded = false;
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
    if (v1 && cp.statement.v !== 1) {
      // The old exporter could not have written it: someone took the heads out of a newer bundle.
      downgraded = true;
      failures.push({
        kind: 'format',
        detail: `a ${BUNDLE_FORMAT_V1} bundle cannot hold version-${cp.statement.v} checkpoint ${cp.statement.sequence}: its stream heads were removed`,
      });
    }
    checkpoints.set(cp.statement.sequence, cp);
  }

  const verifier = new ChainVerifier();
  const byId = new Map<string, RecordedEvent>();
  const placed: { event: RecordedEvent; proof: EventInclusion }[] = [];
  const streams = new Map<string, RecordedEvent[]>();
  let events = 0;
  let unsignedPlacement = 0;
  for (const [stream, list] of Object.entries(bundle.streams)) {
    const valid: RecordedEvent[] = [];
    streams.set(stream, valid);
    if (!Array.isArray(list)) {
      failures.push({ kind: 'format', detail: `stream ${stream} is not a list of events` });
      continue;
    }
    for (const [index, event] of (list as unknown[]).entries()) {
      events += 1;
      if (!isRecordedEvent(event)) {
        failures.push({
          kind: 'format',
          detail: `stream ${stream} holds a malformed event at index ${index}`,
        });
        continue;
      }
      valid.push(event);
      const at = { eventId: event.eventId, stream: event.stream, revision: event.revision };
      if (event.stream !== stream || event.revision !== index) {
        failures.push({
          kind: 'format',
          detail: `stream ${stream} is not complete from revision 0 (at index ${index})`,
        });
      }
      const failure = verifier.check(event);
      if (failure) failures.push({ kind: 'chain', failure });
      byId.set(event.eventId, event);
      const proof = bundle.proofs[event.eventId] as unknown;
      if (!isInclusion(proof)) {
        failures.push({ kind: 'proof', ...at, detail: 'no inclusion proof' });
        continue;
      }
      const cp = checkpoints.get(proof.checkpointSequence);
      if (!cp || proof.treeSize !== cp.statement.treeSize) {
        failures.push({
          kind: 'proof',
          ...at,
          detail: `not included in signed checkpoint ${proof.checkpointSequence}`,
        });
        continue;
      }
      const { statement } = cp;
      if (!leafFits(event.position, proof, statement)) {
        failures.push({
          kind: 'position',
          ...at,
          position: event.position,
          detail: `position ${event.position} cannot be leaf ${proof.leafIndex} of checkpoint ${statement.sequence} (${statement.treeSize} leaves over positions ${statement.fromPosition + 1}–${statement.toPosition})`,
        });
        continue;
      }
      if (statement.v === 1) unsignedPlacement += 1;
      const included = verifyInclusion(
        eventLeaf(statement.v, {
          hash: typeof event.metadata.hash === 'string' ? event.metadata.hash : '',
          position: event.position,
          created: event.created,
        }),
        proof.leafIndex,
        proof.treeSize,
        proof.auditPath.map((h) => Buffer.from(h, 'hex')),
        Buffer.from(statement.rootHash, 'hex'),
      );
      if (!included) {
        failures.push({
          kind: 'proof',
          ...at,
          detail:
            statement.v === 1
              ? `not included in signed checkpoint ${statement.sequence}`
              : `not leaf ${proof.leafIndex} of signed checkpoint ${statement.sequence}: its hash, position or created time differs from what was signed`,
        });
        continue;
      }
      placed.push({ event, proof });
    }
  }
  failures.push(...orderFailures(placed));
  if (unsignedPlacement > 0) {
    warnings.push(
      `${unsignedPlacement} event(s) are covered by version-1 checkpoints, whose leaves sign neither the position nor the created time: only the order of their positions is checked`,
    );
  }

  const heads = v1 ? undefined : checkHeads(bundle, streams, checkpoints, failures, warnings);
  if (v1) {
    warnings.push(
      `${BUNDLE_FORMAT_V1} bundle: it carries no signed stream heads, so events cut off at the end of a stream would go unnoticed; export the bundle again to prove completeness`,
    );
  }

  const compareWording = explainerVersion === EXPLAINER_VERSION;
  if (!compareWording && bundle.explanations.length > 0) {
    warnings.push(
      `explanations written by explainer version ${explainerVersion} (this verifier's is ${EXPLAINER_VERSION}): the facts they cite were checked against the bundled events, their wording was not compared`,
    );
  }
  for (const explanation of bundle.explanations) {
    // An explanation is derived data: it must be exactly what the bundled events explain.
    const session = streams.get(`kyc-verification-${explanation.sessionId}`) ?? [];
    const subject = streams.get(`kyc-subject-${explanation.subjectId}`) ?? [];
    let recomputed: Explanation | undefined;
    try {
      recomputed = explain(session.map(toLedgerEvent), subject.map(toLedgerEvent));
    } catch {
      recomputed = undefined;
    }
    if (compareWording) {
      if (!recomputed || canonicalJson(recomputed) !== canonicalJson(explanation)) {
        failures.push({
          kind: 'explanation',
          eventId: explanation.policy.proof.eventId,
          detail: 'does not match what the bundled events explain',
        });
      }
    } else {
      failures.push(...factFailures(explanation, recomputed));
    }
    for (const c of citations(explanation)) {
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

  const completeness: Completeness =
    downgraded || heads?.failed === true
      ? 'failed'
      : v1 || heads?.statement === undefined || heads.unproven
        ? 'unproven'
        : 'proven';
  return {
    ok: failures.length === 0,
    format,
    eventsChecked: events,
    checkpointsChecked: checkpoints.size,
    completeness,
    completeAsOf:
      completeness === 'proven' && heads?.statement
        ? {
            checkpointSequence: heads.statement.sequence,
            toPosition: heads.statement.toPosition,
            signedAt: heads.statement.signedAt,
          }
        : null,
    explanations: {
      comparison: compareWording ? 'compared' : 'not_compared',
      explainerVersion,
      currentExplainerVersion: EXPLAINER_VERSION,
    },
    warnings,
    failures,
  };
}

/** Every event an explanation cites, whatever explainer wrote it. */
function citations(explanation: Explanation): Citation[] {
  const x = explanation as Partial<Explanation>;
  const list: (Citation | null | undefined)[] = [
    x.policy?.proof,
    x.decision?.proof,
    x.originalDecision?.proof,
    ...(x.timeline ?? []).map((e) => e.proof),
    ...(x.evaluations ?? []).map((e) => e.proof),
    ...(x.vendorResults ?? []).map((e) => e.proof),
    ...(x.reviews ?? []).map((e) => e.proof),
    ...(x.overrides ?? []).flatMap((o) => [o.requestProof, o.decisionProof]),
    x.consent?.proof,
    x.consent?.withdrawn?.proof,
  ];
  return list.filter((c): c is Citation => isPlainObject(c) && typeof c.eventId === 'string');
}

/**
 * What an explanation of another explainer version must still get right, whatever its wording: the status and
 * the decision (outcome, who decided, the event that proves it) that the bundled events give.
 */
function factFailures(claimed: Explanation, recomputed: Explanation | undefined): BundleFailure[] {
  const at = claimed.policy.proof.eventId;
  if (!recomputed) {
    return [{ kind: 'explanation', eventId: at, detail: 'the bundled events explain no such session' }];
  }
  const failures: BundleFailure[] = [];
  const fact = (d: Decision | null | undefined): string =>
    d ? `${d.outcome} by ${d.decidedBy} (event ${d.proof.eventId} at position ${d.proof.position})` : 'none';
  if (claimed.sessionId !== recomputed.sessionId || claimed.subjectId !== recomputed.subjectId) {
    failures.push({ kind: 'explanation', eventId: at, detail: 'names another session or subject' });
  }
  if (claimed.status !== recomputed.status) {
    failures.push({
      kind: 'explanation',
      eventId: at,
      detail: `states status ${claimed.status}; the bundled events give ${recomputed.status}`,
    });
  }
  for (const key of ['decision', 'originalDecision'] as const) {
    const a = fact(claimed[key]);
    const b = fact(recomputed[key]);
    if (a !== b) {
      failures.push({
        kind: 'explanation',
        eventId: claimed[key]?.proof.eventId ?? recomputed[key]?.proof.eventId ?? at,
        detail: `states ${key} ${a}; the bundled events give ${b}`,
      });
    }
  }
  return failures;
}

/**
 * Positions must run in the order of the signed leaves: through one checkpoint in leaf order, and across
 * checkpoints in sequence order. Names the later event of each pair out of order.
 */
function orderFailures(placed: readonly { event: RecordedEvent; proof: EventInclusion }[]): BundleFailure[] {
  const failures: BundleFailure[] = [];
  const sorted = [...placed].sort((a, b) => a.event.position - b.event.position);
  for (let i = 1; i < sorted.length; i += 1) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (!a || !b) continue;
    const inOrder =
      a.event.position < b.event.position &&
      (b.proof.checkpointSequence > a.proof.checkpointSequence ||
        (b.proof.checkpointSequence === a.proof.checkpointSequence && b.proof.leafIndex > a.proof.leafIndex));
    if (!inOrder) {
      failures.push({
        kind: 'position',
        eventId: b.event.eventId,
        stream: b.event.stream,
        revision: b.event.revision,
        position: b.event.position,
        detail: `position ${b.event.position} is out of the signed order: event ${a.event.eventId} at position ${a.event.position} is leaf ${a.proof.leafIndex} of checkpoint ${a.proof.checkpointSequence}, this one leaf ${b.proof.leafIndex} of checkpoint ${b.proof.checkpointSequence}`,
      });
    }
  }
  return failures;
}

/**
 * Every bundled stream must end exactly at the head that the heads checkpoint signed for it; a signed head of a
 * stream the bundle leaves out means the whole stream is missing. Returns the heads checkpoint (none when it
 * is not a signed version-2 checkpoint of the bundle), whether a head check failed, and whether something could
 * not be proven (a stream the scope needs that is empty and has no signed head).
 */
function checkHeads(
  bundle: AuditBundle,
  streams: ReadonlyMap<string, readonly RecordedEvent[]>,
  checkpoints: ReadonlyMap<number, SignedCheckpoint>,
  failures: BundleFailure[],
  warnings: string[],
): { statement?: CheckpointStatement; failed: boolean; unproven: boolean } {
  const sequence = bundle.heads.checkpointSequence;
  const before = failures.length;
  const cp = checkpoints.get(sequence);
  if (cp?.statement.v !== 2) {
    failures.push({
      kind: 'format',
      detail: `the stream heads cite checkpoint ${sequence}, which is not a signed version-2 checkpoint of the bundle`,
    });
    return { failed: true, unproven: true };
  }
  const statement = cp.statement;
  const signedBy = `checkpoint ${sequence}`;
  let unproven = false;
  const named = new Set([...streams.keys(), ...Object.keys(bundle.heads.streams)]);
  for (const stream of [...named].sort()) {
    const list = streams.get(stream);
    const head = bundle.heads.streams[stream] as unknown;
    if (head === undefined) {
      if (list && list.length > 0) {
        failures.push({ kind: 'head', stream, detail: `no head signed by ${signedBy}` });
      } else {
        unproven = true;
        warnings.push(
          `stream ${stream} is empty in the bundle and has no signed head: that it had no event as of ${signedBy} is not proven`,
        );
      }
      continue;
    }
    if (
      !isSignedHead(head) ||
      !verifyHeadInclusion(
        { stream, revision: head.revision, position: head.position, hash: head.hash },
        head.leafIndex,
        head.auditPath,
        statement.headsCount,
        statement.headsRoot,
      )
    ) {
      failures.push({
        kind: 'head',
        stream,
        detail: `its head is not in the heads tree signed by ${signedBy}`,
      });
      continue;
    }
    const last = list?.[list.length - 1];
    const reached = last?.revision ?? -1;
    if (reached < head.revision) {
      failures.push({
        kind: 'truncated',
        stream,
        missing: { fromRevision: reached + 1, toRevision: head.revision },
        detail: `${range(reached + 1, head.revision)} missing: ${signedBy} signed revision ${head.revision} (position ${head.position}) as the head of ${stream}`,
      });
    } else if (reached > head.revision) {
      failures.push({
        kind: 'head',
        stream,
        detail: `${range(head.revision + 1, reached)} lie beyond the head signed by ${signedBy} (revision ${head.revision})`,
      });
    } else if (last?.metadata.hash !== head.hash || last.position !== head.position) {
      failures.push({
        kind: 'head',
        stream,
        detail: `the last event (revision ${reached}) is not the head signed by ${signedBy}`,
      });
    }
  }
  for (const stream of requiredStreams(bundle, streams)) {
    if (named.has(stream)) continue;
    unproven = true;
    warnings.push(
      `the bundle holds neither stream ${stream} nor a signed head for it: that it had no event as of ${signedBy} is not proven`,
    );
  }
  return { statement, failed: failures.length > before, unproven };
}

/** The streams a bundle of its scope must speak for: the scope's own, and the subject of every session. */
function requiredStreams(
  bundle: AuditBundle,
  streams: ReadonlyMap<string, readonly RecordedEvent[]>,
): string[] {
  const required = new Set<string>();
  const { kind, id } = bundle.scope;
  if (typeof id === 'string') {
    if (kind === 'session') required.add(`${VERIFICATION_STREAM_PREFIX}${id}`);
    if (kind === 'subject') required.add(subjectStream(id));
  }
  for (const [stream, list] of streams) {
    if (!stream.startsWith(VERIFICATION_STREAM_PREFIX)) continue;
    const subjectId = list.find((e) => e.type === 'VerificationInitiated')?.data.subjectId;
    if (typeof subjectId === 'string') required.add(subjectStream(subjectId));
  }
  return [...required];
}

/** The bundle as one file: canonical JSON, so the same bundle is byte-identical whoever writes it. */
export function serialiseBundle(bundle: AuditBundle): string {
  return canonicalJson(bundle);
}
