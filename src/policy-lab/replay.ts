import { evaluate } from '../domain/policy/evaluate';
import type { LoadedPolicy, Outcome } from '../domain/policy/policy.types';
import {
  evaluationInput,
  evolveVerification,
  initialVerificationState,
  isVerificationEventType,
  type DecisionTrigger,
  type Verification,
  type VerificationEvent,
  type VerificationState,
} from '../domain/verification';
import { decodeEvent } from '../events';
import type { LedgerEvent } from '../ledger/envelope';
import { VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';

/*
 * What-if replay: every recorded policy evaluation evaluated again, with the same pure evaluator and the inputs
 * exactly as the ledger holds them (the session folded up to the evaluation), under a candidate policy. Reads
 * nothing but the ledger's events; never decrypts personal data; writes nothing.
 */

/** What a candidate said where the recorded evaluation said something: an outcome, or why it could not say. */
export type ReplayOutcome = Outcome | 'incomplete' | 'not_applicable';

/** How a session finally stood in the ledger read (what reviewers, overrides, expiry or the person decided). */
export type FinalOutcome = 'approved' | 'rejected' | 'expired' | 'closed' | 'undecided';

export interface ReplayFilter {
  /** Evaluations recorded at or after this instant (ISO 8601). */
  readonly from?: string;
  /** Evaluations recorded before this instant. */
  readonly to?: string;
  readonly jurisdiction?: string;
  readonly segment?: string;
}

/** Counts of evaluations, and how many of them the candidate decided differently. */
export interface Tally {
  evaluated: number;
  changed: number;
}

export interface ReplayReport {
  readonly candidate: { readonly policyId: string; readonly version: string; readonly hash: string };
  /** The policies the replayed evaluations were recorded under (hash → evaluations). */
  readonly recordedPolicies: Record<string, number>;
  /** The ledger's global position the replay read to (inclusive): the same candidate, range and position give the same report. */
  readonly readTo: number;
  readonly filter: ReplayFilter;
  readonly decisionsEvaluated: number;
  /** Evaluations whose outcome or reason codes differ under the candidate. */
  readonly changed: number;
  /** Of those, evaluations whose outcome differs. */
  readonly outcomeChanged: number;
  /** `<recorded outcome>→<candidate outcome>` → evaluations. */
  readonly byOutcome: Record<string, number>;
  readonly byJurisdiction: Record<string, Tally>;
  readonly byDocumentType: Record<string, Tally>;
  readonly byDeviceClass: Record<string, Tally>;
  readonly byVendor: Record<string, Tally>;
  /** Reason codes the candidate gave where the recorded evaluation did not, and the reverse. */
  readonly byReasonCode: Record<string, { readonly added: number; readonly removed: number }>;
  /**
   * Per session, how it finally stood (what reviewers and overrides decided) against what the candidate said at
   * its last evaluation in range: `<final>` → `<candidate outcome>` → sessions.
   */
  readonly confusion: Record<string, Record<string, number>>;
  /** Evaluations that sent the session to review: recorded, under the candidate, and the difference. */
  readonly reviewLoad: { readonly recorded: number; readonly candidate: number; readonly delta: number };
  /** The sessions behind each `byOutcome` cell that changed (ids only, sorted, at most `SESSIONS_PER_CELL`). */
  readonly sessions: Record<string, string[]>;
  /** Cells whose session list was cut at `SESSIONS_PER_CELL`. */
  readonly sessionsTruncated: string[];
}

/**
 * A recorded evaluation evaluated again under `candidate`: the same pure evaluator on the session as it stood
 * just before it (`evaluationInput`, as the decider builds it), without step-up for a re-evaluation after an
 * approval, as recorded. `incomplete` carries no codes; a candidate without rules for the session (its tier, or a
 * risk signal it does not declare) is `not_applicable`. Shared by the replay and the shadow evaluator.
 */
export function evaluateAgain(
  candidate: LoadedPolicy,
  before: Verification,
  trigger: DecisionTrigger,
): { readonly outcome: ReplayOutcome; readonly codes: readonly string[] } {
  try {
    const evaluation = evaluate(candidate, {
      ...evaluationInput(before),
      ...(trigger === 'result_after_approval' ? { stepUpAllowed: false } : {}),
    });
    return evaluation.outcome === 'incomplete'
      ? { outcome: 'incomplete', codes: [] }
      : { outcome: evaluation.outcome, codes: evaluation.reasonCodes };
  } catch {
    return { outcome: 'not_applicable', codes: [] };
  }
}

/**
 * The verification event a stored event of the log is (decoded: upcast and checked against its schema), or
 * undefined for an event of another stream or type.
 */
export function verificationEventOf(stored: LedgerEvent): VerificationEvent | undefined {
  if (!stored.stream.startsWith(VERIFICATION_STREAM_PREFIX) || !isVerificationEventType(stored.type)) {
    return undefined;
  }
  return { type: stored.type, data: decodeEvent(stored).data } as VerificationEvent;
}

/** One share of the sessions: streams whose hash modulo `count` is `index`. */
export interface ReplayPartition {
  readonly index: number;
  readonly count: number;
}

/** A stream's share (FNV-1a of its name): stable across processes and runs. */
export function partitionOf(stream: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < stream.length; i += 1) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/**
 * The report of a whole replay from the reports of its partitions (each over disjoint sessions, all read to the
 * same position): counts added, session lists joined and cut at the limit as one replay would. Deterministic.
 */
export function mergeReplayReports(parts: readonly ReplayReport[]): ReplayReport {
  const first = parts[0];
  if (first === undefined) throw new Error('no partition reports to merge');
  const add = (target: Record<string, number>, source: Record<string, number>): void => {
    for (const [key, value] of Object.entries(source)) target[key] = (target[key] ?? 0) + value;
  };
  const recordedPolicies: Record<string, number> = {};
  const byOutcome: Record<string, number> = {};
  const tallies = {
    byJurisdiction: {} as Record<string, Tally>,
    byDocumentType: {} as Record<string, Tally>,
    byDeviceClass: {} as Record<string, Tally>,
    byVendor: {} as Record<string, Tally>,
  };
  const byReasonCode: Record<string, { added: number; removed: number }> = {};
  const confusion: Record<string, Record<string, number>> = {};
  const cells = new Map<string, Set<string>>();
  const truncated = new Set<string>();
  let evaluated = 0;
  let changed = 0;
  let outcomeChanged = 0;
  let reviewsRecorded = 0;
  let reviewsCandidate = 0;
  let readTo = 0;
  for (const part of parts) {
    add(recordedPolicies, part.recordedPolicies);
    add(byOutcome, part.byOutcome);
    for (const name of ['byJurisdiction', 'byDocumentType', 'byDeviceClass', 'byVendor'] as const) {
      for (const [key, value] of Object.entries(part[name])) {
        const entry = (tallies[name][key] ??= { evaluated: 0, changed: 0 });
        entry.evaluated += value.evaluated;
        entry.changed += value.changed;
      }
    }
    for (const [code, value] of Object.entries(part.byReasonCode)) {
      const entry = (byReasonCode[code] ??= { added: 0, removed: 0 });
      entry.added += value.added;
      entry.removed += value.removed;
    }
    for (const [final, row] of Object.entries(part.confusion)) add((confusion[final] ??= {}), row);
    for (const [cell, ids] of Object.entries(part.sessions)) {
      let set = cells.get(cell);
      if (set === undefined) {
        set = new Set();
        cells.set(cell, set);
      }
      for (const id of ids) set.add(id);
    }
    for (const cell of part.sessionsTruncated) truncated.add(cell);
    evaluated += part.decisionsEvaluated;
    changed += part.changed;
    outcomeChanged += part.outcomeChanged;
    reviewsRecorded += part.reviewLoad.recorded;
    reviewsCandidate += part.reviewLoad.candidate;
    readTo = Math.max(readTo, part.readTo);
  }
  const sortKeys = <T>(record: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  const sessions: Record<string, string[]> = {};
  for (const [cell, ids] of [...cells.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const sortedIds = [...ids].sort();
    if (sortedIds.length > SESSIONS_PER_CELL) truncated.add(cell);
    sessions[cell] = sortedIds.slice(0, SESSIONS_PER_CELL);
  }
  return {
    candidate: first.candidate,
    recordedPolicies: sortKeys(recordedPolicies),
    readTo,
    filter: first.filter,
    decisionsEvaluated: evaluated,
    changed,
    outcomeChanged,
    byOutcome: sortKeys(byOutcome),
    byJurisdiction: sortKeys(tallies.byJurisdiction),
    byDocumentType: sortKeys(tallies.byDocumentType),
    byDeviceClass: sortKeys(tallies.byDeviceClass),
    byVendor: sortKeys(tallies.byVendor),
    byReasonCode: sortKeys(byReasonCode),
    confusion: Object.fromEntries(
      Object.entries(confusion)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([final, row]) => [final, sortKeys(row)]),
    ),
    reviewLoad: {
      recorded: reviewsRecorded,
      candidate: reviewsCandidate,
      delta: reviewsCandidate - reviewsRecorded,
    },
    sessions,
    sessionsTruncated: [...truncated].sort(),
  };
}

/** Session ids kept per cell of the report. */
export const SESSIONS_PER_CELL = 1000;

interface SessionTrack {
  state: VerificationState;
  deviceClass: string | undefined;
  /** The candidate's outcome at the session's last evaluation in range. */
  lastCandidate: ReplayOutcome | undefined;
}

/**
 * Folds verification events in log order and evaluates each recorded `DecisionEvaluated` again under the
 * candidate. Feed it every event of the log (others are skipped) with `apply`, then `report`. Deterministic.
 */
export class PolicyReplay {
  private readonly sessions = new Map<string, SessionTrack>();
  private readonly recordedPolicies = new Map<string, number>();
  private readonly byOutcome = new Map<string, number>();
  private readonly cells = new Map<string, { ids: Set<string>; ceiling: string | undefined }>();
  private readonly truncated = new Set<string>();
  private readonly byJurisdiction = new Map<string, Tally>();
  private readonly byDocumentType = new Map<string, Tally>();
  private readonly byDeviceClass = new Map<string, Tally>();
  private readonly byVendor = new Map<string, Tally>();
  private readonly byReasonCode = new Map<string, { added: number; removed: number }>();
  private evaluated = 0;
  private changed = 0;
  private outcomeChanged = 0;
  private reviewsRecorded = 0;
  private reviewsCandidate = 0;
  private readTo = 0;

  constructor(
    private readonly candidate: LoadedPolicy,
    private readonly filter: ReplayFilter = {},
    /** Only the sessions of this share of the streams (parallel replays; `mergeReplayReports` joins them). */
    private readonly partition?: ReplayPartition,
  ) {}

  /** Whether this replay folds the stream (all of them without a partition). */
  owns(stream: string): boolean {
    return this.partition === undefined || partitionOf(stream, this.partition.count) === this.partition.index;
  }

  /** Events read so far (their highest position). */
  get position(): number {
    return this.readTo;
  }

  /** Evaluations replayed so far. */
  get evaluatedSoFar(): number {
    return this.evaluated;
  }

  /** The log was read through `position` (events of other streams up to it were not fed to the replay). */
  readThrough(position: number): void {
    this.readTo = Math.max(this.readTo, position);
  }

  apply(stored: LedgerEvent): void {
    this.readTo = Math.max(this.readTo, stored.position);
    if (!this.owns(stored.stream)) return;
    const event = verificationEventOf(stored);
    if (event === undefined) return;
    const key = stored.stream;
    let track = this.sessions.get(key);
    if (track === undefined) {
      track = { state: initialVerificationState, deviceClass: undefined, lastCandidate: undefined };
      this.sessions.set(key, track);
    }
    if (event.type === 'CaptureStarted') track.deviceClass = event.data.deviceClass;
    if (event.type === 'DecisionEvaluated' && track.state.status !== 'none') {
      this.evaluateAgain(track, track.state, event, stored.metadata.recordedAt);
    }
    track.state = evolveVerification(track.state, event);
  }

  private evaluateAgain(
    track: SessionTrack,
    before: Exclude<VerificationState, { status: 'none' }>,
    recorded: Extract<VerificationEvent, { type: 'DecisionEvaluated' }>,
    recordedAt: string,
  ): void {
    const { filter } = this;
    if (filter.from !== undefined && recordedAt < filter.from) return;
    if (filter.to !== undefined && recordedAt >= filter.to) return;
    if (filter.jurisdiction !== undefined && before.jurisdiction !== filter.jurisdiction) return;
    if (filter.segment !== undefined && before.segment !== filter.segment) return;

    const input = evaluationInput(before);
    const { outcome, codes } = evaluateAgain(this.candidate, before, recorded.data.trigger);
    const was = recorded.data.outcome;
    const wasCodes = recorded.data.reasonCodes;
    const sameCodes = wasCodes.length === codes.length && wasCodes.every((code, i) => code === codes[i]);
    const differs = outcome !== was || !sameCodes;
    const sessionId = before.sessionId;

    this.evaluated += 1;
    if (differs) this.changed += 1;
    if (outcome !== was) this.outcomeChanged += 1;
    if (was === 'review') this.reviewsRecorded += 1;
    if (outcome === 'review') this.reviewsCandidate += 1;
    bump(this.recordedPolicies, recorded.data.policyHash);
    const cell = `${was}→${outcome}`;
    bump(this.byOutcome, cell);
    if (outcome !== was) this.keep(cell, sessionId);
    tally(this.byJurisdiction, before.jurisdiction, differs);
    tally(this.byDeviceClass, track.deviceClass ?? 'unknown', differs);
    const documentTypes = new Set<string>(
      input.evidence.flatMap((e) => (e.documentType === undefined ? [] : [e.documentType])),
    );
    if (documentTypes.size === 0) documentTypes.add('none');
    for (const type of documentTypes) tally(this.byDocumentType, type, differs);
    const vendors = new Set(before.checks.map((c) => c.vendor));
    if (vendors.size === 0) vendors.add('none');
    for (const vendor of vendors) tally(this.byVendor, vendor, differs);
    for (const code of codes) {
      if (!wasCodes.includes(code as never)) reasonCode(this.byReasonCode, code).added += 1;
    }
    for (const code of wasCodes) {
      if (!codes.includes(code)) reasonCode(this.byReasonCode, code).removed += 1;
    }
    track.lastCandidate = outcome;
  }

  private keep(cell: string, sessionId: string): void {
    let kept = this.cells.get(cell);
    if (kept === undefined) {
      kept = { ids: new Set(), ceiling: undefined };
      this.cells.set(cell, kept);
    }
    // The smallest ids are kept, so that the list does not depend on the order sessions were read in; the set is
    // trimmed back to the limit whenever it doubles, and ids above the largest kept are not taken any more.
    if (kept.ceiling !== undefined && sessionId > kept.ceiling) return;
    kept.ids.add(sessionId);
    if (kept.ids.size >= 2 * SESSIONS_PER_CELL) {
      const smallest = [...kept.ids].sort().slice(0, SESSIONS_PER_CELL);
      kept.ids = new Set(smallest);
      kept.ceiling = smallest.at(-1);
      this.truncated.add(cell);
    }
  }

  report(): ReplayReport {
    const confusion: Record<string, Record<string, number>> = {};
    for (const track of this.sessions.values()) {
      if (track.lastCandidate === undefined) continue;
      const final = finalOutcome(track.state);
      const row = (confusion[final] ??= {});
      row[track.lastCandidate] = (row[track.lastCandidate] ?? 0) + 1;
    }
    const { document, hash } = this.candidate;
    return {
      candidate: { policyId: document.policyId, version: document.version, hash },
      recordedPolicies: sorted(this.recordedPolicies),
      readTo: this.readTo,
      filter: this.filter,
      decisionsEvaluated: this.evaluated,
      changed: this.changed,
      outcomeChanged: this.outcomeChanged,
      byOutcome: sorted(this.byOutcome),
      byJurisdiction: sorted(this.byJurisdiction),
      byDocumentType: sorted(this.byDocumentType),
      byDeviceClass: sorted(this.byDeviceClass),
      byVendor: sorted(this.byVendor),
      byReasonCode: sorted(this.byReasonCode),
      confusion: Object.fromEntries(
        Object.entries(confusion)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([final, row]) => [final, sortedRecord(row)]),
      ),
      reviewLoad: {
        recorded: this.reviewsRecorded,
        candidate: this.reviewsCandidate,
        delta: this.reviewsCandidate - this.reviewsRecorded,
      },
      sessions: Object.fromEntries(
        [...this.cells.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([cell, kept]) => [cell, [...kept.ids].sort().slice(0, SESSIONS_PER_CELL)]),
      ),
      sessionsTruncated: [...this.cells.entries()]
        .filter(([cell, kept]) => this.truncated.has(cell) || kept.ids.size > SESSIONS_PER_CELL)
        .map(([cell]) => cell)
        .sort(),
    };
  }
}

function finalOutcome(state: VerificationState): FinalOutcome {
  const { status } = state;
  return status === 'approved' || status === 'rejected' || status === 'expired' || status === 'closed'
    ? status
    : 'undecided';
}

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function tally(tallies: Map<string, Tally>, key: string, differs: boolean): void {
  let entry = tallies.get(key);
  if (entry === undefined) {
    entry = { evaluated: 0, changed: 0 };
    tallies.set(key, entry);
  }
  entry.evaluated += 1;
  if (differs) entry.changed += 1;
}

function reasonCode(
  codes: Map<string, { added: number; removed: number }>,
  code: string,
): { added: number; removed: number } {
  let entry = codes.get(code);
  if (entry === undefined) {
    entry = { added: 0, removed: 0 };
    codes.set(code, entry);
  }
  return entry;
}

function sorted<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
