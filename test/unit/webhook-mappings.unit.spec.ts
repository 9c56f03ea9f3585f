import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../src/domain/reason-codes';
import { check, mergeChecks } from '../../src/webhooks/delivery';
import { OnfidoAdapter, reportChecks } from '../../src/webhooks/vendors/onfido';
import { PersonaAdapter, personaDecisionChecks } from '../../src/webhooks/vendors/persona';
import { SumsubAdapter, sumsubReviewChecks, sumsubTime } from '../../src/webhooks/vendors/sumsub';
import { UnrecognisedPayload } from '../../src/webhooks/vendors/vendor-adapter';
import { VeriffAdapter, veriffDecisionChecks } from '../../src/webhooks/vendors/veriff';
import { fixture, WEBHOOK_SECRETS, FIXTURE_PII } from '../support/webhook-signing';

const PII = FIXTURE_PII;
const AT = '2026-11-26T10:05:00.000Z';
const onfido = new OnfidoAdapter(WEBHOOK_SECRETS.onfido);
const veriff = new VeriffAdapter(WEBHOOK_SECRETS.veriff);
const sumsub = new SumsubAdapter(WEBHOOK_SECRETS.sumsub);
const persona = new PersonaAdapter(WEBHOOK_SECRETS.persona, 300);

function read(raw: Buffer): unknown {
  return JSON.parse(raw.toString('utf8'));
}

/** Normalises a fixture and checks that nothing personal survived the mapping. */
function normalise(adapter: { normalise(payload: unknown, raw: Buffer): unknown }, raw: Buffer) {
  const delivery = adapter.normalise(read(raw), raw);
  const text = JSON.stringify(delivery);
  for (const value of PII) expect(text, `normalised delivery must not contain ${value}`).not.toContain(value);
  return delivery;
}

const clear = (...kinds: string[]) => kinds.map((kind) => ({ kind, result: 'clear' }));
/** Clear checks carrying the vendor's own labels. */
const clearSaid = (labels: string[], ...kinds: string[]) =>
  kinds.map((kind) => ({ kind, result: 'clear', vendorLabels: labels }));

