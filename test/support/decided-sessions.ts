import type { CheckResult, DuplicateMatch, LoadedPolicy } from '../../src/domain/policy/policy.types';
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
import { verificationStream } from '../../src/ledger/stream-names';

/*
 * Sessions decided by the real decider, in memory, and their events as the ledger would hold them: the input of
 * the policy lab's engines (replay, calibration, outcome quality) in unit tests, without a store.
 */

/** An event and when it was recorded. */
export interface TimedEvent {
  readonly event: VerificationEvent;
  readonly at: string;
}

/** A session's events in stream order. */
export interface SessionEvents {
  readonly sessionId: string;
  readonly events: readonly TimedEvent[];
}

const STANDING = { consentInForce: true };

/** All clear, with scores above the shipped thresholds. */
export const ALL_CLEAR: readonly CheckResult[] = [
  { kind: 'document', result: 'clear', score: 0.97 },
  { kind: 'face_match', result: 'clear', score: 0.96 },
  { kind: 'liveness', result: 'clear', score: 0.99 },
  { kind: 'sanctions', result: 'clear' },
];

/** A session driven through the real decider, one command per minute from `t0`; the steps chain. */
export class DecidedSession implements SessionEvents {
  readonly events: TimedEvent[] = [];
  private current: VerificationState = initialVerificationState;
  private minute = 0;

  constructor(
    readonly sessionId: string,
    private readonly policy: LoadedPolicy,
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
          grantedAt: this.tick(),
        },
        policy,
        now: this.tick(),
      },
    });
  }

  get state(): VerificationState {
    return this.current;
  }

  get status(): string {
    return this.current.status;
  }

  capture(deviceClass = 'mobile'): this {
    return this.run({
      type: 'StartCapture',
      data: { sessionId: this.sessionId, channel: 'web', deviceClass, subject: STANDING, now: this.tick() },
    });
  }

  evidence(duplicateOf?: DuplicateMatch): this {
    const jurisdiction = this.current.status === 'none' ? 'DE' : this.current.jurisdiction;
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
        policy: this.policy,
        subject: STANDING,
        now: this.tick(),
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
        vendorCreatedAt: this.tick(),
        checks,
        policy: this.policy,
        subject: STANDING,
        now: this.tick(),
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
        policy: this.policy,
        subject: STANDING,
        now: this.tick(),
      },
    } as unknown as VerificationCommand);
  }

  private tick(): string {
    this.minute += 1;
    return new Date(Date.parse(this.t0) + this.minute * 60_000).toISOString();
  }

  private run(command: VerificationCommand): this {
    const at = new Date(Date.parse(this.t0) + this.minute * 60_000).toISOString();
    for (const event of decideVerification(command, this.current)) {
      this.events.push({ event, at });
      this.current = evolveVerification(this.current, event);
    }
    return this;
  }
}

/**
 * The sessions' events as the ledger holds them: interleaved by recording time (stable for equal times), global
 * positions from 1 in that order, each with its stream revision and an envelope without a hash chain.
 */
export function storedEvents(sessions: readonly SessionEvents[]): LedgerEvent[] {
  const all = sessions
    .flatMap((session) => session.events.map(({ event, at }, revision) => ({ session, event, at, revision })))
    .sort((a, b) => a.at.localeCompare(b.at));
  return all.map(({ session, event, at, revision }, index) => ({
    stream: verificationStream(session.sessionId),
    revision,
    position: index + 1,
    eventId: `evt_${String(index)}`,
    type: event.type,
    data: event.data,
    pii: null,
    metadata: {
      eventId: `evt_${String(index)}`,
      occurredAt: at,
      recordedAt: at,
      actor: { kind: 'system', id: 'test', roles: [] },
      correlationId: session.sessionId,
      causationId: null,
      schemaVersion: currentSchemaVersion(event.type),
      prevHash: '',
      hash: '',
    },
  }));
}
