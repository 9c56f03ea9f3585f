import { describe, expect, it } from 'vitest';
import { DomainValidationError } from '../../../src/domain/shared/domain-error';
import {
  activeLegalHolds,
  CONSENT_SCOPES,
  ConsentAlreadyExistsError,
  ConsentAlreadyWithdrawnError,
  ConsentEvidenceRequiredError,
  ErasureReleaseRequiredError,
  ErasureRequestNotFoundError,
  RestrictionNotInForceError,
  type ReleaseErasureRestriction,
  type ConsentGranted,
  consentInForce,
  ConsentNotFoundError,
  decideSubject,
  evolveSubject,
  type GrantConsent,
  initialSubjectState,
  isSubjectEventType,
  LegalHoldActiveError,
  LegalHoldAlreadyExistsError,
  LegalHoldAlreadyReleasedError,
  LegalHoldNotFoundError,
  RelationshipAlreadyEndedError,
  RelationshipEndBackdatedTooFarError,
  RelationshipEndBeforeStartError,
  RelationshipNotEndedError,
  SubjectNotFoundError,
  SUBJECT_EVENT_TYPES,
  type SubjectCommand,
  type SubjectEvent,
  type SubjectState,
  processingRestriction,
  type RequestErasure,
  type ShredPersonalData,
  UnknownConsentScopeError,
  UnknownErasureGroundError,
} from '../../../src/domain/subject';
import { specFor } from './support/given';

const T0 = '2026-11-26T10:00:00.000Z';
const T1 = '2026-11-26T11:00:00.000Z';
const T2 = '2026-11-26T12:00:00.000Z';
const T3 = '2026-11-26T13:00:00.000Z';
const POLICY_HASH = 'ab'.repeat(32);
const SIGNED_FORM = 'Erika Mustermann signed at 10:00 from 203.0.113.7';

const given = specFor<SubjectCommand, SubjectEvent, SubjectState>(
  { decide: decideSubject, evolve: evolveSubject, initialState: initialSubjectState },
  { personalData: ['Erika Mustermann', '203.0.113.7'] },
);

function grant(overrides: Partial<GrantConsent['data']> = {}): GrantConsent {
  return {
    type: 'GrantConsent',
    data: {
      consentId: 'con_1',
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      policyHash: POLICY_HASH,
      locale: 'de-DE',
      channel: 'web',
      now: T0,
      ...overrides,
    },
  };
}

function granted(overrides: Partial<ConsentGranted['data']> = {}): ConsentGranted {
  return {
    type: 'ConsentGranted',
    data: {
      consentId: 'con_1',
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      policyHash: POLICY_HASH,
      locale: 'de-DE',
      channel: 'web',
      grantedAt: T0,
      ...overrides,
    },
  };
}

const withdrawn = (consentId = 'con_1', withdrawnAt = T1): SubjectEvent => ({
  type: 'ConsentWithdrawn',
  data: { consentId, scopes: ['identity_verification'], withdrawnAt },
});

const fold = (events: readonly SubjectEvent[]): SubjectState =>
  events.reduce(evolveSubject, initialSubjectState);