describe('Onfido payload mapping', () => {
  it('parks the documented check.completed, which announces a result without carrying it', () => {
    const raw = fixture('onfido/check-completed.json', { vendorReference: 'chk_1', occurredAt: AT });
    expect(normalise(onfido, raw)).toEqual({
      vendor: 'onfido',
      eventId: `check.completed:chk_1:${AT}`,
      eventType: 'check.completed',
      occurredAt: AT,
      vendorReference: 'chk_1',
      outcome: { kind: 'none', reason: 'result_not_in_payload' },
    });
  });

  it('maps the reports a check carries, by report name', () => {
    const raw = fixture('onfido/check-completed-with-reports.json', {
      vendorReference: 'chk_2',
      occurredAt: AT,
    });
    expect(normalise(onfido, raw)).toMatchObject({
      vendorReference: 'chk_2',
      occurredAt: AT,
      // watchlist_standard covers sanctions, PEP and the other lists: its clear clears all three.
      outcome: {
        kind: 'checks',
        checks: clear('document', 'face_match', 'liveness', 'sanctions', 'pep', 'watchlist'),
      },
    });
  });

  it('maps a completed document report by its sub-result, against the check it belongs to', () => {
    const raw = fixture('onfido/report-completed-document-suspected.json', {
      vendorReference: 'chk_3',
      reportId: 'rep_1',
      occurredAt: AT,
    });
    expect(normalise(onfido, raw)).toMatchObject({
      eventId: `report.completed:rep_1:${AT}`,
      vendorReference: 'chk_3',
      outcome: {
        kind: 'checks',
        checks: [{ kind: 'document', result: 'consider', reasonCodes: ['DOC_SUSPECTED_TAMPERING'] }],
      },
    });
  });

  it('maps report results and sub-results to results and reason codes', () => {
    const doc = (extra: Record<string, unknown>) =>
      reportChecks({ name: 'document', status: 'complete', ...extra });
    expect(doc({ result: 'clear', sub_result: 'clear' })).toEqual(
      clearSaid(['document', 'clear', 'sub_result:clear'], 'document'),
    );
    expect(doc({ result: 'consider', sub_result: 'rejected' })).toEqual([
      {
        kind: 'document',
        result: 'fail',
        reasonCodes: ['DOC_IMAGE_QUALITY'],
        vendorLabels: ['document', 'consider', 'sub_result:rejected'],
      },
    ]);
    expect(
      doc({
        result: 'consider',
        sub_result: 'caution',
        breakdown: { data_validation: { breakdown: { document_expiration: { result: 'consider' } } } },
      }),
    ).toMatchObject([
      { kind: 'document', result: 'consider', reasonCodes: ['DOC_EXPIRED', 'CHECK_INCONCLUSIVE'] },
    ]);
    expect(doc({ result: 'consider', breakdown: { age_validation: { result: 'consider' } } })).toMatchObject([
      { kind: 'document', result: 'consider' },
      { kind: 'age', result: 'consider', reasonCodes: ['CHECK_INCONCLUSIVE'] },
    ]);
    expect(doc({ result: 'unidentified' })).toEqual([
      { kind: 'document', result: 'consider', vendorLabels: ['document', 'unidentified'] },
    ]);
    expect(reportChecks({ name: 'watchlist_enhanced', result: 'consider' })).toMatchObject([
      { kind: 'sanctions', result: 'consider', reasonCodes: ['SANCTIONS_HIT'] },
      { kind: 'pep', result: 'consider', reasonCodes: ['PEP_MATCH'] },
      { kind: 'watchlist', result: 'consider', reasonCodes: ['WATCHLIST_HIT'] },
    ]);
    expect(
      reportChecks({
        name: 'facial_similarity_video',
        result: 'consider',
        breakdown: { visual_authenticity: { result: 'consider' } },
      }),
    ).toEqual([
      {
        kind: 'liveness',
        result: 'consider',
        reasonCodes: ['LIVENESS_FAILED', 'CHECK_INCONCLUSIVE'],
        vendorLabels: ['facial_similarity_video', 'consider', 'liveness_detected'],
      },
      // The report's consider is explained by visual authenticity alone: the face comparison passed.
      { kind: 'face_match', result: 'clear', vendorLabels: ['facial_similarity_video', 'consider'] },
    ]);
    expect(reportChecks({ name: 'known_faces', result: 'clear' })).toEqual([]);
    expect(reportChecks({ name: 'known_faces', result: 'consider' })).toMatchObject([
      { kind: 'face_match', result: 'consider', reasonCodes: ['DUPLICATE_IDENTITY'] },
    ]);
    expect(reportChecks({ name: 'document', status: 'awaiting_approval', result: 'clear' })).toEqual([]);
    expect(reportChecks({ name: 'device_intelligence', result: 'clear' })).toEqual([]);
  });

  it('ignores events that are no result, and refuses a payload without action or object id', () => {
    const started = Buffer.from(
      JSON.stringify({ payload: { action: 'check.started', object: { id: 'chk_9' } } }),
    );
    expect(normalise(onfido, started)).toMatchObject({ outcome: { kind: 'none', reason: 'not_a_result' } });
    const withdrawn = Buffer.from(
      JSON.stringify({ payload: { action: 'check.withdrawn', object: { id: 'chk_9' } } }),
    );
    expect(normalise(onfido, withdrawn)).toMatchObject({ outcome: { kind: 'none', reason: 'no_decision' } });
    for (const payload of [
      {},
      { payload: { action: 'check.completed' } },
      { payload: { object: { id: 'x' } } },
      [],
    ]) {
      expect(() => onfido.normalise(payload, Buffer.from('{}'))).toThrow(UnrecognisedPayload);
    }
  });
});

