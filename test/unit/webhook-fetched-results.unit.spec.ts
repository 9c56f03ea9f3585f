import { describe, expect, it } from 'vitest';
import type { NormalisedDelivery } from '../../src/webhooks/delivery';
import { PersonaAdapter } from '../../src/webhooks/vendors/persona';
import { UnrecognisedPayload } from '../../src/webhooks/vendors/vendor-adapter';
import { VeriffAdapter } from '../../src/webhooks/vendors/veriff';
import { FIXTURE_PII, fixture, WEBHOOK_SECRETS } from '../support/webhook-signing';

/*
 * `resultOf`: a vendor object fetched for a delivery that only announced its result (Persona's inquiry retrieved
 * with its verifications, Veriff's session decision) maps to what the webhook carrying that result gives.
 */

const AT = '2026-11-26T10:05:00.000Z';
const persona = new PersonaAdapter(WEBHOOK_SECRETS.persona, 300);
const veriff = new VeriffAdapter(WEBHOOK_SECRETS.veriff);

function read(raw: Buffer): unknown {
  return JSON.parse(raw.toString('utf8'));
}

/** The fetched object's result, which must keep none of the personal data the object holds. */
function resultOf(
  adapter: { resultOf?(fetched: unknown, announced: NormalisedDelivery): NormalisedDelivery | undefined },
  fetched: unknown,
  announced: NormalisedDelivery,
): NormalisedDelivery | undefined {
  if (adapter.resultOf === undefined) throw new Error('the adapter maps no fetched objects');
  const result = adapter.resultOf(fetched, announced);
  const text = JSON.stringify(result ?? {});
  for (const value of FIXTURE_PII) expect(text, `result must not contain ${value}`).not.toContain(value);
  return result;
}

describe(`${PersonaAdapter.name}.resultOf`, () => {
  const values = {
    eventId: 'evt_announced_0001',
    vendorReference: 'inq_fx0001',
    sessionId: 'ses_p1',
    occurredAt: AT,
  };
  /** The `inquiry.completed` that carried no verifications: parked, its inquiry to be retrieved. */
  const announced = persona.normalise(
    read(fixture('persona/inquiry-completed-without-included.json', values)),
  );

  /** An event's payload is the inquiry document: what `GET /inquiries/{id}?include=verifications` answers. */
  function retrieved(path: string, overrides: Record<string, unknown> = {}): unknown {
    const event = read(fixture(path, values)) as {
      data: {
        attributes: { payload: { data: { attributes: Record<string, unknown> }; included?: unknown } };
      };
    };
    const { data, included } = event.data.attributes.payload;
    return {
      data: { ...data, attributes: { ...data.attributes, ...overrides } },
      included: included ?? [],
    };
  }

  it('was announced by an inquiry.completed without verifications (the delivery this fetch answers)', () => {
    expect(announced).toMatchObject({
      eventId: values.eventId,
      vendorReference: values.vendorReference,
      outcome: { kind: 'none', reason: 'result_not_in_payload' },
    });
  });

  it.each([
    'persona/inquiry-approved.json',
    'persona/inquiry-approved-driver-license.json',
    'persona/inquiry-completed-with-verifications.json',
    'persona/inquiry-declined.json',
    'persona/inquiry-declined-id-age-comparison.json',
    'persona/inquiry-declined-selfie-liveness.json',
    'persona/inquiry-failed-government-id-tamper.json',
    'persona/inquiry-marked-for-review-with-verifications.json',
  ])('maps the inquiry of %s to the checks its webhook gives, under the announcing event id', (path) => {
    const webhook = persona.normalise(read(fixture(path, values)));
    expect(webhook.outcome.kind).toBe('checks');
    expect(resultOf(persona, retrieved(path), announced)).toEqual({
      vendor: 'persona',
      eventId: announced.eventId,
      eventType: announced.eventType,
      occurredAt: AT,
      vendorReference: values.vendorReference,
      sessionHint: values.sessionId,
      outcome: webhook.outcome,
    });
  });

  it('maps an approved inquiry with passed verifications to clear identity checks', () => {
    expect(resultOf(persona, retrieved('persona/inquiry-approved.json'), announced)?.outcome).toEqual({
      kind: 'checks',
      checks: ['document', 'face_match', 'liveness'].map((kind) => ({
        kind,
        result: 'clear',
        vendorLabels: ['inquiry.approved'],
      })),
    });
  });

  it('takes the inquiry’s decision time when the announcing delivery has none', () => {
    const { occurredAt: _none, ...timeless } = announced;
    const later = '2026-11-26T11:00:00.000Z';
    const fetched = retrieved('persona/inquiry-approved.json', { 'decisioned-at': later });
    expect(resultOf(persona, fetched, timeless)).toMatchObject({ occurredAt: later });
  });

  it('has no result while the person is in the flow or the verifications have no outcome yet', () => {
    expect(
      resultOf(persona, retrieved('persona/inquiry-approved.json', { status: 'pending' }), announced),
    ).toBeUndefined();
    const completed = retrieved('persona/inquiry-completed-without-included.json');
    expect(resultOf(persona, completed, announced)).toBeUndefined();
  });

  it('records no decision for an expired inquiry', () => {
    const expired = retrieved('persona/inquiry-completed-without-included.json', { status: 'expired' });
    expect(resultOf(persona, expired, announced)?.outcome).toEqual({ kind: 'none', reason: 'no_decision' });
  });

  it('refuses what is not an inquiry, an unknown status, or another inquiry than the one announced', () => {
    for (const garbage of [null, 'inq', [], { data: { type: 'account', id: 'act_1' } }, { errors: [] }]) {
      expect(() => persona.resultOf(garbage, announced)).toThrow(UnrecognisedPayload);
    }
    expect(() =>
      persona.resultOf(retrieved('persona/inquiry-approved.json', { status: 'teleported' }), announced),
    ).toThrow(UnrecognisedPayload);
    const other = { ...announced, vendorReference: 'inq_other' };
    expect(() => persona.resultOf(retrieved('persona/inquiry-approved.json'), other)).toThrow(
      UnrecognisedPayload,
    );
  });
});

