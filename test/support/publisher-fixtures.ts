import { randomUUID } from 'node:crypto';
import type { SubjectEvent } from '../../src/domain/subject/subject.events';
import type { VerificationEvent } from '../../src/domain/verification/verification.events';
import type { Actor } from '../../src/ledger/envelope';
import type { EventDraft, Ledger } from '../../src/ledger/ledger';
import { subjectStream, verificationStream } from '../../src/ledger/stream-names';

/**
 * Domain-shaped events for publisher tests and benchmarks that append through the Ledger directly (no HTTP):
 * a verification session's events with the data its deciders write, personal data in `pii` (encrypted by the
 * ledger) and a personal-data string in the free-text fields that must never be published.
 */

export const FIXTURE_POLICY_HASH = 'c0ffee'.padEnd(64, '0');
export const FIXTURE_PII_NAME = 'Fixture Personname-Qx';
export const FIXTURE_PII_DOCUMENT = 'FX99887766';

const actor: Actor = { kind: 'user', id: 'operator-1', roles: ['operator'] };

type AnyEvent = VerificationEvent | SubjectEvent;

function draft<T extends AnyEvent['type']>(
  type: T,
  data: Extract<AnyEvent, { type: T }>['data'],
  pii?: EventDraft['pii'],
): EventDraft {
  return { type, data, ...(pii === undefined ? {} : { pii }) };
}

/** The events of one session in order, approved at the end (six events). */
export function sessionDrafts(sessionId: string, subjectId: string, at: Date): EventDraft[] {
  const iso = at.toISOString();
  return [
    draft('VerificationInitiated', {
      sessionId,
      subjectId,
      jurisdiction: 'DE',
      segment: 'retail',
      path: 'automatic',
      tier: 'standard',
      policyId: 'kyc-default',
      policyVersion: '2026-11-01',
      policyHash: FIXTURE_POLICY_HASH,
      requiredChecks: ['document', 'face_match', 'liveness', 'sanctions'],
      riskSignals: {},
      maxResubmissions: 2,
      ruleTrace: [],
      consentId: `consent_${subjectId}`,
      expiresAt: new Date(at.getTime() + 3 * 86_400_000).toISOString(),
      initiatedAt: iso,
    }),
    draft('CaptureStarted', { attempt: 1, channel: 'web', deviceClass: 'desktop', startedAt: iso }),
    draft(
      'EvidenceSubmitted',
      {
        evidenceId: randomUUID(),
        attempt: 1,
        kind: 'document',
        documentType: 'passport',
        issuingCountry: 'DE',
        vendor: 'onfido',
        vendorReference: `doc_${sessionId}`,
        submittedAt: iso,
      },
      {
        subjectId,
        classes: {
          identity_attributes: {
            fullName: FIXTURE_PII_NAME,
            dateOfBirth: '1979-02-28',
            documentNumber: FIXTURE_PII_DOCUMENT,
          },
        },
      },
    ),
    draft('VendorResultReceived', {
      vendor: 'onfido',
      vendorEventId: `evt_${randomUUID()}`,
      vendorCreatedAt: iso,
      checks: [
        { kind: 'document', result: 'clear', score: 0.97 },
        { kind: 'face_match', result: 'clear', score: 0.95 },
        { kind: 'liveness', result: 'clear', score: 0.99 },
        { kind: 'sanctions', result: 'clear' },
      ],
      attempt: 1,
      counted: true,
      receivedAt: iso,
    }),
    draft('DecisionEvaluated', {
      outcome: 'approve',
      reasonCodes: [],
      ruleTrace: [],
      policyHash: FIXTURE_POLICY_HASH,
      policyVersion: '2026-11-01',
      attempt: 1,
      tier: 'standard',
      trigger: 'vendor_result',
      evaluatedAt: iso,
    }),
    draft('VerificationApproved', {
      reasonCodes: [],
      decidedBy: 'policy',
      tier: 'standard',
      policyHash: FIXTURE_POLICY_HASH,
      attempt: 1,
      decidedAt: iso,
    }),
  ];
}

export function consentDraft(subjectId: string, at: Date): EventDraft {
  return draft('ConsentGranted', {
    consentId: `consent_${subjectId}`,
    scopes: ['identity_verification'],
    noticeVersion: '2026-01',
    policyHash: FIXTURE_POLICY_HASH,
    locale: 'de-DE',
    channel: 'web',
    grantedAt: at.toISOString(),
  });
}

/** A legal hold whose free-text reason holds personal data (it must not be published). */
export function legalHoldDraft(at: Date): EventDraft {
  return draft('LegalHoldPlaced', {
    holdId: randomUUID(),
    reason: `court order about ${FIXTURE_PII_NAME}`,
    placedAt: at.toISOString(),
  });
}

export interface AppendedEvent {
  readonly eventId: string;
  readonly stream: string;
  readonly key: string;
  readonly position: number;
}

/**
 * A steady mix of work on many keys: each call appends the next event of one of `width` open sessions (a
 * consent first for each new subject), so keys interleave in the global log as they do in production. Calls may
 * overlap: the appends of one session still happen one after the other, in order.
 */
export class FixtureWorkload {
  private readonly open: {
    sessionId: string;
    subjectId: string;
    next: number;
    drafts: EventDraft[];
    /** Appends of one session wait for each other, so concurrent callers cannot race on its revision. */
    tail: Promise<unknown>;
  }[] = [];
  private counter = 0;

  constructor(
    private readonly ledger: Ledger,
    private readonly width = 8,
    private readonly tag = randomUUID().slice(0, 8),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async appendNext(): Promise<AppendedEvent[]> {
    if (this.open.length < this.width) {
      this.counter += 1;
      const subjectId = `sub_${this.tag}_${this.counter}`;
      const sessionId = `ses_${this.tag}_${this.counter}`;
      this.open.push({
        sessionId,
        subjectId,
        next: 0,
        drafts: sessionDrafts(sessionId, subjectId, this.now()),
        tail: Promise.resolve(),
      });
      return this.append(
        subjectStream(subjectId),
        subjectId,
        [consentDraft(subjectId, this.now())],
        'no_stream',
      );
    }
    const index = Math.floor(Math.random() * this.open.length);
    const session = this.open[index]!;
    const nextDraft = session.drafts[session.next]!;
    const expected = session.next === 0 ? 'no_stream' : session.next - 1;
    session.next += 1;
    if (session.next >= session.drafts.length) this.open.splice(index, 1);
    const appended = session.tail.then(() =>
      this.append(verificationStream(session.sessionId), session.sessionId, [nextDraft], expected),
    );
    session.tail = appended.catch(() => undefined);
    return appended;
  }

  private async append(
    stream: string,
    key: string,
    drafts: EventDraft[],
    expected: 'no_stream' | number,
  ): Promise<AppendedEvent[]> {
    const result = await this.ledger.append(stream, drafts, expected, {
      actor,
      correlationId: `corr-${this.tag}`,
    });
    return result.events.map((event, i) => ({
      eventId: event.eventId,
      stream,
      key,
      position: result.position - (result.events.length - 1) + i,
    }));
  }
}