describe('Veriff payload mapping', () => {
  const values = {
    vendorReference: 'a1c68aea-7f4d-478d-80ab-ca9356074f69',
    sessionId: 'ses_1',
    occurredAt: AT,
  };

  it('maps an approved decision (9001) to clear identity checks, with vendorData as the pass-through id', () => {
    expect(normalise(veriff, fixture('veriff/decision-approved.json', values))).toEqual({
      vendor: 'veriff',
      eventId: `decision:${values.vendorReference}:f2270684-8c51-4d03-88eb-dafd43e8b486:approved:${AT}`,
      eventType: 'decision.approved',
      occurredAt: AT,
      vendorReference: values.vendorReference,
      sessionHint: 'ses_1',
      outcome: {
        kind: 'checks',
        checks: clearSaid(['approved', '9001'], 'document', 'face_match', 'liveness'),
      },
    });
  });

  it('maps a decline (9102) by its reason code to the check it names; an impersonation (103) goes to review', () => {
    expect(normalise(veriff, fixture('veriff/decision-declined.json', values))).toMatchObject({
      eventType: 'decision.declined',
      outcome: {
        kind: 'checks',
        checks: [
          {
            kind: 'face_match',
            result: 'consider',
            reasonCodes: ['FACE_MISMATCH', 'CHECK_INCONCLUSIVE'],
            vendorLabels: ['declined', '9102', '103'],
          },
          ...clearSaid(['declined', '9102'], 'document', 'liveness'),
        ],
      },
    });
  });

  it('maps a resubmission request (9103) to a capture failure, and review (9121, code only) to consider', () => {
    expect(normalise(veriff, fixture('veriff/decision-resubmission.json', values))).toMatchObject({
      outcome: {
        checks: [
          { kind: 'document', result: 'fail', reasonCodes: ['DOC_IMAGE_QUALITY'] },
          ...clear('face_match', 'liveness'),
        ],
      },
    });
    expect(normalise(veriff, fixture('veriff/decision-review.json', values))).toMatchObject({
      eventType: 'decision.review',
      outcome: {
        checks: ['document', 'face_match', 'liveness'].map((kind) => ({ kind, result: 'consider' })),
      },
    });
  });

  it('maps the decision and reason code tables', () => {
    // A decline is final at Veriff: suspected tampering is for a human, never a new capture.
    expect(veriffDecisionChecks('declined', 102)?.[0]).toEqual({
      kind: 'document',
      result: 'consider',
      reasonCodes: ['DOC_SUSPECTED_TAMPERING'],
      vendorLabels: ['declined', '102'],
    });
    expect(veriffDecisionChecks('declined', 126)).toContainEqual({
      kind: 'pep',
      result: 'consider',
      reasonCodes: ['PEP_MATCH'],
      vendorLabels: ['declined', '126'],
    });
    expect(veriffDecisionChecks('declined', 539)?.[0]).toEqual({
      kind: 'document',
      result: 'consider',
      vendorLabels: ['declined', '539'],
    });
    expect(veriffDecisionChecks('resubmission_requested', 207, 9103)?.[0]).toEqual({
      kind: 'document',
      result: 'fail',
      reasonCodes: ['DOC_EXPIRED'],
      vendorLabels: ['resubmission_requested', '9103', '207'],
    });
    expect(veriffDecisionChecks('resubmission_requested', 206)?.[0]).toMatchObject({
      reasonCodes: ['DOC_TYPE_NOT_ALLOWED'],
    });
    expect(veriffDecisionChecks('resubmission_requested', 202)?.[0]).toMatchObject({ kind: 'liveness' });
    expect(veriffDecisionChecks('no_such_status', undefined)).toBeUndefined();
  });

  it('ignores expired and abandoned sessions and a started event; parks submitted to fetch its decision; refuses a decision without a time', () => {
    const expired = Buffer.from(
      JSON.stringify({ verification: { id: 'v1', status: 'expired', code: 9104, decisionTime: AT } }),
    );
    expect(normalise(veriff, expired)).toMatchObject({ outcome: { kind: 'none', reason: 'no_decision' } });
    expect(normalise(veriff, fixture('veriff/event-submitted.json', values))).toMatchObject({
      eventType: 'event.submitted',
      vendorReference: values.vendorReference,
      sessionHint: values.sessionId,
      outcome: { kind: 'none', reason: 'result_not_in_payload' },
    });
    const started = Buffer.from(
      JSON.stringify({ id: values.vendorReference, attemptId: 'a1', action: 'started', code: 7001 }),
    );
    expect(normalise(veriff, started)).toMatchObject({
      eventType: 'event.started',
      outcome: { kind: 'none', reason: 'not_a_result' },
    });
    const timeless = Buffer.from(
      JSON.stringify({ verification: { id: 'v1', status: 'approved', code: 9001 } }),
    );
    expect(() => veriff.normalise(read(timeless), timeless)).toThrow(UnrecognisedPayload);
  });

  it('uses vendorData only when it can be a session id', () => {
    const raw = fixture('veriff/decision-approved.json', { ...values, sessionId: 'erika@example.com' });
    expect(normalise(veriff, raw)).not.toHaveProperty('sessionHint');
  });
});

