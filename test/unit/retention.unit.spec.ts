import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataClass } from '../../src/shared/data-classes';
import { addDuration } from '../../src/domain/policy/duration';
import type { RetentionRule } from '../../src/domain/policy/policy.types';
import {
  assessClass,
  type ClassFacts,
  isHeld,
  latestDueStart,
  NO_SUBJECT_FACTS,
  type SubjectFacts,
} from '../../src/privacy/retention';

/* Rules shaped like policies/kyc-default/2026-11-01.yaml, plus a decision-anchored one the policy may use. */
const AML: RetentionRule = {
  legalBasis: 'EU AMLR Art. 77',
  period: 'P5Y',
  from: 'relationship_end',
  legalObligation: true,
};
const CONTACT: RetentionRule = {
  legalBasis: 'GDPR Art. 6(1)(b)',
  period: 'P2Y',
  from: 'collection',
  legalObligation: false,
};
const AFTER_DECISION: RetentionRule = {
  legalBasis: 'GDPR Art. 6(1)(c)',
  period: 'P1Y',
  from: 'decision',
  legalObligation: false,
};

const NOW = new Date('2026-11-26T10:00:00.000Z');

/** Data of a class collected once (or first and last), possibly shredded since. */
function collected(at: string, position: number, more: Partial<ClassFacts> = {}): ClassFacts {
  return {
    firstCollectedAt: at,
    lastCollectedAt: at,
    lastCollectedPosition: position,
    shreddedAt: null,
    shreddedPosition: null,
    shredReason: null,
    erasureCoveredPosition: null,
    ...more,
  };
}

const subject = (facts: Partial<SubjectFacts> = {}): SubjectFacts => ({ ...NO_SUBJECT_FACTS, ...facts });

const assess = (
  dataClass: DataClass,
  rule: RetentionRule,
  facts: ClassFacts | undefined,
  subjectFacts: SubjectFacts,
  now: Date = NOW,
  shredGrace = 'P30D',
) => assessClass(dataClass, rule, facts, subjectFacts, now, shredGrace);

