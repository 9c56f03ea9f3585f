import { describe, expect, it } from 'vitest';
import { isoWeek, OutcomeQuality } from '../../src/policy-lab/outcomes';
import { ALL_CLEAR, DecidedSession, storedEvents } from '../support/decided-sessions';
import { shippedPolicy } from './policy/policy-fixtures';

const policy = shippedPolicy();
const CLEAR = ALL_CLEAR;

/** A session of this test: the real decider under the shipped policy. */
const session = (sessionId: string, t0: string, jurisdiction = 'DE'): DecidedSession =>
  new DecidedSession(sessionId, policy, t0, jurisdiction);

function quality(sessions: readonly DecidedSession[]): OutcomeQuality {
  const outcomes = new OutcomeQuality();
  for (const event of storedEvents(sessions)) outcomes.apply(event);
  return outcomes;
}

describe('outcome quality (valid pass rate)', () => {
  it('counts an approval valid until it is overturned, hit by a later screening, or found a duplicate', () => {
    const valid = session('ses_valid', '2026-11-23T08:00:00.000Z').evidence().results(CLEAR);
    const rejected = session('ses_rejected', '2026-11-23T09:00:00.000Z')
      .evidence()
      .results(CLEAR.map((c) => (c.kind === 'sanctions' ? { kind: 'sanctions', result: 'consider' } : c)))
      .review('reject', ['SANCTIONS_HIT']);
    // Approved, then a re-screening finds a sanctions hit: the review it reopens rejects.
    const hitLater = session('ses_hit_later', '2026-11-23T10:00:00.000Z')
      .evidence()
      .results(CLEAR)
      .results(
        [{ kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] }],
        'complyadvantage',
      );
    expect(hitLater.status).toBe('pending_review');
    hitLater.review('reject', ['SANCTIONS_HIT']);
    // Approved; later another subject's evidence turns out to have the same identity.
    const original = session('ses_original', '2026-11-24T08:00:00.000Z').evidence().results(CLEAR);
    const second = session('ses_second', '2026-11-24T09:00:00.000Z')
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
    expect(report.readTo).toBe(storedEvents([valid, rejected, hitLater, original, second]).length);
  });

  it('groups by country, vendor and policy version, and filters by the time of the first decision', () => {
    const de = session('ses_de', '2026-11-23T08:00:00.000Z', 'DE').evidence().results(CLEAR);
    const gb = session('ses_gb', '2026-12-01T08:00:00.000Z', 'GB').evidence().results(CLEAR, 'veriff');
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