describe('Sumsub payload mapping', () => {
  const values = {
    vendorReference: '5cb56e8e0a975a35f333cb83',
    sessionId: 'ses_2',
    createdAtMs: '2026-11-26 10:05:00.123',
  };

  it('maps GREEN to clear identity checks, with externalUserId as the pass-through id', () => {
    expect(normalise(sumsub, fixture('sumsub/applicant-reviewed-green.json', values))).toEqual({
      vendor: 'sumsub',
      eventId: `applicantReviewed:${values.vendorReference}:${values.createdAtMs}`,
      eventType: 'applicantReviewed',
      occurredAt: '2026-11-26T10:05:00.123Z',
      vendorReference: values.vendorReference,
      sessionHint: 'ses_2',
      outcome: { kind: 'checks', checks: clearSaid(['GREEN'], 'document', 'face_match', 'liveness') },
    });
  });

  it('maps RED with RETRY by its rejection labels; comments are never read', () => {
    const delivery = normalise(sumsub, fixture('sumsub/applicant-reviewed-red-retry.json', values));
    expect(delivery).toMatchObject({
      outcome: {
        checks: [
          { kind: 'document', result: 'fail', reasonCodes: ['DOC_IMAGE_QUALITY'] },
          ...clear('face_match', 'liveness'),
        ],
      },
    });
    expect(JSON.stringify(delivery)).not.toContain('blurred');
  });

  it('maps RED with FINAL; a final rejection for a capture problem goes to a human', () => {
    expect(normalise(sumsub, fixture('sumsub/applicant-reviewed-red-final.json', values))).toMatchObject({
      outcome: {
        checks: [
          { kind: 'document', result: 'fail', reasonCodes: ['DOC_SUSPECTED_TAMPERING'] },
          ...clear('face_match', 'liveness'),
        ],
      },
    });
    expect(sumsubReviewChecks('RED', 'FINAL', ['LOW_QUALITY'])?.[0]).toEqual({
      kind: 'document',
      result: 'fail',
      reasonCodes: ['DOC_IMAGE_QUALITY', 'CHECK_INCONCLUSIVE'],
      vendorLabels: ['RED', 'FINAL', 'LOW_QUALITY'],
    });
    expect(sumsubReviewChecks('RED', 'RETRY', ['SANCTIONS', 'SELFIE_MISMATCH'])).toEqual([
      {
        kind: 'sanctions',
        result: 'consider',
        reasonCodes: ['SANCTIONS_HIT'],
        vendorLabels: ['RED', 'RETRY', 'SANCTIONS'],
      },
      {
        kind: 'face_match',
        result: 'fail',
        reasonCodes: ['FACE_MISMATCH'],
        vendorLabels: ['RED', 'RETRY', 'SELFIE_MISMATCH'],
      },
      ...clearSaid(['RED', 'RETRY'], 'document', 'liveness'),
    ]);
    // An unknown label goes to review, kept so a reviewer sees what Sumsub said.
    expect(sumsubReviewChecks('RED', 'RETRY', ['SOMETHING_NEW'])?.[0]).toEqual({
      kind: 'document',
      result: 'consider',
      vendorLabels: ['RED', 'RETRY', 'SOMETHING_NEW'],
    });
    expect(sumsubReviewChecks('RED', 'FINAL', [])?.[0]).toMatchObject({
      kind: 'document',
      result: 'consider',
    });
    expect(sumsubReviewChecks('YELLOW', undefined, [])).toBeUndefined();
  });

  it('ignores events that are no result; refuses a review without an answer', () => {
    expect(normalise(sumsub, fixture('sumsub/applicant-pending.json', values))).toMatchObject({
      outcome: { kind: 'none', reason: 'not_a_result' },
    });
    const noAnswer = Buffer.from(
      JSON.stringify({ type: 'applicantReviewed', applicantId: 'a1', createdAtMs: values.createdAtMs }),
    );
    expect(() => sumsub.normalise(read(noAnswer), noAnswer)).toThrow(UnrecognisedPayload);
  });
});

