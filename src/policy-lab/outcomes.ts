import { isReasonCode, isScreeningHit } from '../domain/reason-codes';
import { evolveVerification, initialVerificationState, type VerificationState } from '../domain/verification';
import type { LedgerEvent } from '../ledger/envelope';
import { verificationEventOf } from './replay';
import { VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';

/*
 * Outcome quality: every approval followed forward in time. An approval stays valid unless it was later
 * overturned (a rejection after it, by an override or a review it reopened), a later screening (re-screening, a
 * vendor's ongoing monitoring, a late result) found a sanctions/PEP/watchlist hit on it, or its identity turned
 * out to be a duplicate (it was approved although its evidence matched another subject, or another subject's
 * evidence later matched it). The pass rate counts approvals among decided sessions; the valid pass rate only
 * the approvals that stayed valid (the seed's "valid pass rate"). Reads the ledger only; never decrypts.
 */

export type OutcomeGroupBy = 'week' | 'country' | 'vendor' | 'policyVersion';

export interface OutcomeFilter {
  /** Sessions whose first decision was recorded at or after this instant. */
  readonly from?: string;
  readonly to?: string;
}

export interface OutcomeGroup {
  readonly key: string;
  /** Sessions with a first decision (approved or rejected) in range. */
  readonly decided: number;
  readonly approved: number;
  readonly rejected: number;
  /** Approvals that stayed valid. */
  readonly validApproved: number;
  readonly passRate: number | null;
  readonly validPassRate: number | null;
  /** Why approvals stopped being valid (one approval can have several reasons). */
  readonly invalidated: {
    readonly overturned: number;
    readonly laterScreeningHit: number;
    readonly duplicateIdentity: number;
  };
}

export interface OutcomeReport {
  readonly groupBy: OutcomeGroupBy;
  readonly filter: OutcomeFilter;
  readonly readTo: number;
  readonly total: Omit<OutcomeGroup, 'key'>;
  readonly groups: readonly OutcomeGroup[];
}

interface Track {
  state: VerificationState;
  /** The first final decision, what it was and when. */
  first?: { approved: boolean; at: string; vendors: string[] };
  overturned: boolean;
  laterScreeningHit: boolean;
  duplicate: boolean;
}

/** Follows every session of the log; feed it every event (`apply`), then `report`. Deterministic. */
export class OutcomeQuality {
  private readonly sessions = new Map<string, Track>();
  /** Sessions another subject's evidence matched (their identity turned out to be shared). */
  private readonly matchedLater = new Set<string>();
  private readTo = 0;

  apply(stored: LedgerEvent): void {
    this.readTo = Math.max(this.readTo, stored.position);
    const event = verificationEventOf(stored);
    if (event === undefined) return;
    let track = this.sessions.get(stored.stream);
    if (track === undefined) {
      track = {
        state: initialVerificationState,
        overturned: false,
        laterScreeningHit: false,
        duplicate: false,
      };
      this.sessions.set(stored.stream, track);
    }
    const before = track.state;
    track.state = evolveVerification(before, event);
    const approvedBefore = track.first?.approved === true;
    if (event.type === 'EvidenceSubmitted') {
      const other = event.data.duplicateOf?.sessionId;
      if (other !== undefined) {
        this.matchedLater.add(other);
        track.duplicate = true;
      }
    } else if (event.type === 'VerificationApproved' || event.type === 'VerificationRejected') {
      const approved = event.type === 'VerificationApproved';
      if (track.first === undefined && before.status !== 'none') {
        track.first = {
          approved,
          at: event.data.decidedAt,
          vendors: [...new Set(before.checks.map((check) => check.vendor))].sort(),
        };
      } else if (approvedBefore && !approved) {
        track.overturned = true;
      }
    } else if (event.type === 'ReviewRequested') {
      // A review an approval reopened because of a screening hit: the approval no longer holds as it was.
      if (approvedBefore && event.data.reasons.some((code) => isReasonCode(code) && isScreeningHit(code))) {
        track.laterScreeningHit = true;
      }
    }
  }

  /** The log was read through `position`. */
  readThrough(position: number): void {
    this.readTo = Math.max(this.readTo, position);
  }

  report(groupBy: OutcomeGroupBy, filter: OutcomeFilter = {}): OutcomeReport {
    const groups = new Map<string, Counts>();
    const total = emptyCounts();
    for (const [stream, track] of this.sessions) {
      const { first, state } = track;
      if (first === undefined || state.status === 'none') continue;
      if (filter.from !== undefined && first.at < filter.from) continue;
      if (filter.to !== undefined && first.at >= filter.to) continue;
      const sessionId = stream.slice(VERIFICATION_STREAM_PREFIX.length);
      const duplicate = track.duplicate || this.matchedLater.has(sessionId);
      const keys =
        groupBy === 'week'
          ? [isoWeek(first.at)]
          : groupBy === 'country'
            ? [state.jurisdiction]
            : groupBy === 'policyVersion'
              ? [`${state.policyId}@${state.policyVersion}`]
              : first.vendors.length > 0
                ? first.vendors
                : ['none'];
      for (const key of keys) {
        let counts = groups.get(key);
        if (counts === undefined) {
          counts = emptyCounts();
          groups.set(key, counts);
        }
        count(counts, first.approved, track, duplicate);
      }
      count(total, first.approved, track, duplicate);
    }
    return {
      groupBy,
      filter,
      readTo: this.readTo,
      total: finish(total),
      groups: [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, counts]) => ({ key, ...finish(counts) })),
    };
  }
}

interface Counts {
  decided: number;
  approved: number;
  rejected: number;
  validApproved: number;
  overturned: number;
  laterScreeningHit: number;
  duplicateIdentity: number;
}

const emptyCounts = (): Counts => ({
  decided: 0,
  approved: 0,
  rejected: 0,
  validApproved: 0,
  overturned: 0,
  laterScreeningHit: 0,
  duplicateIdentity: 0,
});

function count(counts: Counts, approved: boolean, track: Track, duplicate: boolean): void {
  counts.decided += 1;
  if (!approved) {
    counts.rejected += 1;
    return;
  }
  counts.approved += 1;
  if (track.overturned) counts.overturned += 1;
  if (track.laterScreeningHit) counts.laterScreeningHit += 1;
  if (duplicate) counts.duplicateIdentity += 1;
  if (!track.overturned && !track.laterScreeningHit && !duplicate) counts.validApproved += 1;
}

function finish(counts: Counts): Omit<OutcomeGroup, 'key'> {
  const rate = (n: number): number | null =>
    counts.decided === 0 ? null : Math.round((n / counts.decided) * 10_000) / 10_000;
  return {
    decided: counts.decided,
    approved: counts.approved,
    rejected: counts.rejected,
    validApproved: counts.validApproved,
    passRate: rate(counts.approved),
    validPassRate: rate(counts.validApproved),
    invalidated: {
      overturned: counts.overturned,
      laterScreeningHit: counts.laterScreeningHit,
      duplicateIdentity: counts.duplicateIdentity,
    },
  };
}

/** The ISO 8601 week of an instant (UTC), e.g. `2026-W48`. */
export function isoWeek(instant: string): string {
  const date = new Date(instant);
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
