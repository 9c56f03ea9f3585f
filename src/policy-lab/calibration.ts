import { rulesFor } from '../domain/policy/jurisdiction-rules';
import type { CheckKind, LoadedPolicy } from '../domain/policy/policy.types';
import {
  evolveVerification,
  initialVerificationState,
  type ManualOutcome,
  type VerificationState,
} from '../domain/verification';
import type { LedgerEvent } from '../ledger/envelope';
import { verificationEventOf } from './replay';

/*
 * The calibration report: how each vendor's confidence scores stood against how the sessions finally ended, per
 * vendor × check kind (× country where the data suffice), with a threshold finder. Reads the verification events
 * exactly as the what-if replay does (the same fold); never decrypts personal data; writes nothing.
 */

/** Results a country needs to be reported on its own; below it, its results count only in the country-less group. */
export const MIN_PER_GROUP = 20;
/** Histogram bins: 50 of 0.02 from 0 to 1 (the last one holds 1 itself). */
export const HISTOGRAM_BINS = 50;
/** The threshold finder's grid: 0.00, 0.01, … 1.00. */
export const THRESHOLD_STEPS = 100;

/** How a session finally stood in the ledger read. */
export const CALIBRATION_OUTCOMES = [
  'approved_automatically',
  'approved_after_review',
  'rejected',
  'overturned',
  'undecided',
  'expired',
  'closed',
] as const;
export type CalibrationOutcome = (typeof CALIBRATION_OUTCOMES)[number];

/** The outcomes a threshold should have stopped: what its false-positive rate counts. */
const NEGATIVE: ReadonlySet<CalibrationOutcome> = new Set<CalibrationOutcome>(['rejected', 'overturned']);

export interface CalibrationFilter {
  readonly vendor?: string;
  readonly checkKind?: CheckKind;
  /** Only sessions of this country. */
  readonly jurisdiction?: string;
  /** Results recorded at or after this instant (ISO 8601). */
  readonly from?: string;
  /** Results recorded before this instant. */
  readonly to?: string;
}

/** Ceilings the threshold finder looks for (each a share, 0..1). */
export interface CalibrationTargets {
  /** At most this share of the group's results below the threshold (sent to review or resubmission). */
  readonly targetReviewRate?: number;
  /** At most this share of the group's rejected or overturned results still passing the threshold. */
  readonly targetFalsePositiveRate?: number;
}

export type OutcomeCounts = Record<CalibrationOutcome, number>;

export interface HistogramBin {
  /** Inclusive lower edge. */
  readonly from: number;
  /** Exclusive upper edge (inclusive for the last bin, which holds 1). */
  readonly to: number;
  readonly total: number;
  readonly byOutcome: OutcomeCounts;
}

/** What a threshold does to a group: a result passes when its score is at or above it. */
export interface ThresholdRates {
  readonly threshold: number;
  /** Share of the results below the threshold (review or resubmission, from this check alone). */
  readonly reviewRate: number;
  /** Share of the rejected or overturned results that pass it; null when the group has none. */
  readonly falsePositiveRate: number | null;
  /** Share of the results that pass it (1 − reviewRate). */
  readonly passRate: number;
}

/** The policy in force's threshold for the group, and its rates (each result judged by its own rules). */
export interface CurrentThreshold extends Omit<ThresholdRates, 'threshold'> {
  /** The threshold, when one applies to every result of the group; null when they differ. */
  readonly threshold: number | null;
  /** Every distinct threshold the policy applies to the group's results (country and segment), ascending. */
  readonly thresholds: number[];
}

export interface CalibrationGroup {
  readonly vendor: string;
  readonly checkKind: CheckKind;
  /** The country; null for the vendor's results of this kind in every country. */
  readonly jurisdiction: string | null;
  readonly results: number;
  readonly byOutcome: OutcomeCounts;
  readonly histogram: HistogramBin[];
  /** The threshold the finder suggests for the targets; null without targets or when no grid point meets them. */
  readonly suggested: ThresholdRates | null;
  /** The policy in force's threshold; null when it sets none for this kind on any result of the group. */
  readonly current: CurrentThreshold | null;
}

export interface CalibrationReport {
  /** The ledger's global position read to (inclusive). */
  readonly readTo: number;
  readonly filter: CalibrationFilter;
  readonly targets: {
    readonly targetReviewRate: number | null;
    readonly targetFalsePositiveRate: number | null;
  };
  /** The policy whose thresholds `current` shows. */
  readonly policy: { readonly policyId: string; readonly version: string; readonly hash: string } | null;
  readonly minPerGroup: number;
  /** Vendor, check kind, then the country-less group before the countries. */
  readonly groups: CalibrationGroup[];
}

