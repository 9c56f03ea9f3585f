import { describe, expect, it } from 'vitest';
import type { EventMetadata, LedgerEvent } from '../../src/ledger/envelope';
import type { JsonObject } from '../../src/shared/json';
import { toBinaryKafkaRecord } from '../../src/publisher/cloudevents-kafka';
import {
  nextSessionSnapshot,
  type SessionSnapshot,
  toIntegrationEvent,
} from '../../src/publisher/event-mapping';
import type { IntegrationEvent } from '../../src/publisher/integration-events';
import { UnpublishableEventError } from '../../src/publisher/publisher.errors';
import { FIXTURE_PII_NAME, FIXTURE_POLICY_HASH, sessionDrafts } from '../support/publisher-fixtures';

const AT = new Date('2026-11-26T10:00:00.000Z');
const SESSION = 'ses_unit_1';
const SUBJECT = 'sub_unit_1';
let position = 100;

function ledgerEvent(
  stream: string,
  revision: number,
  type: string,
  data: JsonObject,
  pii?: JsonObject,
): LedgerEvent {
  position += 1;
  const metadata: EventMetadata = {
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    occurredAt: AT.toISOString(),
    recordedAt: '2026-11-26T10:00:01Z',
    actor: { kind: 'user', id: 'operator-1', roles: ['operator'] },
    correlationId: 'corr-unit-1',
    causationId: null,
    schemaVersion: 1,
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  };
  return {
    stream,
    revision,
    position,
    eventId: metadata.eventId,
    type,
    data,
    pii: (pii ?? null) as LedgerEvent['pii'],
    metadata,
  };
}

/** The fixture session as ledger events, with the snapshot the publisher keeps after each. */
function session(): { events: LedgerEvent[]; snapshots: SessionSnapshot[] } {
  const events = sessionDrafts(SESSION, SUBJECT, AT).map((draft, revision) =>
    ledgerEvent(`kyc-verification-${SESSION}`, revision, draft.type, draft.data),
  );
  const snapshots: SessionSnapshot[] = [];
  let snapshot: SessionSnapshot | undefined;
  for (const event of events) {
    snapshot = nextSessionSnapshot(snapshot, event);
    snapshots.push(snapshot);
  }
  return { events, snapshots };
}