describe('Persona payload mapping', () => {
  const values = {
    eventId: 'evt_XGuYWp7WuDzNxie5z16s7sGJ',
    vendorReference: 'inq_2CVZ4HyVg7qaboXz2PUHknAn',
    sessionId: 'ses_3',
    occurredAt: AT,
  };

  it('maps inquiry.approved by its verifications, with reference-id as the pass-through id', () => {
    expect(normalise(persona, fixture('persona/inquiry-approved.json', values))).toEqual({
      vendor: 'persona',
      eventId: values.eventId,
      eventType: 'inquiry.approved',
      occurredAt: AT,
      vendorReference: values.vendorReference,
      sessionHint: 'ses_3',
      outcome: {
        kind: 'checks',
        checks: clearSaid(['inquiry.approved'], 'document', 'face_match', 'liveness'),
      },
    });
  });

  it('maps inquiry.declined by the failed checks of its verifications; a declined face match goes to review', () => {
    expect(normalise(persona, fixture('persona/inquiry-declined.json', values))).toMatchObject({
      outcome: {
        checks: [
          ...clearSaid(['inquiry.declined'], 'document'),
          {
            kind: 'face_match',
            result: 'consider',
            reasonCodes: ['FACE_MISMATCH', 'CHECK_INCONCLUSIVE'],
            vendorLabels: ['inquiry.declined', 'selfie_id_comparison'],
          },
          ...clearSaid(['inquiry.declined'], 'liveness'),
        ],
      },
    });
  });

  it('sends disagreements between decision and verifications to review', () => {
    const failedId = {
      type: 'verification/government-id',
      attributes: { status: 'failed', checks: [{ name: 'id_expired_detection', status: 'failed' }] },
    };
    const passedSelfie = { type: 'verification/selfie', attributes: { status: 'passed' } };
    expect(personaDecisionChecks('approved', [failedId, passedSelfie])).toEqual([
      {
        kind: 'document',
        result: 'consider',
        reasonCodes: ['DOC_EXPIRED'],
        vendorLabels: ['inquiry.approved', 'id_expired_detection'],
      },
      ...clearSaid(['inquiry.approved'], 'face_match', 'liveness'),
    ]);
    expect(personaDecisionChecks('declined', [passedSelfie])).toEqual([
      { kind: 'face_match', result: 'consider', vendorLabels: ['inquiry.declined'] },
      { kind: 'liveness', result: 'consider', vendorLabels: ['inquiry.declined'] },
    ]);
    expect(personaDecisionChecks('review', [])).toEqual(
      ['document', 'face_match', 'liveness'].map((kind) => ({
        kind,
        result: 'consider',
        vendorLabels: ['inquiry.review'],
      })),
    );
  });

  it('ignores other inquiry events and refuses a payload that is not an event', () => {
    expect(normalise(persona, fixture('persona/inquiry-created.json', values))).toMatchObject({
      eventType: 'inquiry.created',
      outcome: { kind: 'none', reason: 'not_a_result' },
    });
    for (const payload of [
      {},
      { data: { type: 'inquiry', id: 'inq_1' } },
      { data: { type: 'event', id: 'evt_1' } },
    ]) {
      expect(() => persona.normalise(payload)).toThrow(UnrecognisedPayload);
    }
  });
});