interface SessionTrack {
  state: VerificationState;
  /** The final decisions recorded, in order (an override or a re-review can change an earlier one). */
  readonly decisions: ManualOutcome[];
  /** When each result the fold holds for the current attempt was recorded, by `[kind, vendor]`. */
  recordedAt: Map<string, string>;
}

/** One scored result, labelled with how its session ended. */
interface Sample {
  readonly vendor: string;
  readonly checkKind: CheckKind;
  readonly jurisdiction: string;
  readonly segment: string;
  readonly score: number;
  /** The threshold grid cell of the score (`gridCell`). */
  readonly cell: number;
  readonly outcome: CalibrationOutcome;
}

/**
 * Folds verification events in log order, like `PolicyReplay`, and labels each scored result with how its
 * session finally stood. A result is a vendor's latest counted `clear` result with a score for one check kind
 * of the session's last attempt, as the fold holds it (what the policy saw last): one per session, vendor and
 * kind. Results of earlier attempts led to a resubmission, not to the final outcome, and are not counted.
 * Feed it every event of the log (others are skipped) with `apply`, then `report`. Deterministic.
 */
export class ScoreCalibration {
  private readonly sessions = new Map<string, SessionTrack>();
  private readTo = 0;

  constructor(
    private readonly filter: CalibrationFilter = {},
    /** The policy in force, for each group's current threshold. */
    private readonly policy?: LoadedPolicy,
  ) {}

  /** Events read so far (their highest position). */
  get position(): number {
    return this.readTo;
  }

  /** The log was read through `position`. */
  readThrough(position: number): void {
    this.readTo = Math.max(this.readTo, position);
  }

  apply(stored: LedgerEvent): void {
    this.readTo = Math.max(this.readTo, stored.position);
    const event = verificationEventOf(stored);
    if (event === undefined) return;
    let track = this.sessions.get(stored.stream);
    if (track === undefined) {
      track = { state: initialVerificationState, decisions: [], recordedAt: new Map() };
      this.sessions.set(stored.stream, track);
    }
    track.state = evolveVerification(track.state, event);
    const state = track.state;
    if (state.status === 'none') return;
    if (event.type === 'VendorResultReceived' && event.data.counted) {
      const { vendor, vendorCreatedAt } = event.data;
      for (const check of event.data.checks) {
        const held = state.checks.find((c) => c.kind === check.kind && c.vendor === vendor);
        // The fold kept this delivery's result (a newer one of the same vendor would have stayed instead).
        if (held?.vendorCreatedAt === vendorCreatedAt) {
          track.recordedAt.set(resultKey(check.kind, vendor), stored.metadata.recordedAt);
        }
      }
    }
    if (event.type === 'ResubmissionRequested') track.recordedAt = new Map();
    if (event.type === 'VerificationApproved') track.decisions.push('approve');
    if (event.type === 'VerificationRejected') track.decisions.push('reject');
  }

  report(targets: CalibrationTargets = {}): CalibrationReport {
    const samples = this.samples();
    const byKind = new Map<string, Sample[]>();
    const byCountry = new Map<string, Sample[]>();
    for (const sample of samples) {
      push(byKind, JSON.stringify([sample.vendor, sample.checkKind]), sample);
      push(byCountry, JSON.stringify([sample.vendor, sample.checkKind, sample.jurisdiction]), sample);
    }
    const groups: CalibrationGroup[] = [];
    for (const kindSamples of byKind.values()) groups.push(this.group(kindSamples, null, targets));
    for (const countrySamples of byCountry.values()) {
      const first = countrySamples[0];
      if (first === undefined || countrySamples.length < MIN_PER_GROUP) continue;
      groups.push(this.group(countrySamples, first.jurisdiction, targets));
    }
    groups.sort(
      (a, b) =>
        a.vendor.localeCompare(b.vendor) ||
        a.checkKind.localeCompare(b.checkKind) ||
        (a.jurisdiction ?? '').localeCompare(b.jurisdiction ?? ''),
    );
    const policy = this.policy;
    return {
      readTo: this.readTo,
      filter: this.filter,
      targets: {
        targetReviewRate: targets.targetReviewRate ?? null,
        targetFalsePositiveRate: targets.targetFalsePositiveRate ?? null,
      },
      policy:
        policy === undefined
          ? null
          : { policyId: policy.document.policyId, version: policy.document.version, hash: policy.hash },
      minPerGroup: MIN_PER_GROUP,
      groups,
    };
  }