describe(assessClass.name, () => {
  describe('when the period starts', () => {
    const data = collected('2019-03-10T08:00:00.000Z', 10, { firstCollectedAt: '2018-01-05T08:00:00.000Z' });

    it.each([
      {
        from: 'relationship_end',
        rule: AML,
        dataClass: 'identity_attributes',
        facts: subject({ relationshipEndedAt: '2020-06-30T00:00:00.000Z' }),
        started: '2020-06-30T00:00:00.000Z',
        dueAt: '2025-06-30T00:00:00.000Z',
      },
      {
        from: 'collection (the latest one)',
        rule: CONTACT,
        dataClass: 'contact_address',
        facts: subject(),
        started: '2019-03-10T08:00:00.000Z',
        dueAt: '2021-03-10T08:00:00.000Z',
      },
      {
        from: 'decision (the latest one)',
        rule: AFTER_DECISION,
        dataClass: 'review_notes',
        facts: subject({ lastDecisionAt: '2024-05-02T12:30:00.000Z' }),
        started: '2024-05-02T12:30:00.000Z',
        dueAt: '2025-05-02T12:30:00.000Z',
      },
    ] as const)(
      'runs from $from: due at its anchor plus the period',
      ({ rule, dataClass, facts, started, dueAt }) => {
        const assessed = assess(dataClass, rule, data, facts);
        expect(assessed).toMatchObject({
          status: 'held',
          runsFrom: rule.from,
          period: rule.period,
          legalBasis: rule.legalBasis,
          legalObligation: rule.legalObligation,
          periodStartedAt: started,
          dueAt,
          shreddable: true,
          erasureRequestId: null,
          collectedFirstAt: '2018-01-05T08:00:00.000Z',
          collectedLastAt: '2019-03-10T08:00:00.000Z',
        });
      },
    );

    it.each([
      { from: 'relationship_end (the relationship goes on)', rule: AML, facts: data },
      { from: 'decision (never decided)', rule: AFTER_DECISION, facts: data },
      { from: 'collection (never collected)', rule: CONTACT, facts: undefined },
    ])('without an anchor ($from): no start, no due date, not shreddable', ({ rule, facts }) => {
      const assessed = assess('identity_attributes', rule, facts, subject());
      expect(assessed).toMatchObject({ periodStartedAt: null, dueAt: null, shreddable: false });
    });

    it('an ongoing relationship keeps AML data however old it is', () => {
      const ancient = collected('1999-01-01T00:00:00.000Z', 1);
      expect(assess('identity_attributes', AML, ancient, subject())).toMatchObject({
        status: 'held',
        dueAt: null,
        shreddable: false,
      });
    });
  });

  describe('calendar arithmetic of the due date', () => {
    it.each([
      // Ended on the last day of a non-leap February: the same day five years on.
      ['2021-02-28T00:00:00.000Z', 'P5Y', '2026-02-28T00:00:00.000Z'],
      // Ended on 29 February: clamped to the last day of February of a non-leap year.
      ['2024-02-29T00:00:00.000Z', 'P5Y', '2029-02-28T00:00:00.000Z'],
      ['2020-02-29T13:45:00.000Z', 'P4Y', '2024-02-29T13:45:00.000Z'],
      ['2026-01-31T09:00:00.000Z', 'P1M', '2026-02-28T09:00:00.000Z'],
      ['2025-12-31T23:59:59.999Z', 'P2M', '2026-02-28T23:59:59.999Z'],
      ['2026-03-28T00:00:00.000Z', 'P1DT12H', '2026-03-29T12:00:00.000Z'],
    ])('relationship ended %s + %s is due %s', (endedAt, period, dueAt) => {
      const rule = { ...AML, period };
      const assessed = assess(
        'identity_attributes',
        rule,
        collected('2010-01-01T00:00:00.000Z', 1),
        subject({ relationshipEndedAt: endedAt }),
        new Date(dueAt),
        // The arithmetic of the period alone: no shred grace after the end was recorded.
        'PT0S',
      );
      expect(assessed.dueAt).toBe(dueAt);
      expect(assessed.dueAt).toBe(addDuration(endedAt, period));
    });

    it('shreds nothing a relationship end made due before its grace period is over (time to correct it)', () => {
      // Ended (as typed in) long ago, recorded just now: the AML period is over, but the end could be wrong.
      const facts = subject({
        relationshipEndedAt: '2020-02-29T00:00:00.000Z',
        relationshipEndRecordedAt: '2026-12-01T00:00:00.000Z',
      });
      const data = collected('2019-01-01T00:00:00.000Z', 1);
      const inGrace = assess('identity_attributes', AML, data, facts, new Date('2026-12-30T23:59:59.999Z'));
      expect(inGrace).toMatchObject({
        retentionEndsAt: '2025-02-28T00:00:00.000Z',
        graceUntil: '2026-12-31T00:00:00.000Z',
        dueAt: '2026-12-31T00:00:00.000Z',
        shreddable: false,
      });
      expect(
        assess('identity_attributes', AML, data, facts, new Date('2026-12-31T00:00:00.000Z')).shreddable,
      ).toBe(true);
      // Periods that do not run from the relationship end have no grace period.
      expect(
        assess('identity_attributes', { ...AML, from: 'collection' }, data, facts).graceUntil,
      ).toBeNull();
    });

    it('is shreddable from the due instant on, not a millisecond before', () => {
      const facts = subject({ relationshipEndedAt: '2021-02-28T00:00:00.000Z' });
      const data = collected('2019-01-01T00:00:00.000Z', 1);
      const due = Date.parse('2026-02-28T00:00:00.000Z');
      expect(assess('identity_attributes', AML, data, facts, new Date(due - 1)).shreddable).toBe(false);
      expect(assess('identity_attributes', AML, data, facts, new Date(due)).shreddable).toBe(true);
      // 2021-02-28 + 5 × 365 days is 2026-02-27: a naive year length would shred a day early.
      expect(
        assess('identity_attributes', AML, data, facts, new Date('2026-02-27T12:00:00.000Z')).shreddable,
      ).toBe(false);
    });
  });

  describe('held, shredded, collected again', () => {
    const ended = subject({ relationshipEndedAt: '2020-01-01T00:00:00.000Z' });

    it.each([
      {
        state: 'collected, never shredded',
        facts: collected('2019-01-01T00:00:00.000Z', 10),
        status: 'held',
        shreddable: true,
      },
      {
        state: 'shredded after its last collection',
        facts: collected('2019-01-01T00:00:00.000Z', 10, {
          shreddedAt: '2025-01-02T00:00:00.000Z',
          shreddedPosition: 20,
          shredReason: 'retention_expired',
        }),
        status: 'shredded',
        shreddable: false,
      },
      {
        state: 'collected again after the shred',
        facts: collected('2019-01-01T00:00:00.000Z', 30, {
          shreddedAt: '2025-01-02T00:00:00.000Z',
          shreddedPosition: 20,
          shredReason: 'retention_expired',
        }),
        status: 'held',
        shreddable: true,
      },
      { state: 'never collected', facts: undefined, status: 'not_held', shreddable: false },
    ] as const)('$state → $status', ({ facts, status, shreddable }) => {
      const assessed = assess('identity_attributes', AML, facts, ended);
      expect(assessed.status).toBe(status);
      expect(assessed.shreddable).toBe(shreddable);
      expect(isHeld(facts)).toBe(status === 'held');
      expect(assessed.shreddedAt).toBe(facts?.shreddedAt ?? null);
      expect(assessed.shredReason).toBe(facts?.shredReason ?? null);
    });

    it('data collected again after a shred starts a new collection-anchored period', () => {
      const again = collected('2026-06-01T00:00:00.000Z', 30, {
        firstCollectedAt: '2020-01-01T00:00:00.000Z',
        shreddedAt: '2025-01-02T00:00:00.000Z',
        shreddedPosition: 20,
        shredReason: 'retention_expired',
      });
      expect(assess('contact_address', CONTACT, again, subject())).toMatchObject({
        status: 'held',
        periodStartedAt: '2026-06-01T00:00:00.000Z',
        dueAt: '2028-06-01T00:00:00.000Z',
        shreddable: false,
      });
    });
  });

  describe('legal holds', () => {
    it('postpone the shred: the period still ends when it ends, but no date can be given for the shred', () => {
      const facts = subject({
        relationshipEndedAt: '2020-01-01T00:00:00.000Z',
        activeHolds: ['hold-1', 'hold-2'],
      });
      const assessed = assess('identity_attributes', AML, collected('2019-01-01T00:00:00.000Z', 1), facts);
      expect(assessed).toMatchObject({
        status: 'held',
        retentionEndsAt: '2025-01-01T00:00:00.000Z',
        dueAt: null,
        waitingFor: 'legal_hold_release',
        shreddable: false,
        holds: ['hold-1', 'hold-2'],
      });
      const released = assess('identity_attributes', AML, collected('2019-01-01T00:00:00.000Z', 1), {
        ...facts,
        activeHolds: [],
      });
      expect(released).toMatchObject({ dueAt: '2025-01-01T00:00:00.000Z', shreddable: true, holds: [] });
    });
  });

  describe('erasure requests', () => {
    const requested = subject({
      erasureRequestId: 'req-1',
      erasureRequestedAt: '2026-03-01T00:00:00.000Z',
    });
    /** Data the request kept for now (restricted): collected up to position 5, covered up to 5. */
    const covered = (at: string, more: Partial<ClassFacts> = {}): ClassFacts =>
      collected(at, 5, { erasureCoveredPosition: 5, ...more });

    it('make the data of a class no obligation keeps due at the request time', () => {
      const assessed = assess('contact_address', CONTACT, covered('2026-01-01T00:00:00.000Z'), requested);
      expect(assessed).toMatchObject({
        status: 'held',
        periodStartedAt: '2026-01-01T00:00:00.000Z',
        dueAt: '2026-03-01T00:00:00.000Z',
        erasureRequestId: 'req-1',
        shreddable: true,
        restriction: null,
      });
    });

    it('are not yet carried out before the request time', () => {
      const assessed = assess(
        'contact_address',
        CONTACT,
        covered('2026-01-01T00:00:00.000Z'),
        requested,
        new Date('2026-02-28T00:00:00.000Z'),
      );
      expect(assessed).toMatchObject({ dueAt: '2026-03-01T00:00:00.000Z', shreddable: false });
    });

    it('leave a period that ended before the request as the reason (retention, not erasure)', () => {
      const assessed = assess('contact_address', CONTACT, covered('2020-01-01T00:00:00.000Z'), requested);
      expect(assessed).toMatchObject({
        dueAt: '2022-01-01T00:00:00.000Z',
        erasureRequestId: null,
        shreddable: true,
      });
    });

    it.each([
      { relationshipEndedAt: null, dueAt: null },
      { relationshipEndedAt: '2024-04-30T00:00:00.000Z', dueAt: '2029-04-30T00:00:00.000Z' },
    ])(
      'do not touch a class a legal obligation keeps (relationship ended $relationshipEndedAt)',
      ({ relationshipEndedAt, dueAt }) => {
        const assessed = assess('identity_attributes', AML, covered('2026-01-01T00:00:00.000Z'), {
          ...requested,
          relationshipEndedAt,
        });
        expect(assessed).toMatchObject({ status: 'held', dueAt, erasureRequestId: null, shreddable: false });
      },
    );

    it('do not reach data collected after the request (no coverage)', () => {
      const later = collected('2026-03-01T00:00:00.001Z', 50, {
        firstCollectedAt: '2025-12-01T00:00:00.000Z',
      });
      const assessed = assess('contact_address', CONTACT, later, requested);
      expect(assessed).toMatchObject({
        status: 'held',
        dueAt: '2028-03-01T00:00:00.001Z',
        erasureRequestId: null,
        shreddable: false,
      });
    });

    it('keep the covered data due when the class is collected again after the request', () => {
      const again = covered('2026-01-01T00:00:00.000Z', {
        lastCollectedAt: '2026-04-01T00:00:00.000Z',
        lastCollectedPosition: 50,
      });
      expect(assess('contact_address', CONTACT, again, requested)).toMatchObject({
        status: 'held',
        dueAt: '2026-03-01T00:00:00.000Z',
        erasureRequestId: 'req-1',
        shreddable: true,
      });
      // Once the covered data is shredded (up to its position), the new data is held for its own period.
      const after = { ...again, shreddedAt: '2026-04-02T00:00:00.000Z', shreddedPosition: 5 };
      expect(assess('contact_address', CONTACT, after, requested)).toMatchObject({
        status: 'held',
        dueAt: '2028-04-01T00:00:00.000Z',
        erasureRequestId: null,
        shreddable: false,
      });
    });

    it('wait for a legal hold: not shreddable, and no due date until the hold is released', () => {
      const assessed = assess('contact_address', CONTACT, covered('2026-01-01T00:00:00.000Z'), {
        ...requested,
        activeHolds: ['hold-9'],
      });
      expect(assessed).toMatchObject({
        dueAt: null,
        waitingFor: 'legal_hold_release',
        erasureRequestId: 'req-1',
        shreddable: false,
        holds: ['hold-9'],
      });
    });

    it('have nothing to do for a class already shredded', () => {
      const shredded = covered('2026-01-01T00:00:00.000Z', {
        shreddedAt: '2026-03-01T00:00:00.000Z',
        shreddedPosition: 9,
        shredReason: 'erasure_request',
      });
      expect(assess('contact_address', CONTACT, shredded, requested)).toMatchObject({
        status: 'shredded',
        erasureRequestId: null,
        shreddable: false,
        shredReason: 'erasure_request',
      });
    });
  });

  describe('restriction after an erasure request', () => {
    const restricted = subject({
      erasureRequestId: 'req-2',
      erasureRequestedAt: '2026-03-01T00:00:00.000Z',
      restricted: [
        { dataClass: 'identity_attributes', basis: 'legal_obligation' },
        { dataClass: 'contact_address', basis: 'legal_hold' },
      ],
      activeHolds: ['hold-3'],
    });
    const before = collected('2026-01-01T00:00:00.000Z', 5, { erasureCoveredPosition: 5 });

    it.each([
      {
        case: 'a held class the request restricted for an obligation',
        dataClass: 'identity_attributes',
        rule: AML,
        facts: before,
        status: 'restricted',
        restriction: { basis: 'legal_obligation', requestId: 'req-2' },
      },
      {
        case: 'a held class the request restricted for a hold',
        dataClass: 'contact_address',
        rule: CONTACT,
        facts: before,
        status: 'restricted',
        restriction: { basis: 'legal_hold', requestId: 'req-2' },
      },
      {
        case: 'a held class the request did not restrict',
        dataClass: 'biometric_refs',
        rule: AML,
        facts: before,
        status: 'held',
        restriction: null,
      },
      {
        case: 'a restricted class first collected after the request',
        dataClass: 'identity_attributes',
        rule: AML,
        facts: collected('2026-04-01T00:00:00.000Z', 60),
        status: 'held',
        restriction: null,
      },
      {
        case: 'a restricted class collected again after the request (the covered data stays restricted)',
        dataClass: 'identity_attributes',
        rule: AML,
        facts: collected('2026-01-01T00:00:00.000Z', 60, { erasureCoveredPosition: 5 }),
        status: 'restricted',
        restriction: { basis: 'legal_obligation', requestId: 'req-2' },
      },
      {
        case: 'a restricted class shredded since',
        dataClass: 'contact_address',
        rule: CONTACT,
        facts: collected('2026-01-01T00:00:00.000Z', 5, {
          erasureCoveredPosition: 5,
          shreddedAt: '2026-05-01T00:00:00.000Z',
          shreddedPosition: 70,
          shredReason: 'erasure_request',
        }),
        status: 'shredded',
        restriction: null,
      },
      {
        case: 'a restricted class never collected',
        dataClass: 'identity_attributes',
        rule: AML,
        facts: undefined,
        status: 'not_held',
        restriction: null,
      },
    ] as const)('$case → $status', ({ dataClass, rule, facts, status, restriction }) => {
      const assessed = assess(dataClass, rule, facts, restricted);
      expect(assessed.status).toBe(status);
      expect(assessed.restriction).toEqual(restriction);
    });

    it('is reported while the hold postpones the erasure, and the class is shreddable once it is released', () => {
      const held = assess('contact_address', CONTACT, before, restricted);
      expect(held).toMatchObject({ status: 'restricted', erasureRequestId: 'req-2', shreddable: false });
      const released = assess('contact_address', CONTACT, before, { ...restricted, activeHolds: [] });
      expect(released).toMatchObject({ status: 'restricted', erasureRequestId: 'req-2', shreddable: true });
    });
  });
});

