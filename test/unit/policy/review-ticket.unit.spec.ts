import { describe, expect, it } from 'vitest';
import { reviewTicket } from '../../../src/domain/policy/review-ticket';
import type { ReasonCode } from '../../../src/domain/reason-codes';
import { shippedPolicy } from './policy-fixtures';

const policy = shippedPolicy();
const NOW = new Date('2026-11-26T10:00:00.000Z');

function ticket(
  reasonCodes: ReasonCode[],
  overrides: Partial<{
    jurisdiction: string;
    segment: string;
    tier: string;
    riskSignals: Record<string, boolean>;
  }> = {},
): ReturnType<typeof reviewTicket> {
  return reviewTicket(
    policy,
    { jurisdiction: 'DE', segment: 'retail', tier: 'standard', riskSignals: {}, reasonCodes, ...overrides },
    NOW,
  );
}

describe(reviewTicket.name, () => {
  it.each([
    [['SANCTIONS_HIT', 'DOC_LOW_CONFIDENCE'], 1],
    [['PEP_MATCH', 'SANCTIONS_HIT'], 1],
    [['PEP_MATCH'], 2],
    [['DOC_SUSPECTED_TAMPERING'], 2],
    [['DUPLICATE_IDENTITY', 'SCORE_AMBIGUOUS'], 2],
    [['SCORE_AMBIGUOUS'], 4],
    [['CHECK_INCONCLUSIVE'], 4],
  ] as const)('%j → priority %d', (codes, priority) => {
    expect(ticket([...codes]).priority).toBe(priority);
  });

  it('gives compliance hits the compliance SLA and others the normal SLA', () => {
    expect(ticket(['SANCTIONS_HIT'])).toEqual({
      priority: 1,
      queue: 'kyc-review-de',
      slaDueAt: '2026-11-26T14:00:00.000Z',
    });
    expect(ticket(['PEP_MATCH']).slaDueAt).toBe('2026-11-26T14:00:00.000Z');
    expect(ticket(['SCORE_AMBIGUOUS'])).toEqual({
      priority: 4,
      queue: 'kyc-review-de',
      slaDueAt: '2026-11-27T10:00:00.000Z',
    });
  });

  it('ranks an enhanced-tier session or a trigger risk signal at 3', () => {
    expect(ticket(['SCORE_AMBIGUOUS'], { tier: 'enhanced' }).priority).toBe(3);
    expect(ticket([], { riskSignals: { pepSelfDeclared: true } }).priority).toBe(3);
    expect(ticket(['SCORE_AMBIGUOUS'], { riskSignals: { pepSelfDeclared: false } }).priority).toBe(4);
    expect(ticket(['PEP_MATCH'], { tier: 'enhanced' }).priority).toBe(2);
  });

  it('ranks a manual-jurisdiction review with nothing else at 5, in the international queue', () => {
    expect(ticket(['JURISDICTION_REVIEW_REQUIRED'], { jurisdiction: 'FR' })).toEqual({
      priority: 5,
      queue: 'kyc-review-international',
      slaDueAt: '2026-11-29T10:00:00.000Z',
    });
    expect(ticket(['JURISDICTION_REVIEW_REQUIRED', 'FACE_MISMATCH'], { jurisdiction: 'FR' }).priority).toBe(
      4,
    );
    expect(ticket(['JURISDICTION_REVIEW_REQUIRED', 'SANCTIONS_HIT'], { jurisdiction: 'FR' }).priority).toBe(
      1,
    );
  });

  it('takes queue and SLA from the jurisdiction and segment', () => {
    expect(ticket(['SANCTIONS_HIT'], { jurisdiction: 'US', segment: 'business' })).toEqual({
      priority: 1,
      queue: 'kyb-review-us',
      slaDueAt: '2026-11-26T12:00:00.000Z',
    });
    expect(ticket(['SCORE_AMBIGUOUS'], { jurisdiction: 'GB' })).toMatchObject({
      queue: 'kyc-review-gb',
      slaDueAt: '2026-11-28T10:00:00.000Z',
    });
  });
});