  /** Every result that passes the filter, labelled with its session's final outcome. */
  private samples(): Sample[] {
    const { filter } = this;
    const samples: Sample[] = [];
    for (const track of this.sessions.values()) {
      const state = track.state;
      if (state.status === 'none') continue;
      if (filter.jurisdiction !== undefined && state.jurisdiction !== filter.jurisdiction) continue;
      const outcome = finalOutcome(state, track.decisions);
      for (const check of state.checks) {
        if (check.result !== 'clear' || check.score === undefined || !Number.isFinite(check.score)) continue;
        if (filter.vendor !== undefined && check.vendor !== filter.vendor) continue;
        if (filter.checkKind !== undefined && check.kind !== filter.checkKind) continue;
        const recordedAt = track.recordedAt.get(resultKey(check.kind, check.vendor));
        if (recordedAt === undefined) continue;
        if (filter.from !== undefined && recordedAt < filter.from) continue;
        if (filter.to !== undefined && recordedAt >= filter.to) continue;
        samples.push({
          vendor: check.vendor,
          checkKind: check.kind,
          jurisdiction: state.jurisdiction,
          segment: state.segment,
          score: check.score,
          cell: gridCell(check.score),
          outcome,
        });
      }
    }
    return samples;
  }

  private group(
    samples: readonly Sample[],
    jurisdiction: string | null,
    targets: CalibrationTargets,
  ): CalibrationGroup {
    const first = samples[0];
    if (first === undefined) throw new Error('a calibration group needs at least one result');
    const byOutcome = zeroCounts();
    const bins = Array.from({ length: HISTOGRAM_BINS }, zeroCounts);
    // Per grid cell k: results whose score is in [k/100, (k+1)/100) (cell 100: exactly 1), and the negatives.
    const cells = new Array<number>(THRESHOLD_STEPS + 1).fill(0);
    const negativeCells = new Array<number>(THRESHOLD_STEPS + 1).fill(0);
    let negatives = 0;
    for (const sample of samples) {
      const negative = NEGATIVE.has(sample.outcome);
      byOutcome[sample.outcome] += 1;
      if (negative) negatives += 1;
      // Two grid cells a bin; a score outside [0, 1] (never accepted at intake) lands in the nearest bin.
      const bin = bins[Math.max(0, Math.min(HISTOGRAM_BINS - 1, Math.floor(sample.cell / 2)))];
      if (bin !== undefined) bin[sample.outcome] += 1;
      if (sample.cell < 0) continue;
      cells[sample.cell] = (cells[sample.cell] ?? 0) + 1;
      if (negative) negativeCells[sample.cell] = (negativeCells[sample.cell] ?? 0) + 1;
    }
    // passing[k]: results at or above threshold k/100 (a score below 0 passes none).
    const passing = suffixSums(cells);
    const negativesPassing = suffixSums(negativeCells);
    const rates = (k: number): ThresholdRates => {
      const passed = passing[k] ?? 0;
      return {
        threshold: k / THRESHOLD_STEPS,
        reviewRate: (samples.length - passed) / samples.length,
        falsePositiveRate: negatives === 0 ? null : (negativesPassing[k] ?? 0) / negatives,
        passRate: passed / samples.length,
      };
    };
    return {
      vendor: first.vendor,
      checkKind: first.checkKind,
      jurisdiction,
      results: samples.length,
      byOutcome,
      histogram: bins.map((counts, i) => ({
        from: i / HISTOGRAM_BINS,
        to: (i + 1) / HISTOGRAM_BINS,
        total: Object.values(counts).reduce((sum, n) => sum + n, 0),
        byOutcome: counts,
      })),
      suggested: suggest(rates, targets),
      current: this.current(samples, negatives),
    };
  }