describe(latestDueStart.name, () => {
  it.each([
    // Five years of 365 days: a day later than the calendar bound across 29 February 2024.
    ['P5Y', '2021-11-27T10:00:00.000Z'],
    ['P1M', '2026-10-29T10:00:00.000Z'],
    ['P2W', '2026-11-12T10:00:00.000Z'],
    ['PT72H', '2026-11-23T10:00:00.000Z'],
    ['P1DT12H30M15S', '2026-11-24T21:29:45.000Z'],
  ])('%s before %s', (period, start) => {
    expect(latestDueStart(period, NOW)).toBe(start);
  });

  it('is exact for periods of weeks, days and time: that start is due at exactly now', () => {
    for (const period of ['P2W', 'PT72H', 'P1DT12H30M15S']) {
      expect(addDuration(latestDueStart(period, NOW), period)).toBe(NOW.toISOString());
    }
  });

  /** Instants 1971–2099, half of them on the last days of a month (where calendar arithmetic clamps). */
  const anchor = fc.oneof(
    fc.date({
      min: new Date(Date.UTC(1971, 0, 1)),
      max: new Date(Date.UTC(2099, 11, 31)),
      noInvalidDate: true,
    }),
    fc
      .record({
        year: fc.integer({ min: 1971, max: 2099 }),
        month: fc.integer({ min: 0, max: 11 }),
        daysBeforeEnd: fc.integer({ min: 0, max: 3 }),
        ms: fc.integer({ min: 0, max: 24 * 60 * 60 * 1000 - 1 }),
      })
      .map(({ year, month, daysBeforeEnd, ms }) => new Date(Date.UTC(year, month + 1, -daysBeforeEnd) + ms)),
  );

  /** Mostly absent or small, so that short calendar periods (P1M from 31 January) come up often. */
  const component = (max: number): fc.Arbitrary<number> =>
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) },
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max }),
    );
  const period = fc
    .tuple(
      component(30),
      component(40),
      component(10),
      component(400),
      component(100),
      component(200),
      component(5000),
    )
    .filter((parts) => parts.some((n) => n > 0))
    .map(([y, mo, w, d, h, mi, s]) => {
      const date = `${y > 0 ? `${y}Y` : ''}${mo > 0 ? `${mo}M` : ''}${w > 0 ? `${w}W` : ''}${d > 0 ? `${d}D` : ''}`;
      const time = `${h > 0 ? `${h}H` : ''}${mi > 0 ? `${mi}M` : ''}${s > 0 ? `${s}S` : ''}`;
      return `P${date}${time === '' ? '' : `T${time}`}`;
    });
  /** How long after the period ended `now` is: often exactly at its end, the tightest case. */
  const slack = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 * 24 * 60 * 60 * 1000 }));

  it('is never later than the start of a period that is over by now (candidates are never missed)', () => {
    fc.assert(
      fc.property(anchor, period, slack, (start, duration, after) => {
        const anchorIso = start.toISOString();
        const now = new Date(Date.parse(addDuration(anchorIso, duration)) + after);
        expect(Date.parse(anchorIso)).toBeLessThanOrEqual(Date.parse(latestDueStart(duration, now)));
      }),
      {
        numRuns: 500,
        // The tightest cases, always tried: a month or a year that clamps to the end of February.
        examples: [
          [new Date('2026-01-31T00:00:00.000Z'), 'P1M', 0],
          [new Date('2024-02-29T00:00:00.000Z'), 'P1Y', 0],
          [new Date('2025-01-31T06:00:00.000Z'), 'P1Y1MT1H', 0],
        ],
      },
    );
  });
});