describe('subject aggregate', () => {
  describe('GrantConsent', () => {
    it('records the consent with its terms and when it was granted', () => {
      given([]).when(grant()).then([granted()]);
    });

    it('normalises the time to UTC and drops repeated scopes', () => {
      given([])
        .when(
          grant({
            now: '2026-11-26T11:00:00+01:00',
            scopes: ['identity_verification', 'identity_verification'],
          }),
        )
        .then([granted()]);
    });

    it('keeps proof of consent out of the data, as consent_evidence', () => {
      const [event] = given([])
        .when(grant({ evidence: { form: SIGNED_FORM } }))
        .events();
      expect(event).toEqual({ ...granted(), pii: { consent_evidence: { form: SIGNED_FORM } } });
    });

    it('accepts every scope of the closed list', () => {
      given([])
        .when(grant({ scopes: [...CONSENT_SCOPES] }))
        .then([granted({ scopes: [...CONSENT_SCOPES] })]);
    });

    it('refuses a scope outside the closed list', () => {
      given([])
        .when(grant({ scopes: ['identity_verification', 'marketing'] }))
        .thenThrows(UnknownConsentScopeError, {
          code: 'unknown_consent_scope',
          details: { field: 'scope' },
        });
    });

    it('refuses a consent without scopes', () => {
      given([])
        .when(grant({ scopes: [] }))
        .thenThrows(DomainValidationError, { details: { field: 'scopes' } });
    });

    it.each([
      ['noticeVersion', { noticeVersion: ' ' }],
      ['locale', { locale: 'not a locale' }],
      ['channel', { channel: '' }],
      ['now', { now: 'yesterday' }],
    ])('refuses an invalid %s', (field, overrides) => {
      given([]).when(grant(overrides)).thenThrows(DomainValidationError, { details: { field } });
    });

    it('treats the same grant again as a retry that records nothing', () => {
      given([granted()])
        .when(grant({ now: T1 }))
        .thenNothing();
    });

    it('refuses the same consent id with other terms', () => {
      given([granted()])
        .when(grant({ scopes: ['document_processing'] }))
        .thenThrows(ConsentAlreadyExistsError, { code: 'consent_already_exists' });
    });

    it('refuses to reuse the id of a withdrawn consent', () => {
      given([granted(), withdrawn()]).when(grant()).thenThrows(ConsentAlreadyExistsError);
    });
  });

  describe('WithdrawConsent', () => {
    const withdraw = (consentId = 'con_1', now = T1): SubjectCommand => ({
      type: 'WithdrawConsent',
      data: { consentId, now },
    });

    it('withdraws with nothing more than the consent id', () => {
      given([granted()]).when(withdraw()).then([withdrawn()]);
    });

    it('refuses an unknown consent', () => {
      given([granted()])
        .when(withdraw('con_2'))
        .thenThrows(ConsentNotFoundError, { code: 'consent_not_found', details: { consentId: 'con_2' } });
    });

    it('refuses a consent already withdrawn', () => {
      given([granted(), withdrawn()])
        .when(withdraw('con_1', T2))
        .thenThrows(ConsentAlreadyWithdrawnError, {
          code: 'consent_already_withdrawn',
          details: { consentId: 'con_1', withdrawnAt: T1 },
        });
    });
  });

  describe('EndRelationship', () => {
    const end = (
      endedAt: string,
      now = T1,
      more: { maxBackdate?: string; correction?: boolean } = {},
    ): SubjectCommand => ({
      type: 'EndRelationship',
      data: { endedAt, now, maxBackdate: 'P30D', ...more },
    });

    it('records when the relationship ended', () => {
      given([granted()])
        .when(end(T0))
        .then([{ type: 'RelationshipEnded', data: { endedAt: T0, recordedAt: T1 } }]);
    });

    it('happens once', () => {
      given([{ type: 'RelationshipEnded', data: { endedAt: T0, recordedAt: T0 } }])
        .when(end(T1, T2))
        .thenThrows(RelationshipAlreadyEndedError, {
          code: 'relationship_already_ended',
          details: { endedAt: T0 },
        });
    });

    it('refuses a subject the ledger knows nothing of', () => {
      given([]).when(end(T0)).thenThrows(SubjectNotFoundError, { code: 'subject_not_found' });
    });

    it('refuses an end before the first record of the subject, never echoing the value', () => {
      const before = '2026-11-26T09:59:59.999Z';
      given([granted()])
        .when(end(before))
        .thenThrows(RelationshipEndBeforeStartError, {
          code: 'relationship_end_before_start',
          details: { field: 'endedAt', earliest: T0 },
        });
    });

    it('refuses an end dated further back than the policy allows (no early shredding of AML records)', () => {
      // A subject known since 2020; an end dated 2020-02-29, recorded today, would make five-year classes due
      // at once.
      const known = granted({ grantedAt: '2019-06-01T00:00:00.000Z' });
      given([known])
        .when(end('2020-02-29T00:00:00.000Z', T1))
        .thenThrows(RelationshipEndBackdatedTooFarError, {
          code: 'relationship_end_backdated_too_far',
          details: { maxBackdate: 'P30D', earliest: '2026-10-27T11:00:00.000Z' },
        });
      given([known])
        .when(end('2026-10-27T11:00:00.000Z', T1))
        .then([{ type: 'RelationshipEnded', data: { endedAt: '2026-10-27T11:00:00.000Z', recordedAt: T1 } }]);
    });

    it('is corrected by a later end that says so; the same end again records nothing', () => {
      const ended = { type: 'RelationshipEnded', data: { endedAt: T0, recordedAt: T1 } } as const;
      given([granted(), ended])
        .when(end(T1, T2, { correction: true }))
        .then([{ type: 'RelationshipEnded', data: { endedAt: T1, recordedAt: T2, corrects: T0 } }]);
      given([granted(), ended])
        .when(end(T0, T2, { correction: true }))
        .then([]);
      given([granted()])
        .when(end(T0, T1, { correction: true }))
        .thenThrows(RelationshipNotEndedError, { code: 'relationship_not_ended' });
    });

    it('refuses an end in the future', () => {
      given([granted()])
        .when(end(T2, T1))
        .thenThrows(DomainValidationError, { details: { field: 'endedAt' } });
    });
  });

  describe('legal holds', () => {
    const place = (holdId = 'hold_1', reason = 'Case 2026-117'): SubjectCommand => ({
      type: 'PlaceLegalHold',
      data: { holdId, reason, now: T0 },
    });
    const release = (holdId = 'hold_1', now = T1): SubjectCommand => ({
      type: 'ReleaseLegalHold',
      data: { holdId, now },
    });
    const placed: SubjectEvent = {
      type: 'LegalHoldPlaced',
      data: { holdId: 'hold_1', reason: 'Case 2026-117', placedAt: T0 },
    };
    const released: SubjectEvent = { type: 'LegalHoldReleased', data: { holdId: 'hold_1', releasedAt: T1 } };

    it('places a hold', () => {
      given([]).when(place()).then([placed]);
    });

    it('refuses a hold without a reason', () => {
      given([])
        .when(place('hold_1', '  '))
        .thenThrows(DomainValidationError, { details: { field: 'reason' } });
    });

    it('refuses a hold id that exists', () => {
      given([placed])
        .when(place())
        .thenThrows(LegalHoldAlreadyExistsError, { code: 'legal_hold_already_exists' });
      given([placed, released]).when(place()).thenThrows(LegalHoldAlreadyExistsError);
    });

    it('releases a hold', () => {
      given([placed]).when(release()).then([released]);
    });

    it('refuses to release an unknown hold', () => {
      given([placed])
        .when(release('hold_2'))
        .thenThrows(LegalHoldNotFoundError, { code: 'legal_hold_not_found' });
    });

    it('refuses to release a hold twice', () => {
      given([placed, released])
        .when(release('hold_1', T2))
        .thenThrows(LegalHoldAlreadyReleasedError, { code: 'legal_hold_already_released' });
    });

    it('lists the holds still in force', () => {
      const second: SubjectEvent = {
        type: 'LegalHoldPlaced',
        data: { holdId: 'hold_2', reason: 'Regulator inquiry', placedAt: T1 },
      };
      expect(activeLegalHolds(fold([placed, second, released])).map((hold) => hold.holdId)).toEqual([
        'hold_2',
      ]);
    });
  });

  describe('erasure requests', () => {
    const AML = 'EU AMLR Art. 77';
    const retention: RequestErasure['data']['retention'] = {
      identity_attributes: { legalObligation: true, legalBasis: AML, retainUntil: null },
      document_media_refs: { legalObligation: true, legalBasis: AML, retainUntil: null },
      biometric_refs: { legalObligation: true, legalBasis: AML, retainUntil: null },
      review_notes: { legalObligation: true, legalBasis: AML, retainUntil: '2031-11-26T10:00:00.000Z' },
      contact_address: { legalObligation: false, legalBasis: 'GDPR Art. 6(1)(b)', retainUntil: null },
      consent_evidence: { legalObligation: false, legalBasis: 'GDPR Art. 7(1)', retainUntil: null },
    };
    const erase = (overrides: Partial<RequestErasure['data']> = {}): SubjectCommand => ({
      type: 'RequestErasure',
      data: {
        requestId: 'er_1',
        ground: 'consent_withdrawn',
        heldClasses: ['identity_attributes', 'contact_address', 'review_notes'],
        retention,
        now: T1,
        ...overrides,
      },
    });
    const hold: SubjectEvent = {
      type: 'LegalHoldPlaced',
      data: { holdId: 'hold_1', reason: 'Case 2026-117', placedAt: T0 },
    };
    const release = (overrides: Partial<ReleaseErasureRestriction['data']> = {}): SubjectCommand => ({
      type: 'ReleaseErasureRestriction',
      data: {
        requestId: 'er_1',
        reason: 'person_requested_service',
        reference: 'dsr-7',
        releasedBy: 'pia',
        now: T2,
        ...overrides,
      },
    });

    it('erases at once what no obligation keeps, restricts what AML keeps, and names what was not held', () => {
      given([])
        .when(erase())
        .then([
          {
            type: 'ErasureRequested',
            data: {
              requestId: 'er_1',
              ground: 'consent_withdrawn',
              requestedAt: T1,
              erased: ['contact_address'],
              restricted: [
                {
                  dataClass: 'identity_attributes',
                  basis: 'legal_obligation',
                  legalBasis: AML,
                  retainUntil: null,
                  holdIds: [],
                },
                {
                  dataClass: 'review_notes',
                  basis: 'legal_obligation',
                  legalBasis: AML,
                  retainUntil: '2031-11-26T10:00:00.000Z',
                  holdIds: [],
                },
              ],
              notHeld: ['document_media_refs', 'biometric_refs', 'consent_evidence'],
            },
          },
          {
            type: 'PersonalDataShredded',
            data: {
              shredId: 'er_1',
              dataClasses: ['contact_address'],
              reason: 'erasure_request',
              requestId: 'er_1',
              shreddedAt: T1,
            },
          },
        ]);
    });

    it('erases an AML class whose retention already ended', () => {
      const events = given([])
        .when(
          erase({
            heldClasses: ['review_notes'],
            now: '2032-01-01T00:00:00.000Z',
          }),
        )
        .events();
      expect(events.map((e) => e.type)).toEqual(['ErasureRequested', 'PersonalDataShredded']);
      expect(events[1]?.data).toMatchObject({ dataClasses: ['review_notes'] });
    });

    it('keeps everything under a legal hold, naming the hold, and shreds nothing', () => {
      const [requested, ...rest] = given([hold]).when(erase()).events();
      expect(rest).toEqual([]);
      expect(requested?.data).toMatchObject({
        erased: [],
        restricted: [
          { dataClass: 'identity_attributes', basis: 'legal_obligation', holdIds: ['hold_1'] },
          { dataClass: 'contact_address', basis: 'legal_hold', holdIds: ['hold_1'] },
          { dataClass: 'review_notes', basis: 'legal_obligation', holdIds: ['hold_1'] },
        ],
      });
    });

    it('records a request id once (a retry records nothing) and refuses an unknown ground', () => {
      const first = given([]).when(erase()).events();
      given(first).when(erase()).thenNothing();
      given([])
        .when(erase({ ground: 'because' }))
        .thenThrows(UnknownErasureGroundError, { code: 'unknown_erasure_ground' });
    });

    it('restricts new processing until a privacy officer releases it and the person consents again', () => {
      const requested = given([granted()]).when(erase()).events();
      const history = [granted(), ...requested];
      expect(processingRestriction(fold(history))?.requestId).toBe('er_1');
      const released = given(history).when(release()).events();
      expect(released).toEqual([
        {
          type: 'ErasureRestrictionReleased',
          data: {
            requestId: 'er_1',
            reason: 'person_requested_service',
            reference: 'dsr-7',
            releasedBy: 'pia',
            releasedAt: T2,
          },
        },
      ]);
      // The release alone resumes nothing.
      expect(processingRestriction(fold([...history, ...released]))?.requestId).toBe('er_1');
      const again = given([...history, ...released])
        .when(grant({ consentId: 'con_2', now: T3, evidence: { formRef: 'f-9' } }))
        .events();
      expect(again.map((e) => e.type)).toEqual(['ConsentGranted']);
      const after = fold([...history, ...released, ...again]);
      expect(processingRestriction(after, 'identity_verification')).toBeUndefined();
      expect(processingRestriction(after)).toBeUndefined();
      // Withdrawing that consent puts the restriction back until the person consents again.
      const withdrawnAgain = fold([...history, ...released, ...again, withdrawn('con_2', T3)]);
      expect(processingRestriction(withdrawnAgain)?.requestId).toBe('er_1');
    });

    it('refuses new consent after an erasure request until a privacy officer releases it (an operator alone cannot lift it)', () => {
      const history = [granted(), ...given([granted()]).when(erase()).events()];
      given(history)
        .when(grant({ consentId: 'con_2', now: T2, evidence: { formRef: 'f-9' } }))
        .thenThrows(ErasureReleaseRequiredError, {
          code: 'erasure_release_required',
          details: { requestId: 'er_1' },
        });
    });

    it('after the release, the consent that lifts the restriction needs evidence of the person', () => {
      const history = [granted(), ...given([granted()]).when(erase()).events()];
      const released = [...history, ...given(history).when(release()).events()];
      given(released)
        .when(grant({ consentId: 'con_2', now: T3 }))
        .thenThrows(ConsentEvidenceRequiredError, {
          code: 'consent_evidence_required',
          details: { field: 'evidence', requestId: 'er_1' },
        });
    });

    it('a consent to other scopes lifts only those scopes', () => {
      const history = [granted(), ...given([granted()]).when(erase()).events()];
      const released = [...history, ...given(history).when(release()).events()];
      const sharing = given(released)
        .when(
          grant({
            consentId: 'con_2',
            scopes: ['data_sharing_vendors'],
            now: T3,
            evidence: { formRef: 'f-9' },
          }),
        )
        .events();
      const state = fold([...released, ...sharing]);
      expect(processingRestriction(state, 'data_sharing_vendors')).toBeUndefined();
      expect(processingRestriction(state, 'identity_verification')?.requestId).toBe('er_1');
      // Identity verification still needs its own consent, with evidence.
      given([...released, ...sharing])
        .when(grant({ consentId: 'con_3', now: T3 }))
        .thenThrows(ConsentEvidenceRequiredError);
    });

    it('releases only the request in force, once: unknown, superseded and differently repeated releases are refused', () => {
      const first = [granted(), ...given([granted()]).when(erase()).events()];
      given(first)
        .when(release({ requestId: 'er_9' }))
        .thenThrows(ErasureRequestNotFoundError, { code: 'erasure_request_not_found' });
      const second = [
        ...first,
        ...given(first)
          .when(erase({ requestId: 'er_2', now: T2 }))
          .events(),
      ];
      given(second)
        .when(release({ requestId: 'er_1' }))
        .thenThrows(RestrictionNotInForceError, { code: 'restriction_not_in_force' });
      const released = [
        ...second,
        ...given(second)
          .when(release({ requestId: 'er_2' }))
          .events(),
      ];
      given(released)
        .when(release({ requestId: 'er_2' }))
        .thenNothing();
      given(released)
        .when(release({ requestId: 'er_2', reason: 'request_not_from_person' }))
        .thenThrows(RestrictionNotInForceError, { details: { requestId: 'er_2', releasedAt: T2 } });
      given(first)
        .when(release({ reason: 'because' }))
        .thenThrows(DomainValidationError, { details: { field: 'reason' } });
    });
  });

  describe('ShredPersonalData', () => {
    const shred = (overrides: Partial<ShredPersonalData['data']> = {}): SubjectCommand => ({
      type: 'ShredPersonalData',
      data: {
        shredId: 'sh_1',
        dataClasses: ['identity_attributes', 'identity_attributes'],
        reason: 'retention_expired',
        now: T2,
        ...overrides,
      },
    });
    const shredded: SubjectEvent = {
      type: 'PersonalDataShredded',
      data: {
        shredId: 'sh_1',
        dataClasses: ['identity_attributes'],
        reason: 'retention_expired',
        shreddedAt: T2,
      },
    };

    it('records the shred once', () => {
      given([]).when(shred()).then([shredded]);
      given([shredded]).when(shred()).thenNothing();
      expect(fold([shredded]).shredded.get('identity_attributes')).toBe(T2);
    });

    it('refuses under a legal hold, and after its release records the shred', () => {
      const placed: SubjectEvent = {
        type: 'LegalHoldPlaced',
        data: { holdId: 'hold_1', reason: 'Case 2026-117', placedAt: T0 },
      };
      given([placed])
        .when(shred())
        .thenThrows(LegalHoldActiveError, { code: 'legal_hold_active', details: { holdIds: ['hold_1'] } });
      const released: SubjectEvent = {
        type: 'LegalHoldReleased',
        data: { holdId: 'hold_1', releasedAt: T1 },
      };
      given([placed, released]).when(shred()).then([shredded]);
    });

    it('refuses unknown classes and reasons', () => {
      given([])
        .when(shred({ dataClasses: ['shoe_size'] }))
        .thenThrows(DomainValidationError, { details: { field: 'dataClasses' } });
      given([])
        .when(shred({ dataClasses: [] }))
        .thenThrows(DomainValidationError, { details: { field: 'dataClasses' } });
      given([])
        .when(shred({ reason: 'whim' }))
        .thenThrows(DomainValidationError, { details: { field: 'reason' } });
    });
  });

  describe(consentInForce.name, () => {
    it('is the latest granted consent covering the scope', () => {
      const state = fold([
        granted({ consentId: 'con_1', grantedAt: T0 }),
        granted({
          consentId: 'con_2',
          scopes: ['identity_verification', 'biometric_processing'],
          grantedAt: T1,
        }),
      ]);
      expect(consentInForce(state, 'identity_verification')).toEqual({
        consentId: 'con_2',
        scopes: ['identity_verification', 'biometric_processing'],
        noticeVersion: '2026-01',
        policyHash: POLICY_HASH,
        locale: 'de-DE',
        channel: 'web',
        grantedAt: T1,
      });
    });

    it('is the newer of two consents to a scope: a newer notice supersedes the older', () => {
      const state = fold([granted({ consentId: 'con_1' }), granted({ consentId: 'con_2' })]);
      expect(consentInForce(state, 'identity_verification')?.consentId).toBe('con_2');
    });

    it('does not revive an older consent when the newer one is withdrawn: withdrawal ends the scope', () => {
      const state = fold([
        granted({ consentId: 'con_1' }),
        granted({ consentId: 'con_2' }),
        withdrawn('con_2'),
      ]);
      expect(consentInForce(state, 'identity_verification')).toBeUndefined();
    });

    it('stays with the newer consent when a superseded older one is withdrawn', () => {
      const state = fold([
        granted({ consentId: 'con_1' }),
        granted({ consentId: 'con_2' }),
        withdrawn('con_1'),
      ]);
      expect(consentInForce(state, 'identity_verification')?.consentId).toBe('con_2');
    });

    it('is undefined once every covering consent is withdrawn', () => {
      expect(consentInForce(fold([granted(), withdrawn()]), 'identity_verification')).toBeUndefined();
    });

    it('is undefined for a scope no consent covers', () => {
      expect(consentInForce(fold([granted()]), 'biometric_processing')).toBeUndefined();
    });
  });

  describe('state', () => {
    it('keeps consents, the relationship end and holds, and when it last changed', () => {
      const state = fold([
        granted(),
        withdrawn(),
        { type: 'RelationshipEnded', data: { endedAt: T1, recordedAt: T2 } },
      ]);
      expect(state.consents.get('con_1')).toMatchObject({ consentId: 'con_1', withdrawnAt: T1 });
      expect(state.relationshipEndedAt).toBe(T1);
      expect(state.updatedAt).toBe(T2);
    });

    it('ignores an event about something it does not know rather than failing the stream', () => {
      expect(fold([withdrawn('con_9')]).consents.size).toBe(0);
    });

    it('recognises its own event types', () => {
      expect(SUBJECT_EVENT_TYPES).toHaveLength(9);
      expect(SUBJECT_EVENT_TYPES.every(isSubjectEventType)).toBe(true);
      expect(isSubjectEventType('VerificationApproved')).toBe(false);
      expect(isSubjectEventType('toString')).toBe(false);
    });
  });
});
