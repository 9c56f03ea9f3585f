import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { DataClass } from '../../src/shared/data-classes';
import type { client } from './http';
import { newSubjectId, SANCTIONS_HIT, vendorResult } from './journey';

type Api = ReturnType<typeof client>;

/** A person enrolled with personal data of every class, and the strings sent, by class. */
export interface EnrolledPerson {
  readonly subjectId: string;
  readonly sessionId: string;
  /** Every personal-data string sent for this subject, by the class it belongs to. */
  readonly pii: Readonly<Record<DataClass, readonly string[]>>;
  /** Position of the last event of the enrolment. */
  readonly position: number;
}

/** Unique, searchable personal data for one person (nothing else in the system can contain these strings). */
export function personalData(tag: string): Record<DataClass, string[]> {
  const u = `${tag}${randomBytes(4).toString('hex')}`;
  return {
    identity_attributes: [`Erika Mustermann-${u}`, `DOCNR${u}`.toUpperCase()],
    contact_address: [`Heidestrasse ${u}, 10557 Berlin`],
    document_media_refs: [`imgfront_${u}`, `imgback_${u}`],
    biometric_refs: [`selfie_${u}`],
    review_notes: [`Reviewer saw a namesake of ${u} on the list`],
    consent_evidence: [`Mozilla/5.0 consent-agent-${u}`],
  };
}

/**
 * Consent with evidence, a session with document (attributes, address, media references) and selfie evidence, a
 * sanctions hit and a reviewer's approval with a note: personal data of every class, each class through its
 * own API field.
 */
export async function enrol(api: Api, tag: string): Promise<EnrolledPerson> {
  const subjectId = newSubjectId();
  const pii = personalData(tag);
  const [fullName, documentNumber] = pii.identity_attributes;
  const consent = await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
    scopes: ['identity_verification'],
    noticeVersion: '2026-01',
    locale: 'de-DE',
    channel: 'web',
    evidence: { userAgent: pii.consent_evidence[0], ipAddress: '198.51.100.23' },
  });
  expect(consent.status, JSON.stringify(consent.body)).toBe(201);
  const started = await api.post('operator', '/v1/verifications', {
    subjectId,
    jurisdiction: 'DE',
    segment: 'retail',
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const sessionId = started.body.sessionId as string;
  const capture = await api.post('operator', `/v1/verifications/${sessionId}/capture`, {
    channel: 'web',
    deviceClass: 'desktop',
  });
  expect(capture.status, JSON.stringify(capture.body)).toBe(200);
  const document = await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
    kind: 'document',
    documentType: 'passport',
    issuingCountry: 'DE',
    vendor: 'acme',
    vendorReference: `doc_${sessionId.slice(0, 8)}`,
    attributes: { fullName, documentNumber, dateOfBirth: '1990-01-31', address: pii.contact_address[0] },
    mediaReferences: pii.document_media_refs,
  });
  expect(document.status, JSON.stringify(document.body)).toBe(201);
  const selfie = await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
    kind: 'selfie',
    vendor: 'acme',
    vendorReference: `selfie_ref_${sessionId.slice(0, 8)}`,
    mediaReferences: pii.biometric_refs,
  });
  expect(selfie.status, JSON.stringify(selfie.body)).toBe(201);
  expect(await vendorResult(api, sessionId, SANCTIONS_HIT)).toMatchObject({ status: 'pending_review' });
  // Clearing the sanctions hit is a senior reviewer's call, with a note (docs/decision-invariants.md, I9).
  const assignment = await api.post('senior', `/v1/verifications/${sessionId}/review/assignment`, {});
  expect(assignment.status, JSON.stringify(assignment.body)).toBe(200);
  const decision = await api.post('senior', `/v1/verifications/${sessionId}/review/decision`, {
    outcome: 'approve',
    reasonCodes: [],
    note: pii.review_notes[0],
  });
  expect(decision.status, JSON.stringify(decision.body)).toBe(200);
  return { subjectId, sessionId, pii, position: decision.body.position as number };
}
