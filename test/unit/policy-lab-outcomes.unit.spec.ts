import { describe, expect, it } from 'vitest';
import type { CheckResult, DuplicateMatch } from '../../src/domain/policy/policy.types';
import {
  decideVerification,
  evolveVerification,
  initialVerificationState,
  type VerificationCommand,
  type VerificationEvent,
  type VerificationState,
} from '../../src/domain/verification';
import { currentSchemaVersion } from '../../src/events';
import type { LedgerEvent } from '../../src/ledger/envelope';
import { isoWeek, OutcomeQuality } from '../../src/policy-lab/outcomes';
import { shippedPolicy } from './policy/policy-fixtures';

const policy = shippedPolicy();
const STANDING = { consentInForce: true };
const CLEAR: CheckResult[] = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.96 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];

/** A session driven through the real decider; `then` adds what happens after the first decision. */
class Session {
  readonly events: { event: VerificationEvent; at: string }[] = [];
  private state: VerificationState = initialVerificationState;
  private minute = 0;

  constructor(
    readonly sessionId: string,
    private readonly t0: string,
    jurisdiction = 'DE',
  ) {
    this.run({
      type: 'StartVerification',
      data: {
        sessionId,
        subjectId: `sub_${sessionId}`,
        jurisdiction,
        segment: 'retail',
        riskSignals: {},
        consent: {
          consentId: `con_${sessionId}`,
          scopes: ['identity_verification', 'biometric_processing'],
          noticeVersion: '2026-01',
          policyHash: policy.hash,
          locale: 'en-GB',
          channel: 'web',
          grantedAt: this.now(),
        },
        policy,
        now: this.now(),
      },
    });
  }

  evidence(duplicateOf?: DuplicateMatch): this {
    const jurisdiction = this.state.status === 'none' ? 'DE' : this.state.jurisdiction;
    return this.run({
      type: 'SubmitEvidence',
      data: {
        sessionId: this.sessionId,
        evidenceId: `evd_${String(this.minute)}`,
        kind: 'document',
        documentType: 'passport',
        issuingCountry: jurisdiction,
        vendor: 'onfido',
        vendorReference: `doc_${String(this.minute)}`,
        ...(duplicateOf === undefined ? {} : { duplicateOf }),
        policy,
        subject: STANDING,
        now: this.now(),
      },
    });
  }

  results(checks: readonly CheckResult[], vendor = 'onfido'): this {
    return this.run({
      type: 'RecordVendorResult',
      data: {
        sessionId: this.sessionId,
        vendor,
        vendorEventId: `evt_${String(this.minute)}`,
        vendorCreatedAt: this.now(),
        checks,
        policy,
        subject: STANDING,
        now: this.now(),
      },
    });
  }

  review(outcome: 'approve' | 'reject', reasonCodes: string[] = []): this {
    return this.run({
      type: 'CompleteReview',
      data: {
        sessionId: this.sessionId,
        reviewerId: 'rev_1',
        reviewerRoles: ['reviewer', 'senior_reviewer'],
        outcome,
        reasonCodes,
        note: 'checked',
        policy,
        subject: STANDING,
        now: this.now(),
      },
    } as unknown as VerificationCommand);
  }

  get status(): string {
    return this.state.status;
  }

  private now(): string {
    this.minute += 1;
    return new Date(Date.parse(this.t0) + this.minute * 60_000).toISOString();
  }

  private run(command: VerificationCommand): this {
    for (const event of decideVerification(command, this.state)) {
      this.events.push({ event, at: new Date(Date.parse(this.t0) + this.minute * 60_000).toISOString() });
      this.state = evolveVerification(this.state, event);
    }
    return this;
  }
}