describe(`${VeriffAdapter.name}.resultOf`, () => {
  const values = {
    vendorReference: 'a1c68aea-7f4d-478d-80ab-ca9356074f69',
    sessionId: 'ses_v1',
    occurredAt: AT,
  };
  /** The event webhook's `submitted`: parked, its decision to be fetched. */
  const submitted = fixture('veriff/event-submitted.json', values);
  const announced = veriff.normalise(read(submitted), submitted);

  /** The decision endpoint answers `{status: 'success', verification}`: the decision webhook's body, minus technicalData. */
  function decisionAnswer(path: string): unknown {
    const { verification } = read(fixture(path, values)) as { verification: unknown };
    return { status: 'success', verification };
  }

  it('was announced by a submitted event (the delivery this fetch answers)', () => {
    expect(announced).toMatchObject({
      vendorReference: values.vendorReference,
      outcome: { kind: 'none', reason: 'result_not_in_payload' },
    });
  });

  it.each([
    'veriff/decision-approved.json',
    'veriff/decision-approved-risk-label-crosslinked-with-fraud.json',
    'veriff/decision-declined.json',
    'veriff/decision-declined-506-document-tampered.json',
    'veriff/decision-resubmission.json',
    'veriff/decision-review.json',
  ])(
    'maps the fetched decision of %s as its decision webhook: same event id, checks and risk signals',
    (path) => {
      const raw = fixture(path, values);
      const webhook = veriff.normalise(read(raw), raw);
      expect(webhook.outcome.kind).toBe('checks');
      expect(resultOf(veriff, decisionAnswer(path), announced)).toEqual(webhook);
    },
  );

  it('gives the approved decision the decision webhook’s event id, so a webhook and a fetch record once', () => {
    expect(resultOf(veriff, decisionAnswer('veriff/decision-approved.json'), announced)).toMatchObject({
      eventId: `decision:${values.vendorReference}:f2270684-8c51-4d03-88eb-dafd43e8b486:approved:${AT}`,
      eventType: 'decision.approved',
      sessionHint: values.sessionId,
      outcome: { kind: 'checks' },
    });
  });

  it('has no result while Veriff has not decided (verification: null)', () => {
    expect(resultOf(veriff, { status: 'success', verification: null }, announced)).toBeUndefined();
  });

  it('records no decision for an expired or abandoned session, as the decision webhook', () => {
    const expired = {
      status: 'success',
      verification: { id: values.vendorReference, status: 'expired', code: 9104, decisionTime: AT },
    };
    expect(resultOf(veriff, expired, announced)?.outcome).toEqual({ kind: 'none', reason: 'no_decision' });
  });

  it('refuses an answer that is not a decision, or a decision for another session', () => {
    for (const garbage of [
      null,
      'success',
      {},
      { status: 'fail', code: '1818', message: 'Signature mismatch' },
      { status: 'success' },
      { status: 'success', verification: [] },
      { status: 'success', verification: { id: values.vendorReference, status: 'approved' } },
      {
        status: 'success',
        verification: { id: values.vendorReference, status: 'teleported', decisionTime: AT },
      },
    ]) {
      expect(() => veriff.resultOf(garbage, announced)).toThrow(UnrecognisedPayload);
    }
    const other = { ...announced, vendorReference: 'b2c68aea-7f4d-478d-80ab-ca9356074f69' };
    expect(() => veriff.resultOf(decisionAnswer('veriff/decision-approved.json'), other)).toThrow(
      UnrecognisedPayload,
    );
  });
});