function mapped(event: LedgerEvent, snapshot?: SessionSnapshot): IntegrationEvent {
  const result = toIntegrationEvent(event, snapshot);
  if (result === null) throw new Error(`${event.type} is internal`);
  return result;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('toIntegrationEvent', () => {
  it('maps VerificationInitiated to exactly the public fields, without risk signals or rule traces', () => {
    const { events, snapshots } = session();
    const event = mapped(events[0]!, snapshots[0]);
    expect(event).toMatchObject({
      topic: 'verification',
      key: SESSION,
      id: events[0]!.eventId,
      type: 'kyc.verification.initiated.v1',
      source: '/kyc-ledger/verifications',
      subject: SESSION,
      time: '2026-11-26T10:00:00.000Z',
      correlationId: 'corr-unit-1',
      policyHash: FIXTURE_POLICY_HASH,
    });
    expect(event.data).toEqual({
      sessionId: SESSION,
      subjectId: SUBJECT,
      sequence: 0,
      status: 'initiated',
      occurredAt: '2026-11-26T10:00:00.000Z',
      recordedAt: '2026-11-26T10:00:01.000Z',
      jurisdiction: 'DE',
      segment: 'retail',
      path: 'automatic',
      tier: 'standard',
      policyId: 'kyc-default',
      policyVersion: '2026-11-01',
      policyHash: FIXTURE_POLICY_HASH,
      requiredChecks: ['document', 'face_match', 'liveness', 'sanctions'],
      expiresAt: '2026-11-29T10:00:00.000Z',
    });
  });

  it('completes every verification event with the subject, the status after it and the policy hash', () => {
    const { events, snapshots } = session();
    const all = events.map((event, i) => mapped(event, snapshots[i]));
    expect(
      all.map((event) => [
        event.type,
        'status' in event.data ? event.data.status : undefined,
        event.data.sequence,
      ]),
    ).toEqual([
      ['kyc.verification.initiated.v1', 'initiated', 0],
      ['kyc.verification.capture_started.v1', 'capture_in_progress', 1],
      ['kyc.verification.evidence_submitted.v1', 'submitted', 2],
      ['kyc.verification.vendor_result_received.v1', 'submitted', 3],
      ['kyc.verification.decision_evaluated.v1', 'submitted', 4],
      ['kyc.verification.approved.v1', 'approved', 5],
    ]);
    for (const event of all) {
      expect(event.data).toMatchObject({ subjectId: SUBJECT });
      expect(event.policyHash).toBe(FIXTURE_POLICY_HASH);
    }
  });

  it('publishes evidence and vendor results without references, issuing country or scores', () => {
    const { events, snapshots } = session();
    expect(mapped(events[2]!, snapshots[2]).data).toEqual({
      sessionId: SESSION,
      subjectId: SUBJECT,
      sequence: 2,
      status: 'submitted',
      occurredAt: '2026-11-26T10:00:00.000Z',
      recordedAt: '2026-11-26T10:00:01.000Z',
      attempt: 1,
      evidenceId: events[2]!.data.evidenceId,
      evidenceKind: 'document',
      documentType: 'passport',
      vendor: 'onfido',
    });
    const result = mapped(events[3]!, snapshots[3]).data;
    expect(result).toMatchObject({
      counted: true,
      checks: [
        { kind: 'document', result: 'clear', reasonCodes: [] },
        { kind: 'face_match', result: 'clear', reasonCodes: [] },
        { kind: 'liveness', result: 'clear', reasonCodes: [] },
        { kind: 'sanctions', result: 'clear', reasonCodes: [] },
      ],
    });
    expect(JSON.stringify(result)).not.toContain('score');
    expect(JSON.stringify(result)).not.toContain('vendorEventId');
  });

  it('publishes vendor results without the vendor’s own labels (the public contract does not carry them)', () => {
    const { events, snapshots } = session();
    const original = events[3]!;
    const checks = (original.data.checks as Record<string, unknown>[]).map((c) => ({
      ...c,
      vendorLabels: ['RED', 'FINAL', 'FORGERY'],
    }));
    const labelled = ledgerEvent(original.stream, 3, 'VendorResultReceived', { ...original.data, checks });
    const result = mapped(labelled, snapshots[3]).data;
    expect(result).toEqual(mapped(original, snapshots[3]).data);
    expect(JSON.stringify(result)).not.toContain('FORGERY');
  });

  it('never reads free text or the encrypted section: justifications, reasons, reviewers, pii', () => {
    const { snapshots } = session();
    const stream = `kyc-verification-${SESSION}`;
    const base = snapshots[5]!;
    const secret = `${FIXTURE_PII_NAME} 1979-02-28`;
    const requested = ledgerEvent(stream, 6, 'OverrideRequested', {
      overrideId: 'ovr_1',
      requestedBy: 'reviewer-7',
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
      justification: `because ${secret}`,
      requestedAt: AT.toISOString(),
    });
    const rejected = ledgerEvent(stream, 7, 'OverrideRejected', {
      overrideId: 'ovr_1',
      approverId: 'senior-2',
      approverRoles: ['senior_reviewer'],
      reason: `no: ${secret}`,
      rejectedAt: AT.toISOString(),
    });
    const reviewed = ledgerEvent(
      stream,
      8,
      'ReviewCompleted',
      {
        reviewerId: 'reviewer-7',
        outcome: 'approve',
        reasonCodes: [],
        hasNote: true,
        completedAt: AT.toISOString(),
      },
      { v: 1, alg: 'A256GCM', subjectId: SUBJECT, entries: { review_notes: { ct: secret } } },
    );
    const hold = ledgerEvent(`kyc-subject-${SUBJECT}`, 1, 'LegalHoldPlaced', {
      holdId: 'hold_1',
      reason: `court order ${secret}`,
      placedAt: AT.toISOString(),
    });
    let snapshot = base;
    const published = [requested, rejected, reviewed].map((event) => {
      snapshot = nextSessionSnapshot(snapshot, event);
      return mapped(event, snapshot);
    });
    published.push(mapped(hold));
    const wire = JSON.stringify(published.map(toBinaryKafkaRecord));
    for (const forbidden of [
      FIXTURE_PII_NAME,
      '1979-02-28',
      'reviewer-7',
      'senior-2',
      'court order',
      'pii',
    ]) {
      expect(wire).not.toContain(forbidden);
    }
    expect(published.map((event) => event.data)).toEqual([
      expect.objectContaining({ overrideId: 'ovr_1', outcome: 'reject', reasonCodes: ['SANCTIONS_HIT'] }),
      expect.objectContaining({ overrideId: 'ovr_1' }),
      expect.objectContaining({ outcome: 'approve', reasonCodes: [] }),
      expect.objectContaining({ holdId: 'hold_1', subjectId: SUBJECT, sequence: 1 }),
    ]);
  });

  it('keeps audit records of personal-data reads inside (no public event)', () => {
    const read = ledgerEvent(`kyc-subject-${SUBJECT}`, 2, 'PersonalDataAccessed', {
      accessId: 'acc_1',
      accessedBy: 'privacy-1',
      roles: ['privacy_officer'],
      justification: 'case-1',
      dataClasses: ['identity_attributes'],
      accessedAt: AT.toISOString(),
    });
    expect(toIntegrationEvent(read, undefined)).toBeNull();
  });

  it('refuses an event type without a public mapping, naming position and type', () => {
    const unknown = ledgerEvent(`kyc-subject-${SUBJECT}`, 3, 'SubjectRenamed', { name: FIXTURE_PII_NAME });
    const error = caught(() => toIntegrationEvent(unknown, undefined));
    expect(error).toBeInstanceOf(UnpublishableEventError);
    expect(error).toMatchObject({ position: unknown.position, eventType: 'SubjectRenamed' });
    expect((error as Error).message).not.toContain(FIXTURE_PII_NAME);
  });

  it('refuses free text where a code belongs, naming the field but never its value', () => {
    const { snapshots } = session();
    const event = ledgerEvent(`kyc-verification-${SESSION}`, 6, 'ResubmissionRequested', {
      attempt: 2,
      maxAttempts: 3,
      reasonCodes: ['DOC_IMAGE_QUALITY', `call ${FIXTURE_PII_NAME}`],
      requestedAt: AT.toISOString(),
    });
    const error = caught(() => toIntegrationEvent(event, nextSessionSnapshot(snapshots[5], event)));
    expect(error).toBeInstanceOf(UnpublishableEventError);
    expect((error as UnpublishableEventError).problem).toBe('reasonCodes: not a reason code');
    expect(JSON.stringify(error) + (error as Error).message).not.toContain(FIXTURE_PII_NAME);
  });

  it('refuses a session event without the VerificationInitiated before it', () => {
    const orphan = ledgerEvent(`kyc-verification-${SESSION}`, 1, 'CaptureStarted', {
      attempt: 1,
      channel: 'web',
      deviceClass: 'desktop',
      startedAt: AT.toISOString(),
    });
    expect(() => nextSessionSnapshot(undefined, orphan)).toThrow(UnpublishableEventError);
    expect(() => toIntegrationEvent(orphan, undefined)).toThrow(UnpublishableEventError);
  });
});

describe('toBinaryKafkaRecord', () => {
  it('writes the CloudEvents Kafka binary mode: ce_ headers, content-type, extensions, JSON value, key', () => {
    const { events, snapshots } = session();
    const event = mapped(events[5]!, snapshots[5]);
    const record = toBinaryKafkaRecord(event);
    expect(record.key).toBe(SESSION);
    expect(record.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: events[5]!.eventId,
      ce_type: 'kyc.verification.approved.v1',
      ce_source: '/kyc-ledger/verifications',
      ce_subject: SESSION,
      ce_time: '2026-11-26T10:00:00.000Z',
      'content-type': 'application/json',
      ce_correlationid: 'corr-unit-1',
      ce_policyhash: FIXTURE_POLICY_HASH,
    });
    expect(JSON.parse(record.value)).toEqual(event.data);
  });

  it('leaves ce_policyhash out where no policy governs the event', () => {
    const withdrawn = ledgerEvent(`kyc-subject-${SUBJECT}`, 1, 'ConsentWithdrawn', {
      consentId: 'consent_1',
      scopes: ['identity_verification'],
      withdrawnAt: AT.toISOString(),
    });
    const record = toBinaryKafkaRecord(mapped(withdrawn));
    expect(record.headers.ce_type).toBe('kyc.subject.consent_withdrawn.v1');
    expect(record.headers.ce_source).toBe('/kyc-ledger/subjects');
    expect(record.headers).not.toHaveProperty('ce_policyhash');
  });
});