/** The sessions' events as the ledger would hold them, interleaved by time. */
function ledger(sessions: readonly Session[]): LedgerEvent[] {
  const all = sessions.flatMap((s) =>
    s.events.map((e, revision) => ({ ...e, stream: `kyc-verification-${s.sessionId}`, revision })),
  );
  all.sort((a, b) => a.at.localeCompare(b.at));
  return all.map(({ event, at, stream, revision }, index) => ({
    stream,
    revision,
    position: index + 1,
    eventId: `e${String(index)}`,
    type: event.type,
    data: event.data,
    pii: null,
    metadata: {
      eventId: `e${String(index)}`,
      occurredAt: at,
      recordedAt: at,
      actor: { kind: 'system', id: 'test', roles: [] },
      correlationId: 'c',
      causationId: null,
      schemaVersion: currentSchemaVersion(event.type),
      prevHash: '',
      hash: '',
    },
  }));
}

function quality(sessions: readonly Session[]): OutcomeQuality {
  const outcomes = new OutcomeQuality();
  for (const event of ledger(sessions)) outcomes.apply(event);
  return outcomes;
}

describe('outcome quality (valid pass rate)', () => {
  it('counts an approval valid until it is overturned, hit by a later screening, or found a duplicate', () => {
    const valid = new Session('ses_valid', '2026-11-23T08:00:00.000Z').evidence().results(CLEAR);
    const rejected = new Session('ses_rejected', '2026-11-23T09:00:00.000Z')
      .evidence()
      .results(CLEAR.map((c) => (c.kind === 'sanctions' ? { kind: 'sanctions', result: 'consider' } : c)))
      .review('reject', ['SANCTIONS_HIT']);
    // Approved, then a re-screening finds a sanctions hit: the review it reopens rejects.
    const hitLater = new Session('ses_hit_later', '2026-11-23T10:00:00.000Z')
      .evidence()
      .results(CLEAR)
      .results(
        [{ kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] }],
        'complyadvantage',
      );
    expect(hitLater.status).toBe('pending_review');
    hitLater.review('reject', ['SANCTIONS_HIT']);
    // Approved; later another subject's evidence turns out to have the same identity.
    const original = new Session('ses_original', '2026-11-24T08:00:00.000Z').evidence().results(CLEAR);
    const second = new Session('ses_second', '2026-11-24T09:00:00.000Z')
      .evidence({ sessionId: 'ses_original', match: 'document' })
      .results(CLEAR);
    expect(second.status).toBe('pending_review');
    second.review('approve');

    const report = quality([valid, rejected, hitLater, original, second]).report('week');
    expect(report.total).toEqual({
      decided: 5,
      approved: 4,
      rejected: 1,
      validApproved: 1,
      passRate: 0.8,
      validPassRate: 0.2,
      invalidated: { overturned: 1, laterScreeningHit: 1, duplicateIdentity: 2 },
    });
    expect(report.groups.map((g) => g.key)).toEqual(['2026-W48']);
    expect(report.readTo).toBe(ledger([valid, rejected, hitLater, original, second]).length);
  });

  it('groups by country, vendor and policy version, and filters by the time of the first decision', () => {
    const de = new Session('ses_de', '2026-11-23T08:00:00.000Z', 'DE').evidence().results(CLEAR);
    const gb = new Session('ses_gb', '2026-12-01T08:00:00.000Z', 'GB').evidence().results(CLEAR, 'veriff');
    const outcomes = quality([de, gb]);
    expect(outcomes.report('country').groups.map((g) => [g.key, g.approved])).toEqual([
      ['DE', 1],
      ['GB', 1],
    ]);
    expect(outcomes.report('vendor').groups.map((g) => g.key)).toEqual(['onfido', 'veriff']);
    expect(outcomes.report('policyVersion').groups.map((g) => g.key)).toEqual([
      `${policy.document.policyId}@${policy.document.version}`,
    ]);
    const december = outcomes.report('country', { from: '2026-12-01T00:00:00.000Z' });
    expect(december.groups.map((g) => g.key)).toEqual(['GB']);
    expect(outcomes.report('country', { to: '2026-11-01T00:00:00.000Z' }).total.passRate).toBeNull();
  });

  it('names ISO weeks across a year boundary', () => {
    expect(isoWeek('2026-12-31T12:00:00.000Z')).toBe('2026-W53');
    expect(isoWeek('2027-01-04T00:00:00.000Z')).toBe('2027-W01');
    expect(isoWeek('2026-11-26T10:00:00.000Z')).toBe('2026-W48');
  });
});