  /** The policy in force's threshold for each result's country and segment, and what it does to the group. */
  private current(samples: readonly Sample[], negatives: number): CurrentThreshold | null {
    const policy = this.policy;
    if (policy === undefined) return null;
    const thresholds = new Set<number>();
    let passed = 0;
    let negativesPassed = 0;
    let judged = 0;
    for (const sample of samples) {
      const threshold = thresholdOf(policy, sample);
      if (threshold !== undefined) {
        thresholds.add(threshold);
        judged += 1;
      }
      // A result its rules set no threshold for passes: the policy does not judge its score.
      const passes = threshold === undefined || sample.score >= threshold;
      if (!passes) continue;
      passed += 1;
      if (NEGATIVE.has(sample.outcome)) negativesPassed += 1;
    }
    if (judged === 0) return null;
    const sortedThresholds = [...thresholds].sort((a, b) => a - b);
    return {
      threshold: sortedThresholds.length === 1 ? (sortedThresholds[0] ?? null) : null,
      thresholds: sortedThresholds,
      reviewRate: (samples.length - passed) / samples.length,
      falsePositiveRate: negatives === 0 ? null : negativesPassed / negatives,
      passRate: passed / samples.length,
    };
  }
}

/**
 * The finder: with a false-positive target, the lowest threshold on the grid meeting it (and the review target,
 * if given too); with a review target alone, the highest threshold meeting it (the lowest, 0, always would).
 */
function suggest(rates: (k: number) => ThresholdRates, targets: CalibrationTargets): ThresholdRates | null {
  const { targetReviewRate, targetFalsePositiveRate } = targets;
  const meetsReview = (r: ThresholdRates): boolean =>
    targetReviewRate === undefined || r.reviewRate <= targetReviewRate + 1e-12;
  if (targetFalsePositiveRate !== undefined) {
    for (let k = 0; k <= THRESHOLD_STEPS; k += 1) {
      const r = rates(k);
      // No rejected or overturned result to measure against: no threshold can be shown to meet it.
      if (r.falsePositiveRate === null) return null;
      if (r.falsePositiveRate <= targetFalsePositiveRate + 1e-12) return meetsReview(r) ? r : null;
    }
    return null;
  }
  if (targetReviewRate !== undefined) {
    for (let k = THRESHOLD_STEPS; k >= 0; k -= 1) {
      const r = rates(k);
      if (meetsReview(r)) return r;
    }
  }
  return null;
}

function finalOutcome(
  state: Exclude<VerificationState, { status: 'none' }>,
  decisions: readonly ManualOutcome[],
): CalibrationOutcome {
  switch (state.status) {
    case 'approved':
    case 'rejected': {
      const last = state.status === 'approved' ? 'approve' : 'reject';
      if (decisions.some((decision) => decision !== last)) return 'overturned';
      if (state.status === 'rejected') return 'rejected';
      return state.decidedBy === 'policy' ? 'approved_automatically' : 'approved_after_review';
    }
    case 'expired':
    case 'closed':
      return state.status;
    case 'initiated':
    case 'capture_in_progress':
    case 'submitted':
    case 'pending_review':
    case 'needs_resubmission':
      return 'undecided';
    default: {
      const unexpected: never = state.status;
      return unexpected;
    }
  }
}

/** The threshold the policy sets for the result's kind in its country and segment, if any. */
function thresholdOf(policy: LoadedPolicy, sample: Sample): number | undefined {
  try {
    return rulesFor(policy, sample.jurisdiction, sample.segment).rules.thresholds[sample.checkKind];
  } catch {
    // The policy in force does not know the session's segment (or country code): it sets no threshold for it.
    return undefined;
  }
}

/**
 * The grid cell of a score: the largest k with k/100 ≤ score (−1 below 0, 100 at or above 1), compared as the
 * policy compares (`score < threshold` with the threshold's own binary value), so 0.58 is in cell 58.
 */
function gridCell(score: number): number {
  if (score < 0) return -1;
  if (score >= 1) return THRESHOLD_STEPS;
  let k = Math.floor(score * THRESHOLD_STEPS);
  if ((k + 1) / THRESHOLD_STEPS <= score) k += 1;
  if (k / THRESHOLD_STEPS > score) k -= 1;
  return k;
}

function suffixSums(counts: readonly number[]): number[] {
  const sums = new Array<number>(counts.length + 1).fill(0);
  for (let k = counts.length - 1; k >= 0; k -= 1) sums[k] = (sums[k + 1] ?? 0) + (counts[k] ?? 0);
  return sums;
}

function zeroCounts(): OutcomeCounts {
  return Object.fromEntries(CALIBRATION_OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
}

function resultKey(kind: CheckKind, vendor: string): string {
  return JSON.stringify([kind, vendor]);
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