describe(mergeChecks.name, () => {
  it('keeps the most severe result of a kind with every code, and a score only for clear', () => {
    expect(
      mergeChecks([
        { kind: 'face_match', result: 'clear', score: 0.9 },
        { kind: 'face_match', result: 'consider', reasonCodes: ['DUPLICATE_IDENTITY'] },
        { kind: 'document', result: 'clear', score: 0.95 },
        { kind: 'document', result: 'clear', score: 0.91 },
      ]),
    ).toEqual([
      { kind: 'face_match', result: 'consider', reasonCodes: ['DUPLICATE_IDENTITY'] },
      { kind: 'document', result: 'clear', score: 0.91 },
    ]);
  });

  it('only ever cites codes of the taxonomy', () => {
    const all = [
      ...[101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 120, 124, 126, 127].flatMap(
        (code) => veriffDecisionChecks('declined', code) ?? [],
      ),
      ...[201, 202, 203, 204, 205, 206, 207, 208, 209].flatMap(
        (code) => veriffDecisionChecks('resubmission_requested', code) ?? [],
      ),
    ];
    for (const found of all)
      for (const code of found.reasonCodes ?? []) expect(REASON_CODES).toHaveProperty(code);
  });
});

describe('Vendor results: the vendor informs, the policy decides', () => {
  const inconclusive = (kind: string, vendorLabels: string[]) => ({
    kind,
    result: 'consider',
    reasonCodes: ['CHECK_INCONCLUSIVE'],
    vendorLabels,
  });

  it('records the vendor’s own age rule as inconclusive, never as below the policy’s minimum age', () => {
    const delivery = normalise(
      sumsub,
      fixture('sumsub/applicant-reviewed-red-age.json', {
        vendorReference: '5cb56e8e0a975a35f333cb84',
        sessionId: 'ses_4',
        createdAt: '2023-03-14 12:50:27+0000',
      }),
    );
    expect(delivery).toMatchObject({
      occurredAt: '2023-03-14T12:50:27.000Z',
      outcome: {
        kind: 'checks',
        checks: [
          inconclusive('age', ['RED', 'FINAL', 'AGE_REQUIREMENT_MISMATCH']),
          ...clearSaid(['RED', 'FINAL'], 'document', 'face_match', 'liveness'),
        ],
      },
    });
    expect(JSON.stringify(delivery)).not.toContain('AGE_BELOW_THRESHOLD');
    const ageRange = {
      type: 'verification/government-id',
      attributes: { status: 'failed', checks: [{ name: 'id_age_comparison', status: 'failed' }] },
    };
    expect(personaDecisionChecks('declined', [ageRange])).toEqual([
      { kind: 'document', result: 'consider', vendorLabels: ['inquiry.declined'] },
      inconclusive('age', ['inquiry.declined', 'id_age_comparison']),
    ]);
    expect(
      reportChecks({
        name: 'document',
        result: 'consider',
        breakdown: { age_validation: { result: 'consider' } },
      }),
    ).toContainEqual(inconclusive('age', ['document', 'consider', 'age_validation']));
  });

  it('sends a decline that states no cause to review, without inventing one', () => {
    const delivery = normalise(
      persona,
      fixture('persona/inquiry-failed.json', {
        eventId: 'evt_failed_1',
        vendorReference: 'inq_failed_1',
        sessionId: 'ses_5',
        occurredAt: AT,
      }),
    );
    expect(delivery).toMatchObject({
      eventType: 'inquiry.failed',
      outcome: {
        kind: 'checks',
        checks: ['document', 'face_match', 'liveness'].map((kind) => inconclusive(kind, ['inquiry.failed'])),
      },
    });
    expect(personaDecisionChecks('declined', [])).toEqual(
      ['document', 'face_match', 'liveness'].map((kind) => inconclusive(kind, ['inquiry.declined'])),
    );
    // A failed verification whose checks this mapping does not know: review, with Persona's check name kept.
    const unknownCheck = {
      type: 'verification/government-id',
      attributes: { status: 'failed', checks: [{ name: 'id_new_kind_of_check', status: 'failed' }] },
    };
    expect(personaDecisionChecks('failed', [unknownCheck])).toEqual([
      inconclusive('document', ['inquiry.failed', 'id_new_kind_of_check']),
    ]);
  });

  it('sends final declines and “consider” results to review, never to an automatic resubmission', () => {
    const review = (checks: readonly { reasonCodes?: readonly string[] }[] | undefined) =>
      (checks ?? []).flatMap((c) => c.reasonCodes ?? []);
    expect(review(veriffDecisionChecks('declined', 103))).toEqual(['FACE_MISMATCH', 'CHECK_INCONCLUSIVE']);
    expect(review(veriffDecisionChecks('declined', 120))).toEqual(['FACE_MISMATCH', 'CHECK_INCONCLUSIVE']);
    const selfie = {
      type: 'verification/selfie',
      attributes: { status: 'failed', checks: [{ name: 'selfie_id_comparison', status: 'failed' }] },
    };
    expect(personaDecisionChecks('declined', [selfie])[0]).toEqual({
      kind: 'face_match',
      result: 'consider',
      reasonCodes: ['FACE_MISMATCH', 'CHECK_INCONCLUSIVE'],
      vendorLabels: ['inquiry.declined', 'selfie_id_comparison'],
    });
    expect(
      reportChecks({
        name: 'facial_similarity_photo',
        result: 'consider',
        breakdown: { face_comparison: { result: 'consider' } },
      }),
    ).toEqual([
      {
        kind: 'face_match',
        result: 'consider',
        reasonCodes: ['FACE_MISMATCH', 'CHECK_INCONCLUSIVE'],
        vendorLabels: ['facial_similarity_photo', 'consider', 'face_comparison'],
      },
    ]);
    expect(reportChecks({ name: 'document', result: 'consider', sub_result: 'caution' })).toEqual([
      {
        kind: 'document',
        result: 'consider',
        reasonCodes: ['CHECK_INCONCLUSIVE'],
        vendorLabels: ['document', 'consider', 'sub_result:caution'],
      },
    ]);
  });

  it('reads Sumsub’s createdAt with a zone offset as the vendor’s time', () => {
    expect(sumsubTime('2023-03-14 12:50:27+0000')).toBe('2023-03-14T12:50:27.000Z');
    expect(sumsubTime('2023-03-14 14:50:27+02:00')).toBe('2023-03-14T12:50:27.000Z');
    expect(sumsubTime('2026-11-26 10:05:00.123')).toBe('2026-11-26T10:05:00.123Z');
    expect(sumsubTime('14.03.2023 12:50')).toBeUndefined();
  });

  it('bounds the labels a check keeps, and merges them when a delivery speaks about a kind twice', () => {
    expect(check('document', 'clear', [], undefined, ['ok', 'not a label', 'ok', '-x'])).toEqual({
      kind: 'document',
      result: 'clear',
      vendorLabels: ['ok'],
    });
    expect(
      check(
        'document',
        'clear',
        [],
        undefined,
        Array.from({ length: 30 }, (_, n) => `L${n}`),
      ).vendorLabels,
    ).toHaveLength(16);
    expect(
      mergeChecks([
        check('face_match', 'clear', [], undefined, ['facial_similarity_photo']),
        check('face_match', 'consider', ['DUPLICATE_IDENTITY'], undefined, ['known_faces']),
      ]),
    ).toEqual([
      {
        kind: 'face_match',
        result: 'consider',
        reasonCodes: ['DUPLICATE_IDENTITY'],
        vendorLabels: ['facial_similarity_photo', 'known_faces'],
      },
    ]);
  });
});
