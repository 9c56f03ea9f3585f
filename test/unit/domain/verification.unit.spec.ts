import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnknownJurisdictionError, UnknownRiskSignalError } from '../../../src/domain/policy/policy.errors';
import type { LoadedPolicy } from '../../../src/domain/policy/policy.types';
import {
  DomainValidationError,
  IllegalTransitionError,
  NotFoundError,
} from '../../../src/domain/shared/domain-error';
import { ProcessingRestrictedError } from '../../../src/domain/subject';
import {
  ComplianceClearanceRequiredError,
  ConsentRequiredError,
  decideVerification,
  EvidenceRequiredError,
  NoteRequiredError,
  EvidenceConflictError,
  evolveVerification,
  FourEyesViolationError,
  ReassignmentNotAllowedError,
  initialVerificationState,
  isVerificationEventType,
  NotYetDueError,
  OverrideAlreadyDecidedError,
  OverrideAlreadyExistsError,
  OverrideNotFoundError,
  OverrideNotPermittedError,
  OverrideOutcomeUnchangedError,
  OverridePendingError,
  PolicyMismatchError,
  ReasonCodeNotAllowedError,
  ReasonCodeRequiredError,
  ReviewAssignedToOtherError,
  SeniorReviewerRequiredError,
  SessionExpiredError,
  type Verification,
  VERIFICATION_EVENT_TYPES,
  VERIFICATION_STATUSES,
  type VerificationCommand,
  type VerificationEvent,
  type VerificationState,
  type VerificationStatus,
  vendorEventKey,
  verificationCommand,
} from '../../../src/domain/verification';
import { loadPolicies } from '../../../src/policies/policy-loader';
import type { JsonObject } from '../../../src/shared/json';
import { specFor } from './support/given';
import { POLICY, testPolicy, TEST_POLICY_DOCUMENT } from './support/test-policy';
import {
  ALL_CLEAR,
  approvedBy,
  at,
  captureStarted,
  command,
  COMMANDS,
  CONSENT,
  evaluated,
  evidenceSubmitted,
  EXPIRES_AT,
  HISTORY,
  initiated,
  overrideRequested,
  PII,
  PII_STRINGS,
  rejectedBy,
  resubmissionRequested,
  resultReceived,
  scoreReview,
  SESSION,
  SUBJECT,
  T0,
} from './support/verification-fixtures';

const given = specFor<VerificationCommand, VerificationEvent, VerificationState>(
  {
    // As the command handler does: the command is built (its input checked), then decided.
    decide: (command, state) => decideVerification(verificationCommand(command), state),
    evolve: evolveVerification,
    initialState: initialVerificationState,
  },
  { personalData: PII_STRINGS },
);

const fold = (events: readonly VerificationEvent[]): VerificationState =>
  events.reduce(evolveVerification, initialVerificationState);

function session(events: readonly VerificationEvent[]): Verification {
  const state = fold(events);
  if (state.status === 'none') throw new Error('no session');
  return state;
}

/** The rule trace the evaluator leaves: at least its final "outcome" entry. */
const TRACE = expect.arrayContaining([expect.objectContaining({ ruleId: 'outcome' })]);

const decision = (
  outcome: string,
  reasonCodes: readonly string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  type: 'DecisionEvaluated',
  data: {
    outcome,
    reasonCodes,
    ruleTrace: TRACE,
    policyHash: POLICY.hash,
    policyVersion: POLICY.document.version,
    attempt: 1,
    tier: 'standard',
    trigger: 'vendor_result',
    evaluatedAt: at(20),
    ...extra,
  },
});

const vendorResult = (
  vendorEventId: string,
  checks: readonly JsonObject[],
  extra: Record<string, unknown> = {},
): VerificationCommand =>
  command('RecordVendorResult', {
    vendorEventId,
    checks: checks as never,
    vendorCreatedAt: at(20),
    ...extra,
  });

const received = (
  vendorEventId: string,
  checks: readonly JsonObject[],
  extra: Record<string, unknown> = {},
) => ({
  type: 'VendorResultReceived',
  data: {
    vendor: 'onfido',
    vendorEventId,
    vendorCreatedAt: at(20),
    checks,
    attempt: 1,
    counted: true,
    receivedAt: at(20),
    ...extra,
  },
});

describe('verification aggregate', () => {
  describe('StartVerification', () => {
    it('starts a session with the tier, checks and time to live the policy gives the jurisdiction', () => {
      given([])
        .when(COMMANDS.StartVerification)
        .thenMatches([{ ...initiated(), data: { ...initiated().data, ruleTrace: expect.any(Array) } }]);
    });

    it('records how the policy chose the path and tier', () => {
      const [event] = given([]).when(COMMANDS.StartVerification).events();
      expect(event?.type === 'VerificationInitiated' && event.data.ruleTrace.map((e) => e.ruleId)).toEqual([
        'jurisdiction.path',
        'tier.default',
      ]);
    });

    it('starts at a higher tier when a risk signal calls for it', () => {
      given([])
        .when(command('StartVerification', { riskSignals: { ipCountryMismatch: true } }))
        .thenMatches([
          {
            type: 'VerificationInitiated',
            data: {
              tier: 'enhanced',
              requiredChecks: ['document', 'face_match', 'liveness', 'sanctions', 'pep'],
              riskSignals: { ipCountryMismatch: true },
            },
          },
        ]);
    });

    it('routes a country without rules of its own to manual review', () => {
      given([])
        .when(command('StartVerification', { jurisdiction: 'FR' }))
        .thenMatches([
          { type: 'VerificationInitiated', data: { jurisdiction: 'FR', path: 'manual_review' } },
        ]);
    });

    it('rejects an embargoed jurisdiction at once and for good, in the same append', () => {
      given([])
        .when(command('StartVerification', { jurisdiction: 'KP' }))
        .thenMatches([
          { type: 'VerificationInitiated', data: { jurisdiction: 'KP', path: 'embargoed' } },
          decision('reject', ['UNSUPPORTED_JURISDICTION'], { trigger: 'embargo', evaluatedAt: T0 }),
          {
            type: 'VerificationRejected',
            data: {
              final: true,
              reasonCodes: ['UNSUPPORTED_JURISDICTION'],
              decidedBy: 'policy',
              policyHash: POLICY.hash,
              attempt: 1,
              decidedAt: T0,
            },
          },
        ]);
    });

    it('refuses without a consent in force', () => {
      given([])
        .when(command('StartVerification', { consent: undefined }))
        .thenThrows(ConsentRequiredError, {
          code: 'consent_required',
          details: { subjectId: SUBJECT, scope: 'identity_verification' },
        });
    });

    it('refuses a consent that does not cover identity verification', () => {
      given([])
        .when(command('StartVerification', { consent: { ...CONSENT, scopes: ['data_sharing_vendors'] } }))
        .thenThrows(ConsentRequiredError);
    });

    it('refuses a jurisdiction that is not an ISO 3166 country and undeclared risk signals', () => {
      given([])
        .when(command('StartVerification', { jurisdiction: 'XX' }))
        .thenThrows(UnknownJurisdictionError, { code: 'unknown_jurisdiction' });
      given([])
        .when(command('StartVerification', { riskSignals: { usesVpn: true } }))
        .thenThrows(UnknownRiskSignalError, { code: 'unknown_risk_signal' });
    });
  });

  describe('StartCapture', () => {
    it('starts the capture of the first attempt', () => {
      given(HISTORY.initiated)
        .when(COMMANDS.StartCapture)
        .then([
          {
            type: 'CaptureStarted',
            data: { attempt: 1, channel: 'web', deviceClass: 'mobile', startedAt: at(20) },
          },
        ]);
    });

    it('starts the capture of the next attempt after a resubmission request', () => {
      given(HISTORY.needs_resubmission)
        .when(COMMANDS.StartCapture)
        .then([
          {
            type: 'CaptureStarted',
            data: { attempt: 2, channel: 'web', deviceClass: 'mobile', startedAt: at(20) },
          },
        ]);
    });

    it('refuses once the session has outlived its time to live', () => {
      given(HISTORY.initiated)
        .when(command('StartCapture', { now: EXPIRES_AT }))
        .thenThrows(SessionExpiredError, {
          code: 'verification_expired',
          details: { expiresAt: EXPIRES_AT },
        });
    });
  });

  describe('RecordVendorSession', () => {
    const opened = {
      type: 'VendorSessionOpened',
      data: {
        vendor: 'onfido',
        vendorReference: 'app_1',
        vendorRequestId: 'req_1',
        attempt: 1,
        expiresAt: at(80),
        openedAt: at(20),
      },
    } as const;

    it('records a session opened at a vendor once per vendor reference; the same one again records nothing', () => {
      given(HISTORY.initiated).when(COMMANDS.RecordVendorSession).then([opened]);
      given([...HISTORY.initiated, opened])
        .when(COMMANDS.RecordVendorSession)
        .thenNothing();
      // Another reference (a new vendor session) is recorded too.
      given([...HISTORY.initiated, opened])
        .when(
          command('RecordVendorSession', {
            outcome: { kind: 'opened', vendorReference: 'app_2', expiresAt: at(90) },
          }),
        )
        .thenMatches([{ type: 'VendorSessionOpened', data: { vendorReference: 'app_2' } }]);
    });

    it('records the vendor object of an earlier attempt again for a new attempt (found again by our reference)', () => {
      const history = [
        ...HISTORY.initiated,
        opened,
        ...HISTORY.needs_resubmission.slice(HISTORY.initiated.length),
      ];
      given(history)
        .when(COMMANDS.RecordVendorSession)
        .thenMatches([{ type: 'VendorSessionOpened', data: { vendorReference: 'app_1', attempt: 2 } }]);
    });

    it('opens nothing for a person whose consent is withdrawn or who asked for erasure', () => {
      given(HISTORY.initiated)
        .when(
          command('RecordVendorSession', { subject: { consentInForce: false, withdrawnConsentId: 'con_1' } }),
        )
        .thenThrows(ConsentRequiredError, { code: 'consent_required' });
      given(HISTORY.initiated)
        .when(
          command('RecordVendorSession', { subject: { consentInForce: true, erasureRequestId: 'era_1' } }),
        )
        .thenThrows(ProcessingRestrictedError, { code: 'processing_restricted' });
    });

    it('opens nothing once the session has outlived its time to live', () => {
      given(HISTORY.initiated)
        .when(command('RecordVendorSession', { now: EXPIRES_AT }))
        .thenThrows(SessionExpiredError, { code: 'verification_expired' });
    });

    it('records a failed vendor call with its class, status and attempts, and nothing of the vendor’s body', () => {
      given(HISTORY.capture_in_progress)
        .when(
          command('RecordVendorSession', {
            outcome: {
              kind: 'failed',
              operation: 'create_applicant',
              errorClass: 'VendorHttpError',
              httpStatus: 503,
              attempts: 3,
            },
          }),
        )
        .then([
          {
            type: 'VendorRequestFailed',
            data: {
              vendor: 'onfido',
              operation: 'create_applicant',
              errorClass: 'VendorHttpError',
              httpStatus: 503,
              attempts: 3,
              failedAt: at(20),
            },
          },
        ]);
    });

    it('records a fallback to the next vendor the policy orders, while the session is open', () => {
      given(HISTORY.initiated)
        .when(
          command('RecordVendorSession', {
            vendor: 'persona',
            outcome: { kind: 'fallback', to: 'sumsub', reason: 'vendor_unavailable' },
          }),
        )
        .then([
          {
            type: 'VendorFallbackChosen',
            data: { from: 'persona', to: 'sumsub', reason: 'vendor_unavailable', chosenAt: at(20) },
          },
        ]);
      given(HISTORY.approved)
        .when(
          command('RecordVendorSession', {
            outcome: { kind: 'fallback', to: 'sumsub', reason: 'vendor_unavailable' },
          }),
        )
        .thenThrows(IllegalTransitionError, { code: 'illegal_transition' });
    });

    it('checks the input when the command is built: bounded ids, valid instants, at least one attempt', () => {
      const long = 'x'.repeat(300);
      expect(() =>
        verificationCommand(
          command('RecordVendorSession', {
            outcome: { kind: 'opened', vendorReference: long, expiresAt: at(80) },
          }),
        ),
      ).toThrow(/vendorReference/);
      expect(() =>
        verificationCommand(
          command('RecordVendorSession', {
            outcome: { kind: 'opened', vendorReference: 'app_1', expiresAt: 'tomorrow' },
          }),
        ),
      ).toThrow(/expiresAt/);
      const failed = verificationCommand(
        command('RecordVendorSession', {
          outcome: {
            kind: 'failed',
            operation: 'find',
            errorClass: 'VendorHttpError',
            httpStatus: 503.7,
            attempts: 0,
          },
        }),
      );
      expect(failed.data).toMatchObject({ outcome: { attempts: 1, httpStatus: 503 } });
      expect(() =>
        verificationCommand(
          command('RecordVendorSession', {
            outcome: { kind: 'fallback', to: '', reason: 'vendor_unavailable' },
          }),
        ),
      ).toThrow(/to/);
    });

    it('records the temporary fallback rule of the policy that allowed the next vendor, with its expiry', () => {
      given(HISTORY.initiated)
        .when(
          command('RecordVendorSession', {
            vendor: 'onfido',
            outcome: {
              kind: 'fallback',
              to: 'persona',
              reason: 'vendor_unavailable',
              rule: 'onfido-outage',
              ruleExpiresAt: '2026-12-31T00:00:00.000Z',
            },
          }),
        )
        .then([
          {
            type: 'VendorFallbackChosen',
            data: {
              from: 'onfido',
              to: 'persona',
              reason: 'vendor_unavailable',
              rule: 'onfido-outage',
              ruleExpiresAt: '2026-12-31T00:00:00.000Z',
              chosenAt: at(20),
            },
          },
        ]);
      expect(() =>
        verificationCommand(
          command('RecordVendorSession', {
            outcome: {
              kind: 'fallback',
              to: 'persona',
              reason: 'vendor_unavailable',
              rule: 'r',
              ruleExpiresAt: 'soon',
            },
          }),
        ),
      ).toThrow(/ruleExpiresAt/);
    });

    describe('queued (waiting_for_vendor)', () => {
      const queue = (overrides: Record<string, unknown> = {}) =>
        command('RecordVendorSession', {
          vendor: 'sumsub',
          outcome: { kind: 'queued', reason: 'vendor_unavailable' },
          ...overrides,
        });
      const queued = {
        type: 'VendorSessionQueued',
        data: {
          vendor: 'sumsub',
          reason: 'vendor_unavailable',
          messageCode: 'VENDOR_DELAYED',
          queuedAt: at(20),
        },
      } as const;

      it('queues an open session once per vendor; the state waits until a vendor session opens', () => {
        given(HISTORY.initiated).when(queue()).then([queued]);
        given([...HISTORY.initiated, queued])
          .when(queue())
          .thenNothing();
        expect(fold([...HISTORY.initiated, queued])).toMatchObject({
          status: 'initiated',
          vendorQueue: { vendor: 'sumsub', queuedAt: at(20) },
        });
        const served = fold([
          ...HISTORY.initiated,
          queued,
          { ...opened, data: { ...opened.data, vendor: 'sumsub' } },
        ]);
        expect(served).not.toHaveProperty('vendorQueue');
      });

      it('queues nothing for a session that has a vendor session of its attempt (only the credential failed)', () => {
        given([...HISTORY.initiated, opened])
          .when(queue())
          .thenNothing();
      });

      it('queues nothing for a decided or expired session, or a person without consent (I1, I2)', () => {
        given(HISTORY.approved)
          .when(queue())
          .thenThrows(IllegalTransitionError, { code: 'illegal_transition' });
        given(HISTORY.initiated)
          .when(queue({ now: EXPIRES_AT }))
          .thenThrows(SessionExpiredError, { code: 'verification_expired' });
        given(HISTORY.initiated)
          .when(queue({ subject: { consentInForce: false, withdrawnConsentId: 'con_1' } }))
          .thenThrows(ConsentRequiredError, { code: 'consent_required' });
        given(HISTORY.initiated)
          .when(queue({ subject: { consentInForce: true, erasureRequestId: 'era_1' } }))
          .thenThrows(ProcessingRestrictedError, { code: 'processing_restricted' });
      });

      it('checks its reason when the command is built', () => {
        expect(() => verificationCommand(queue({ outcome: { kind: 'queued', reason: '' } }))).toThrow(
          /reason/,
        );
      });
    });

    it('keeps the vendor sessions in the state, latest last, and leaves the status as it was', () => {
      const state = fold([...HISTORY.capture_in_progress, opened]);
      expect(state).toMatchObject({
        status: 'capture_in_progress',
        vendorSessions: [{ vendor: 'onfido', vendorReference: 'app_1', attempt: 1, expiresAt: at(80) }],
      });
    });
  });

  describe('SubmitEvidence', () => {
    it('records the evidence reference and keeps extracted attributes in pii, by data class', () => {
      given(HISTORY.capture_in_progress)
        .when(
          command('SubmitEvidence', {
            attributes: {
              fullName: PII.fullName,
              dateOfBirth: PII.dateOfBirth,
              documentNumber: PII.documentNumber,
              address: PII.address,
              // Optional DTO fields arrive as undefined: no attribute, and nothing the ledger would refuse.
              placeOfBirth: undefined as never,
            },
          }),
        )
        .then([
          {
            type: 'EvidenceSubmitted',
            data: {
              evidenceId: 'evd_9',
              attempt: 1,
              kind: 'document',
              documentType: 'passport',
              issuingCountry: 'DE',
              vendor: 'onfido',
              vendorReference: 'doc_evd_9',
              // What the attributes say about the policy, as a boolean: never the birth date itself.
              belowMinimumAge: false,
              submittedAt: at(20),
            },
            pii: {
              identity_attributes: {
                fullName: PII.fullName,
                dateOfBirth: PII.dateOfBirth,
                documentNumber: PII.documentNumber,
              },
              contact_address: { address: PII.address },
            },
          },
        ]);
    });

    it('has no pii section without attributes', () => {
      const [event] = given(HISTORY.initiated)
        .when(command('SubmitEvidence', { kind: 'selfie', documentType: undefined, attributes: undefined }))
        .events();
      expect(event).not.toHaveProperty('pii');
      expect(event?.data).not.toHaveProperty('documentType');
    });

    it.each(['initiated', 'capture_in_progress', 'submitted', 'needs_resubmission'] as const)(
      'is accepted while %s and leaves the session submitted',
      (status) => {
        const state = given(HISTORY[status]).when(COMMANDS.SubmitEvidence).state();
        expect(state.status).toBe('submitted');
      },
    );

    it('belongs to the new attempt after a resubmission request', () => {
      given(HISTORY.needs_resubmission)
        .when(COMMANDS.SubmitEvidence)
        .thenMatches([{ type: 'EvidenceSubmitted', data: { attempt: 2 } }]);
    });

    it('treats the same evidence again as a retry that records nothing, whatever the status', () => {
      given(HISTORY.submitted)
        .when(command('SubmitEvidence', { evidenceId: 'evd_1', vendorReference: 'doc_evd_1' }))
        .thenNothing();
      given(HISTORY.approved)
        .when(command('SubmitEvidence', { evidenceId: 'evd_1', vendorReference: 'doc_evd_1' }))
        .thenNothing();
    });

    it('refuses an evidence id reused for other evidence', () => {
      given(HISTORY.submitted)
        .when(command('SubmitEvidence', { evidenceId: 'evd_1', vendorReference: 'doc_other' }))
        .thenThrows(EvidenceConflictError, { code: 'evidence_id_conflict' });
    });

    it('refuses a document type on evidence that is not a document, and a malformed issuing country', () => {
      given(HISTORY.initiated)
        .when(command('SubmitEvidence', { kind: 'selfie' }))
        .thenThrows(DomainValidationError, { details: { field: 'documentType' } });
      given(HISTORY.initiated)
        .when(command('SubmitEvidence', { issuingCountry: 'Germany' }))
        .thenThrows(DomainValidationError, { details: { field: 'issuingCountry' } });
    });

    it('records a document type the policy does not allow; the evaluation flags it', () => {
      given([...HISTORY.capture_in_progress, resultReceived('evt_1', [...ALL_CLEAR])])
        .when(command('SubmitEvidence', { documentType: 'driving_licence' }))
        .thenMatches([
          { type: 'EvidenceSubmitted', data: { documentType: 'driving_licence' } },
          decision('resubmit', ['DOC_TYPE_NOT_ALLOWED'], { trigger: 'evidence' }),
          { type: 'ResubmissionRequested', data: { attempt: 2, reasonCodes: ['DOC_TYPE_NOT_ALLOWED'] } },
        ]);
    });

    it('completes an attempt whose vendor results arrived first', () => {
      given([...HISTORY.capture_in_progress, resultReceived('evt_1', [...ALL_CLEAR])])
        .when(COMMANDS.SubmitEvidence)
        .thenMatches([
          { type: 'EvidenceSubmitted' },
          decision('approve', [], { trigger: 'evidence' }),
          { type: 'VerificationApproved', data: { decidedBy: 'policy' } },
        ]);
    });

    it('refuses a policy other than the one the session was started under', () => {
      const other: LoadedPolicy = { ...POLICY, hash: 'f'.repeat(64) };
      given(HISTORY.initiated)
        .when(command('SubmitEvidence', { policy: other }))
        .thenThrows(PolicyMismatchError, { code: 'policy_mismatch' });
    });

    it('refuses once the session has outlived its time to live', () => {
      given(HISTORY.submitted)
        .when(command('SubmitEvidence', { now: EXPIRES_AT }))
        .thenThrows(SessionExpiredError);
    });
  });

  describe('RecordVendorResult', () => {
    it('keeps what the vendor said with each check: well-formed labels, at most 16, others dropped', () => {
      const many = Array.from({ length: 20 }, (_, n) => `LABEL_${n}`);
      const checks = [
        { ...ALL_CLEAR[0]!, vendorLabels: ['GREEN', 'Erika Mustermann', '', 'x'.repeat(65), ...many] },
        ...ALL_CLEAR.slice(1),
      ];
      const [event] = given(HISTORY.submitted).when(vendorResult('evt_9', checks)).events();
      expect(event?.type === 'VendorResultReceived' && event.data.checks).toEqual([
        { ...ALL_CLEAR[0]!, vendorLabels: ['GREEN', ...many.slice(0, 15)] },
        ...ALL_CLEAR.slice(1),
      ]);
    });

    it('records where a fetched result came from (object, operation, request id) with the result, once', () => {
      const fetched = vendorResult('evt_9', ALL_CLEAR, {
        fetched: { objectId: 'chk_1', operation: 'find_check', vendorRequestId: 'req_7' },
      });
      const events = given(HISTORY.submitted).when(fetched).events();
      expect(events.map((e) => e.type)).toEqual([
        'VendorResultFetched',
        'VendorResultReceived',
        'DecisionEvaluated',
        'VerificationApproved',
      ]);
      expect(events[0]).toEqual({
        type: 'VendorResultFetched',
        data: {
          vendor: 'onfido',
          vendorEventId: 'evt_9',
          objectId: 'chk_1',
          operation: 'find_check',
          vendorRequestId: 'req_7',
          fetchedAt: at(20),
        },
      });
      // The same vendor event again (a webhook after the fetch, or a second fetch) records nothing.
      given([...HISTORY.submitted, ...events])
        .when(vendorResult('evt_9', ALL_CLEAR))
        .thenNothing();
      expect(() =>
        verificationCommand(
          vendorResult('evt_9', ALL_CLEAR, {
            fetched: { objectId: 'x'.repeat(300), operation: 'find_check' },
          }),
        ),
      ).toThrow(/objectId/);
    });

    it('approves when every required check is clear above its threshold', () => {
      given(HISTORY.submitted)
        .when(vendorResult('evt_9', ALL_CLEAR))
        .thenMatches([
          received('evt_9', ALL_CLEAR),
          decision('approve', []),
          {
            type: 'VerificationApproved',
            data: {
              reasonCodes: [],
              decidedBy: 'policy',
              tier: 'standard',
              policyHash: POLICY.hash,
              attempt: 1,
              decidedAt: at(20),
            },
          },
        ]);
    });

    it('only records a result while checks are still missing', () => {
      given(HISTORY.submitted)
        .when(vendorResult('evt_9', ALL_CLEAR.slice(0, 2)))
        .then([received('evt_9', ALL_CLEAR.slice(0, 2)) as VerificationEvent]);
    });

    it('decides once later results complete the attempt', () => {
      given([...HISTORY.submitted, resultReceived('evt_1', ALL_CLEAR.slice(0, 2))])
        .when(vendorResult('evt_9', ALL_CLEAR.slice(2)))
        .thenMatches([
          { type: 'VendorResultReceived' },
          decision('approve', []),
          { type: 'VerificationApproved' },
        ]);
    });

    it('takes the latest result of a kind', () => {
      given([...HISTORY.submitted, resultReceived('evt_1', [{ kind: 'document', result: 'consider' }])])
        .when(vendorResult('evt_9', ALL_CLEAR))
        .thenMatches([
          { type: 'VendorResultReceived' },
          decision('approve', []),
          { type: 'VerificationApproved' },
        ]);
    });

    it('waits for the evidence when the results come first, and decides when it arrives (vendor-hosted capture)', () => {
      for (const status of ['initiated', 'capture_in_progress'] as const) {
        const spec = given(HISTORY[status]).when(vendorResult('evt_9', ALL_CLEAR));
        spec.thenMatches([{ type: 'VendorResultReceived' }, decision('wait', ['EVIDENCE_MISSING'])]);
        expect(spec.state()).toMatchObject({ status, reasonCodes: ['EVIDENCE_MISSING'] });
        given([...HISTORY[status], ...spec.events()])
          .when(command('SubmitEvidence', { attributes: undefined }))
          .thenMatches([
            { type: 'EvidenceSubmitted' },
            decision('approve', [], { trigger: 'evidence' }),
            { type: 'VerificationApproved' },
          ]);
      }
    });

    it('records a redelivered vendor event once', () => {
      given([...HISTORY.submitted, resultReceived('evt_9', ALL_CLEAR.slice(0, 1))])
        .when(vendorResult('evt_9', ALL_CLEAR))
        .thenNothing();
      given(HISTORY.approved).when(vendorResult('evt_1', ALL_CLEAR)).thenNothing();
    });

    it('keeps vendor event ids apart per vendor', () => {
      given([...HISTORY.submitted, resultReceived('evt_9', ALL_CLEAR.slice(0, 1))])
        .when(vendorResult('evt_9', ALL_CLEAR.slice(1, 2), { vendor: 'veriff' }))
        .thenMatches([{ type: 'VendorResultReceived', data: { vendor: 'veriff', vendorEventId: 'evt_9' } }]);
    });

    it('sends a sanctions hit to review, first in line, with the compliance SLA', () => {
      const checks = [...ALL_CLEAR.slice(0, 3), { kind: 'sanctions', result: 'consider' }];
      given(HISTORY.submitted)
        .when(vendorResult('evt_9', checks))
        .thenMatches([
          received('evt_9', checks),
          decision('review', ['SANCTIONS_HIT', 'CHECK_INCONCLUSIVE']),
          {
            type: 'ReviewRequested',
            data: {
              priority: 1,
              reasons: ['SANCTIONS_HIT', 'CHECK_INCONCLUSIVE'],
              queue: 'test-review',
              slaDueAt: '2026-11-26T14:20:00.000Z',
              attempt: 1,
              requestedAt: at(20),
            },
          },
        ]);
    });

    it('sends a complete session on the manual-review path to review', () => {
      given([initiated({ jurisdiction: 'FR', path: 'manual_review' })])
        .when(vendorResult('evt_9', ALL_CLEAR))
        .thenMatches([
          { type: 'VendorResultReceived' },
          decision('review', ['JURISDICTION_REVIEW_REQUIRED']),
          {
            type: 'ReviewRequested',
            data: { queue: 'test-international', reasons: ['JURISDICTION_REVIEW_REQUIRED'] },
          },
        ]);
    });

    it('asks for a resubmission when the person can fix the failure; the next attempt starts empty', () => {
      const checks = [ALL_CLEAR[0]!, { kind: 'face_match', result: 'fail' }, ...ALL_CLEAR.slice(2)];
      const spec = given(HISTORY.submitted).when(vendorResult('evt_9', checks));
      spec.thenMatches([
        { type: 'VendorResultReceived' },
        decision('resubmit', ['FACE_MISMATCH']),
        {
          type: 'ResubmissionRequested',
          data: { attempt: 2, maxAttempts: 3, reasonCodes: ['FACE_MISMATCH'], requestedAt: at(20) },
        },
      ]);
      expect(spec.state()).toMatchObject({
        status: 'needs_resubmission',
        attempt: 2,
        resubmissions: 1,
        checks: [],
        reasonCodes: ['FACE_MISMATCH'],
      });
    });

    it('rejects for good when the failure comes after the last resubmission allowed', () => {
      const thirdAttempt = [
        ...HISTORY.needs_resubmission,
        evaluated('resubmit', ['FACE_MISMATCH'], at(5), 2),
        resubmissionRequested(3, at(5)),
        evidenceSubmitted('evd_3', 3, at(6)),
      ];
      expect(session(thirdAttempt)).toMatchObject({ attempt: 3, resubmissions: 2, maxResubmissions: 2 });
      const checks = [ALL_CLEAR[0]!, { kind: 'face_match', result: 'fail' }, ...ALL_CLEAR.slice(2)];
      given(thirdAttempt)
        .when(vendorResult('evt_9', checks))
        .thenMatches([
          { type: 'VendorResultReceived', data: { attempt: 3, counted: true } },
          decision('reject', ['FACE_MISMATCH', 'RETRY_LIMIT_REACHED'], { attempt: 3 }),
          {
            type: 'VerificationRejected',
            data: {
              final: true,
              decidedBy: 'policy',
              reasonCodes: ['FACE_MISMATCH', 'RETRY_LIMIT_REACHED'],
              attempt: 3,
            },
          },
        ]);
    });

    it('steps up to a higher tier on a vendor risk signal and waits for the checks it adds', () => {
      const enhanced = ['document', 'face_match', 'liveness', 'sanctions', 'pep'];
      const spec = given(HISTORY.submitted).when(
        vendorResult('evt_9', ALL_CLEAR, { riskSignals: { ipCountryMismatch: true } }),
      );
      spec.thenMatches([
        received('evt_9', ALL_CLEAR, { riskSignals: { ipCountryMismatch: true } }),
        decision('step_up', [], { stepUp: { tier: 'enhanced', requiredChecks: enhanced } }),
      ]);
      expect(spec.state()).toMatchObject({ status: 'submitted', tier: 'enhanced', requiredChecks: enhanced });
    });

    it('decides at the stepped-up tier once its checks are in', () => {
      const events = given(HISTORY.submitted)
        .when(vendorResult('evt_8', ALL_CLEAR, { riskSignals: { ipCountryMismatch: true } }))
        .events();
      given([...HISTORY.submitted, ...events])
        .when(vendorResult('evt_9', [{ kind: 'pep', result: 'clear' }]))
        .thenMatches([
          { type: 'VendorResultReceived' },
          decision('approve', [], { tier: 'enhanced' }),
          { type: 'VerificationApproved', data: { tier: 'enhanced' } },
        ]);
    });

    it('needs no step-up when the checks the higher tier adds have already passed', () => {
      given(HISTORY.submitted)
        .when(
          vendorResult('evt_9', [...ALL_CLEAR, { kind: 'pep', result: 'clear' }], {
            riskSignals: { ipCountryMismatch: true },
          }),
        )
        .thenMatches([
          { type: 'VendorResultReceived' },
          decision('approve', []),
          { type: 'VerificationApproved', data: { tier: 'standard' } },
        ]);
    });

    it('counts a vendor-raised signal the policy declares, and leaves out one it does not (never refused)', () => {
      // A vendor's risk label raises its signal through the webhook mapping: the policy decides what it does.
      given(HISTORY.submitted)
        .when(vendorResult('evt_9', ALL_CLEAR, { vendorSignals: ['ipCountryMismatch'] }))
        .thenMatches([
          received('evt_9', ALL_CLEAR, { riskSignals: { ipCountryMismatch: true } }),
          decision('step_up', [], { stepUp: { tier: 'enhanced' } }),
        ]);
      const spec = given(HISTORY.submitted).when(
        vendorResult('evt_9', ALL_CLEAR, { vendorSignals: ['vendorRiskLabel'] }),
      );
      spec.thenMatches([
        { type: 'VendorResultReceived' },
        decision('approve', []),
        { type: 'VerificationApproved' },
      ]);
      expect(spec.events()[0]?.data).not.toHaveProperty('riskSignals');
    });

    it('refuses risk signals the policy does not declare', () => {
      given(HISTORY.submitted)
        .when(vendorResult('evt_9', ALL_CLEAR, { riskSignals: { usesVpn: true } }))
        .thenThrows(UnknownRiskSignalError);
    });

    it('refuses a result without checks or signals, and a score outside 0..1', () => {
      given(HISTORY.submitted)
        .when(vendorResult('evt_9', []))
        .thenThrows(DomainValidationError, { details: { field: 'checks' } });
      given(HISTORY.submitted)
        .when(vendorResult('evt_9', [{ kind: 'document', result: 'clear', score: 97 }]))
        .thenThrows(DomainValidationError, { details: { field: 'checks' } });
    });

    it('records a result while a review is open and changes nothing else', () => {
      const spec = given(HISTORY.pending_review).when(vendorResult('evt_9', ALL_CLEAR));
      spec.then([received('evt_9', ALL_CLEAR) as VerificationEvent]);
      expect(spec.state().status).toBe('pending_review');
    });

    it.each([
      ['rejected', true],
      ['expired', false],
    ] as const)('records a result on a %s session and changes nothing else', (status, counted) => {
      given(HISTORY[status])
        .when(vendorResult('evt_9', ALL_CLEAR))
        .then([received('evt_9', ALL_CLEAR, { counted }) as VerificationEvent]);
    });

    it('does not count a late result of the previous attempt toward the new one', () => {
      const spec = given(HISTORY.needs_resubmission).when(
        vendorResult('evt_9', ALL_CLEAR, { vendorCreatedAt: at(2) }),
      );
      spec.then([
        received('evt_9', ALL_CLEAR, {
          vendorCreatedAt: at(2),
          attempt: 2,
          counted: false,
        }) as VerificationEvent,
      ]);
      expect(spec.state()).toMatchObject({ status: 'needs_resubmission', checks: [] });
    });

    it('counts a result of the new attempt even before its capture was reported', () => {
      given([...HISTORY.needs_resubmission, evidenceSubmitted('evd_2', 2, at(4))])
        .when(vendorResult('evt_9', ALL_CLEAR))
        .thenMatches([
          { type: 'VendorResultReceived', data: { attempt: 2, counted: true } },
          decision('approve', [], { attempt: 2 }),
          { type: 'VerificationApproved', data: { attempt: 2 } },
        ]);
    });

    it('sends an automatic approval back to review when a later result contradicts it', () => {
      const checks = [{ kind: 'sanctions', result: 'fail' }];
      const spec = given(HISTORY.approved).when(vendorResult('evt_9', checks));
      spec.thenMatches([
        received('evt_9', checks),
        decision('review', ['SANCTIONS_HIT'], { trigger: 'result_after_approval' }),
        { type: 'ReviewRequested', data: { reasons: ['SANCTIONS_HIT'], priority: 1 } },
      ]);
      expect(spec.state()).toMatchObject({ status: 'pending_review', reasonCodes: ['SANCTIONS_HIT'] });
    });

    it('leaves an automatic approval alone when a later result agrees with it', () => {
      given(HISTORY.approved)
        .when(vendorResult('evt_9', [{ kind: 'sanctions', result: 'clear' }]))
        .then([received('evt_9', [{ kind: 'sanctions', result: 'clear' }]) as VerificationEvent]);
    });

    it('only records a contradicting result after a human approval: a person already judged the case', () => {
      const reviewed = [...HISTORY.pending_review, approvedBy('reviewer', at(10), ['REVIEW_APPROVED'])];
      given(reviewed)
        .when(vendorResult('evt_9', [{ kind: 'sanctions', result: 'fail' }]))
        .then([received('evt_9', [{ kind: 'sanctions', result: 'fail' }]) as VerificationEvent]);
    });
  });

  describe('RecordVendorResult out of order (by the vendor’s own clock)', () => {
    const failedDocument = [{ kind: 'document', result: 'fail', reasonCodes: ['DOC_SUSPECTED_TAMPERING'] }];

    it('records an older result of the same vendor arriving after a newer one, and lets the newer one stand', () => {
      // HISTORY.approved holds evt_1 from onfido, created at(3); evt_0 was created a minute before it.
      const spec = given(HISTORY.approved).when(
        vendorResult('evt_0', failedDocument, { vendorCreatedAt: at(2) }),
      );
      spec.then([received('evt_0', failedDocument, { vendorCreatedAt: at(2) }) as VerificationEvent]);
      expect(spec.state()).toMatchObject({ status: 'approved', checks: ALL_CLEAR });
    });

    it('decides an open attempt on the newer result when the older one of the same vendor arrives last', () => {
      const newer = resultReceived('evt_2', [ALL_CLEAR[0]!], at(5), { vendorCreatedAt: at(5) });
      const older = [{ kind: 'document', result: 'fail' }, ...ALL_CLEAR.slice(1)];
      given([...HISTORY.submitted, newer])
        .when(vendorResult('evt_1', older, { vendorCreatedAt: at(4) }))
        .thenMatches([
          received('evt_1', older, { vendorCreatedAt: at(4) }),
          decision('approve', []),
          { type: 'VerificationApproved' },
        ]);
    });

    it('still replaces a result with a newer one of the same vendor', () => {
      given(HISTORY.approved)
        .when(vendorResult('evt_9', failedDocument, { vendorCreatedAt: at(4) }))
        .thenMatches([
          received('evt_9', failedDocument, { vendorCreatedAt: at(4) }),
          decision('review', ['DOC_SUSPECTED_TAMPERING'], { trigger: 'result_after_approval' }),
          { type: 'ReviewRequested' },
        ]);
    });

    it('does not compare clocks of different vendors: the later arrival of another vendor counts', () => {
      given(HISTORY.approved)
        .when(vendorResult('evt_9', failedDocument, { vendor: 'veriff', vendorCreatedAt: at(1) }))
        .thenMatches([
          { type: 'VendorResultReceived', data: { vendor: 'veriff' } },
          { type: 'DecisionEvaluated', data: { outcome: 'review', trigger: 'result_after_approval' } },
          { type: 'ReviewRequested' },
        ]);
    });

    it('sends a later contradicting final result to review instead of flipping the approval (GREEN, then RED)', () => {
      const green = resultReceived('green', ALL_CLEAR.slice(0, 3), at(3), { vendor: 'sumsub' });
      const approvedBySumsub = [
        ...HISTORY.submitted,
        resultReceived('evt_s', [ALL_CLEAR[3]!]),
        green,
        evaluated('approve'),
        approvedBy('policy'),
      ];
      const red = [{ kind: 'face_match', result: 'fail', reasonCodes: ['FACE_MISMATCH'] }];
      const spec = given(approvedBySumsub).when(
        vendorResult('red', red, { vendor: 'sumsub', vendorCreatedAt: at(9) }),
      );
      spec.thenMatches([
        { type: 'VendorResultReceived', data: { vendor: 'sumsub', vendorEventId: 'red' } },
        { type: 'DecisionEvaluated', data: { trigger: 'result_after_approval' } },
        { type: 'ReviewRequested' },
      ]);
      expect(spec.state()).toMatchObject({ status: 'pending_review' });
    });

    it('starts the next attempt without the sources of the previous one', () => {
      const state = session([
        ...HISTORY.needs_resubmission,
        resultReceived('evt_2', [ALL_CLEAR[0]!], at(4), { attempt: 2, vendorCreatedAt: at(4) }),
      ]);
      expect(state.checks).toEqual([{ ...ALL_CLEAR[0], vendor: 'onfido', vendorCreatedAt: at(4) }]);
      expect(session(HISTORY.needs_resubmission).checks).toEqual([]);
    });
  });

  describe('AssignReviewer', () => {
    it('assigns the open review', () => {
      given(HISTORY.pending_review)
        .when(COMMANDS.AssignReviewer)
        .then([{ type: 'ReviewerAssigned', data: { reviewerId: 'rev_bob', assignedAt: at(20) } }]);
    });

    const BY_SENIOR = {
      ...COMMANDS.AssignReviewer,
      data: { ...COMMANDS.AssignReviewer.data, assignedBy: 'sen_sue', assignerRoles: ['senior_reviewer'] },
    };

    it('a senior reviewer reassigns, naming the previous reviewer', () => {
      given([
        ...HISTORY.pending_review,
        { type: 'ReviewerAssigned', data: { reviewerId: 'rev_dan', assignedAt: at(5) } },
      ])
        .when(BY_SENIOR)
        .then([
          {
            type: 'ReviewerAssigned',
            data: { reviewerId: 'rev_bob', previousReviewerId: 'rev_dan', assignedAt: at(20) },
          },
        ]);
    });

    it('refuses a reviewer taking a review from its assignee, or handing one to someone else', () => {
      given([
        ...HISTORY.pending_review,
        { type: 'ReviewerAssigned', data: { reviewerId: 'rev_dan', assignedAt: at(5) } },
      ])
        .when(COMMANDS.AssignReviewer)
        .thenThrows(ReassignmentNotAllowedError, {
          code: 'reassignment_not_allowed',
          details: { invariant: 'I14' },
        });
      given(HISTORY.pending_review)
        .when({
          ...COMMANDS.AssignReviewer,
          data: { ...COMMANDS.AssignReviewer.data, assignedBy: 'rev_eve', assignerRoles: ['reviewer'] },
        })
        .thenThrows(ReassignmentNotAllowedError);
      // An admin holds every role.
      given(HISTORY.pending_review)
        .when({
          ...COMMANDS.AssignReviewer,
          data: { ...COMMANDS.AssignReviewer.data, assignedBy: 'adm_ann', assignerRoles: ['admin'] },
        })
        .then([{ type: 'ReviewerAssigned', data: { reviewerId: 'rev_bob', assignedAt: at(20) } }]);
    });

    it('records nothing when the reviewer already has it', () => {
      given([
        ...HISTORY.pending_review,
        { type: 'ReviewerAssigned', data: { reviewerId: 'rev_bob', assignedAt: at(5) } },
      ])
        .when(COMMANDS.AssignReviewer)
        .thenNothing();
    });
  });

  describe('CompleteReview', () => {
    /** A review of an ambiguous score: no compliance hit to clear. */
    const ambiguousReview = scoreReview(at(60 * 24));

    it('approves, citing REVIEW_APPROVED when the reviewer gave no code', () => {
      given(ambiguousReview)
        .when(COMMANDS.CompleteReview)
        .then([
          {
            type: 'ReviewCompleted',
            data: {
              reviewerId: 'rev_bob',
              outcome: 'approve',
              reasonCodes: ['REVIEW_APPROVED'],
              reviewerRoles: ['reviewer'],
              hasNote: false,
              completedAt: at(20),
            },
          },
          {
            type: 'VerificationApproved',
            data: {
              reasonCodes: ['REVIEW_APPROVED'],
              decidedBy: 'reviewer',
              reviewerId: 'rev_bob',
              tier: 'standard',
              policyHash: POLICY.hash,
              attempt: 1,
              decidedAt: at(20),
            },
          },
        ]);
    });

    it('needs a senior reviewer and a note to clear a sanctions or PEP hit (I9)', () => {
      given(HISTORY.pending_review)
        .when(COMMANDS.CompleteReview)
        .thenThrows(ComplianceClearanceRequiredError, {
          code: 'compliance_clearance_required',
          details: { role: 'senior_reviewer', hits: ['SANCTIONS_HIT'] },
        });
      const senior = { reviewerRoles: ['reviewer', 'senior_reviewer'] };
      given(HISTORY.pending_review)
        .when(command('CompleteReview', senior))
        .thenThrows(NoteRequiredError, { code: 'note_required' });
      given(HISTORY.pending_review)
        .when(command('CompleteReview', { ...senior, note: PII.note }))
        .thenMatches([
          { type: 'ReviewCompleted', data: { outcome: 'approve', reviewerRoles: senior.reviewerRoles } },
          { type: 'VerificationApproved', data: { decidedBy: 'reviewer' } },
        ]);
      // Rejecting a hit is any reviewer's call.
      given(HISTORY.pending_review)
        .when(command('CompleteReview', { outcome: 'reject', reasonCodes: ['SANCTIONS_HIT'] }))
        .thenMatches([{ type: 'ReviewCompleted' }, { type: 'VerificationRejected' }]);
    });

    it('treats adverse media and other watchlist matches as screening hits: review, then senior clearance (I7, I9)', () => {
      for (const code of ['ADVERSE_MEDIA_HIT', 'WATCHLIST_HIT'] as const) {
        const hit = [
          ...ALL_CLEAR,
          { kind: 'watchlist' as const, result: 'consider' as const, reasonCodes: [code] },
        ];
        const reviewed = given(HISTORY.submitted).when(vendorResult('evt_w', hit));
        reviewed.thenMatches([
          { type: 'VendorResultReceived' },
          decision('review', [code]),
          { type: 'ReviewRequested', data: { priority: 2 } },
        ]);
        given([...HISTORY.submitted, ...reviewed.events()])
          .when(COMMANDS.CompleteReview)
          .thenThrows(ComplianceClearanceRequiredError, { details: { hits: [code] } });
      }
    });

    it('approves nobody who withdrew consent or asked for erasure, or whose evidence is missing (I1, I3)', () => {
      given(ambiguousReview)
        .when(command('CompleteReview', { subject: { consentInForce: false, withdrawnConsentId: 'con_1' } }))
        .thenThrows(ConsentRequiredError, { code: 'consent_required' });
      given(ambiguousReview)
        .when(command('CompleteReview', { subject: { consentInForce: true, erasureRequestId: 'era_1' } }))
        .thenThrows(ProcessingRestrictedError, { code: 'processing_restricted' });
      const noEvidence = ambiguousReview.filter((event) => event.type !== 'EvidenceSubmitted');
      given(noEvidence)
        .when(COMMANDS.CompleteReview)
        .thenThrows(EvidenceRequiredError, { code: 'evidence_required', details: { missing: ['document'] } });
    });

    it('rejects with the reviewer codes, keeping the note in pii', () => {
      given(HISTORY.pending_review)
        .when(
          command('CompleteReview', {
            outcome: 'reject',
            reasonCodes: ['SANCTIONS_HIT', 'SANCTIONS_HIT'],
            note: PII.note,
          }),
        )
        .thenMatches([
          {
            type: 'ReviewCompleted',
            data: { outcome: 'reject', reasonCodes: ['SANCTIONS_HIT'], hasNote: true },
            pii: { review_notes: { note: PII.note } },
          },
          {
            type: 'VerificationRejected',
            data: {
              final: true,
              reasonCodes: ['SANCTIONS_HIT'],
              decidedBy: 'reviewer',
              reviewerId: 'rev_bob',
            },
          },
        ]);
    });

    it('refuses a rejection without a reason code', () => {
      given(HISTORY.pending_review)
        .when(command('CompleteReview', { outcome: 'reject', reasonCodes: [] }))
        .thenThrows(ReasonCodeRequiredError, { code: 'reason_code_required' });
    });

    it('refuses codes that this decision cannot cite', () => {
      given(HISTORY.pending_review)
        .when(command('CompleteReview', { outcome: 'reject', reasonCodes: ['REVIEW_APPROVED'] }))
        .thenThrows(ReasonCodeNotAllowedError, { code: 'reason_code_not_allowed' });
      given(HISTORY.pending_review)
        .when(command('CompleteReview', { reasonCodes: ['OVERRIDE_APPLIED'] }))
        .thenThrows(ReasonCodeNotAllowedError);
    });

    it('is for the assigned reviewer', () => {
      given([
        ...HISTORY.pending_review,
        { type: 'ReviewerAssigned', data: { reviewerId: 'rev_dan', assignedAt: at(5) } },
      ])
        .when(COMMANDS.CompleteReview)
        .thenThrows(ReviewAssignedToOtherError, {
          code: 'review_assigned_to_other',
          details: { assignee: 'rev_dan' },
        });
    });
  });

  describe('overrides', () => {
    const pending = [...HISTORY.approved, overrideRequested()];

    it('requests a reversal of a final decision', () => {
      given(HISTORY.approved)
        .when(command('RequestOverride', { reasonCodes: ['DUPLICATE_IDENTITY'] }))
        .then([
          {
            type: 'OverrideRequested',
            data: {
              overrideId: 'ovr_9',
              requestedBy: 'rev_alice',
              outcome: 'reject',
              reasonCodes: ['DUPLICATE_IDENTITY'],
              requestedAt: at(20),
            },
            // Free text a person typed: encrypted under review_notes, never in `data`.
            pii: { review_notes: { justification: 'Adverse media found after the automatic approval.' } },
          },
        ]);
    });

    it('refuses an override that would not change the outcome', () => {
      given(HISTORY.approved)
        .when(command('RequestOverride', { outcome: 'approve' }))
        .thenThrows(OverrideOutcomeUnchangedError, { code: 'override_outcome_unchanged' });
      given(HISTORY.rejected)
        .when(command('RequestOverride', { outcome: 'reject' }))
        .thenThrows(OverrideOutcomeUnchangedError);
    });

    it('allows one pending override at a time and never reuses an id', () => {
      given(pending)
        .when(COMMANDS.RequestOverride)
        .thenThrows(OverridePendingError, {
          code: 'override_pending',
          details: { pendingOverrideId: 'ovr_1' },
        });
      given(pending)
        .when(command('RequestOverride', { overrideId: 'ovr_1' }))
        .thenThrows(OverrideAlreadyExistsError, { code: 'override_already_exists' });
    });

    it.each([
      ['too short', 'Because.'],
      ['too long', 'x'.repeat(2001)],
      ['blank', '          '],
    ])('refuses a justification that is %s', (_, justification) => {
      given(HISTORY.approved)
        .when(command('RequestOverride', { justification }))
        .thenThrows(DomainValidationError, { details: { field: 'justification', min: 10, max: 2000 } });
    });

    it('refuses to override an embargo', () => {
      const embargoed = given([])
        .when(command('StartVerification', { jurisdiction: 'KP' }))
        .events();
      given(embargoed)
        .when(command('RequestOverride', { outcome: 'approve' }))
        .thenThrows(OverrideNotPermittedError, { code: 'override_not_permitted' });
    });

    it('applies an override approved by a second person who is a senior reviewer', () => {
      const spec = given(pending).when(COMMANDS.ApproveOverride);
      spec.then([
        {
          type: 'OverrideApproved',
          data: {
            overrideId: 'ovr_1',
            approverId: 'sen_carol',
            approverRoles: ['reviewer', 'senior_reviewer'],
            outcome: 'reject',
            approvedAt: at(20),
          },
        },
        {
          type: 'VerificationRejected',
          data: {
            final: true,
            reasonCodes: ['OVERRIDE_APPLIED'],
            decidedBy: 'override',
            overrideId: 'ovr_1',
            tier: 'standard',
            policyHash: POLICY.hash,
            attempt: 1,
            decidedAt: at(20),
          },
        },
      ]);
      expect(spec.state()).toMatchObject({
        status: 'rejected',
        decidedBy: 'override',
        pendingOverride: undefined,
      });
    });

    it('approves a rejected session by override, citing the requester codes and OVERRIDE_APPLIED', () => {
      given([...HISTORY.rejected, { ...overrideRequested('ovr_1', 'approve') }])
        .when(COMMANDS.ApproveOverride)
        .thenMatches([
          { type: 'OverrideApproved', data: { outcome: 'approve' } },
          {
            type: 'VerificationApproved',
            data: { reasonCodes: ['OVERRIDE_APPLIED'], decidedBy: 'override' },
          },
        ]);
    });

    it('refuses an approval by the requester (four eyes)', () => {
      given(pending)
        .when(command('ApproveOverride', { approverId: 'rev_alice' }))
        .thenThrows(FourEyesViolationError, {
          code: 'four_eyes_violation',
          details: { overrideId: 'ovr_1' },
        });
      given(pending)
        .when(command('RejectOverride', { approverId: 'rev_alice' }))
        .thenThrows(FourEyesViolationError);
    });

    it('refuses a decision by someone without senior_reviewer; an admin holds it, as at the edge', () => {
      given(pending)
        .when(command('ApproveOverride', { approverRoles: ['reviewer', 'auditor'] }))
        .thenThrows(SeniorReviewerRequiredError, { code: 'senior_reviewer_required' });
      given(pending)
        .when(command('ApproveOverride', { approverRoles: ['admin'] }))
        .thenMatches([{ type: 'OverrideApproved' }, { type: 'VerificationRejected' }]);
      given(pending)
        .when(command('RejectOverride', { approverRoles: [] }))
        .thenThrows(SeniorReviewerRequiredError);
    });

    it('refuses an unknown or already decided override', () => {
      given(pending)
        .when(command('ApproveOverride', { overrideId: 'ovr_2' }))
        .thenThrows(OverrideNotFoundError, { code: 'override_not_found' });
      const rejectedOverride: VerificationEvent = {
        type: 'OverrideRejected',
        data: {
          overrideId: 'ovr_1',
          approverId: 'sen_carol',
          approverRoles: ['senior_reviewer'],
          reason: 'No.',
          rejectedAt: at(15),
        },
      };
      given([...pending, rejectedOverride])
        .when(COMMANDS.ApproveOverride)
        .thenThrows(OverrideAlreadyDecidedError, {
          code: 'override_already_decided',
          details: { decision: 'rejected' },
        });
      given([...pending, rejectedOverride])
        .when(COMMANDS.RejectOverride)
        .thenThrows(OverrideAlreadyDecidedError);
    });

    it('rejects an override, which leaves the decision standing and frees the way for another request', () => {
      const spec = given(pending).when(COMMANDS.RejectOverride);
      spec.then([
        {
          type: 'OverrideRejected',
          data: {
            overrideId: 'ovr_1',
            approverId: 'sen_carol',
            approverRoles: ['senior_reviewer'],
            rejectedAt: at(20),
          },
          pii: { review_notes: { reason: 'The adverse media concerns a namesake.' } },
        },
      ]);
      expect(spec.state()).toMatchObject({ status: 'approved', pendingOverride: undefined });
      given([...pending, ...spec.events()])
        .when(command('RequestOverride', { overrideId: 'ovr_2', now: at(30) }))
        .thenMatches([{ type: 'OverrideRequested', data: { overrideId: 'ovr_2' } }]);
    });
  });

  describe('ExpireVerification', () => {
    it.each(['initiated', 'capture_in_progress', 'submitted', 'needs_resubmission'] as const)(
      'expires a session left %s once its time to live is over',
      (status) => {
        given(HISTORY[status])
          .when(COMMANDS.ExpireVerification)
          .then([
            {
              type: 'VerificationExpired',
              data: {
                expiresAt: EXPIRES_AT,
                previousStatus: status,
                reasonCodes: ['SESSION_EXPIRED'],
                expiredAt: EXPIRES_AT,
              },
            },
          ]);
      },
    );

    it('clears the codes of the last evaluation: SESSION_EXPIRED is why it ended (I2)', () => {
      const spec = given(HISTORY.needs_resubmission).when(COMMANDS.ExpireVerification);
      expect(spec.state()).toMatchObject({ status: 'expired', reasonCodes: ['SESSION_EXPIRED'] });
    });

    it('is true before the scheduler records it: a result after the TTL is not counted and expires the session', () => {
      const spec = given(HISTORY.submitted).when(
        vendorResult('evt_late', ALL_CLEAR, { now: EXPIRES_AT, vendorCreatedAt: at(30) }),
      );
      spec.thenMatches([
        { type: 'VendorResultReceived', data: { counted: false } },
        {
          type: 'VerificationExpired',
          data: { reasonCodes: ['SESSION_EXPIRED'], previousStatus: 'submitted' },
        },
      ]);
      expect(spec.state()).toMatchObject({ status: 'expired', reasonCodes: ['SESSION_EXPIRED'] });
      given(HISTORY.submitted)
        .when(command('SubmitEvidence', { now: EXPIRES_AT }))
        .thenThrows(SessionExpiredError, { code: 'verification_expired' });
      given(HISTORY.initiated)
        .when(command('StartCapture', { now: EXPIRES_AT }))
        .thenThrows(SessionExpiredError, { code: 'verification_expired' });
    });

    it('is not due a millisecond early', () => {
      given(HISTORY.submitted)
        .when(command('ExpireVerification', { now: '2026-11-29T09:59:59.999Z' }))
        .thenThrows(NotYetDueError, { code: 'not_yet_due', details: { expiresAt: EXPIRES_AT } });
    });
  });

  describe('EscalateReview', () => {
    it('escalates a review still open when its SLA ran out, once, one priority up', () => {
      const review = scoreReview(at(60));
      given(review)
        .when(command('EscalateReview', { now: at(59) }))
        .thenNothing();
      const spec = given(review).when(command('EscalateReview', { now: at(60) }));
      spec.then([
        {
          type: 'ReviewSlaBreached',
          data: {
            slaDueAt: at(60),
            priority: 4,
            escalatedPriority: 3,
            queue: 'test-review',
            escalationQueue: 'test-review',
            breachedAt: at(60),
          },
        },
      ]);
      expect(spec.state()).toMatchObject({ review: { priority: 3, escalatedAt: at(60) } });
      given([...review, ...spec.events()])
        .when(command('EscalateReview', { now: at(120) }))
        .thenNothing();
    });

    it('keeps priority 1 at 1 and records nothing for a decided session', () => {
      const spec = given(HISTORY.pending_review).when(COMMANDS.EscalateReview);
      spec.thenMatches([{ type: 'ReviewSlaBreached', data: { priority: 1, escalatedPriority: 1 } }]);
      given(HISTORY.approved).when(COMMANDS.EscalateReview).thenNothing();
    });
  });

  describe('status table', () => {
    const ALLOWED: Readonly<Record<VerificationCommand['type'], readonly VerificationStatus[]>> = {
      StartVerification: [],
      // Again while capture runs: a retry, which records nothing.
      StartCapture: ['initiated', 'needs_resubmission', 'capture_in_progress'],
      SubmitEvidence: ['initiated', 'capture_in_progress', 'submitted', 'needs_resubmission'],
      RecordVendorSession: ['initiated', 'capture_in_progress', 'submitted', 'needs_resubmission'],
      RecordVendorResult: VERIFICATION_STATUSES,
      AssignReviewer: ['pending_review'],
      CompleteReview: ['pending_review'],
      RequestOverride: ['approved', 'rejected'],
      ApproveOverride: ['approved', 'rejected'],
      RejectOverride: ['approved', 'rejected'],
      ExpireVerification: ['initiated', 'capture_in_progress', 'submitted', 'needs_resubmission'],
      // Closing a decided, expired or closed session records nothing.
      CloseVerification: VERIFICATION_STATUSES,
      // Escalating a review that is not (or no longer) open records nothing.
      EscalateReview: VERIFICATION_STATUSES,
    };
    /** What the person does on an expired session is refused as expired, one code whoever recorded it (I2). */
    const EXPIRED_ANSWER: readonly VerificationCommand['type'][] = ['StartCapture', 'SubmitEvidence'];
    const types = Object.keys(ALLOWED) as VerificationCommand['type'][];
    const refused = types.flatMap((type) =>
      VERIFICATION_STATUSES.filter(
        (status) =>
          !ALLOWED[type].includes(status) && !(status === 'expired' && EXPIRED_ANSWER.includes(type)),
      ).map((status) => [type, status] as const),
    );

    it.each(EXPIRED_ANSWER)(
      '%s on an expired session is verification_expired, not an illegal transition',
      (type) => {
        given(HISTORY.expired)
          .when(COMMANDS[type])
          .thenThrows(SessionExpiredError, {
            code: 'verification_expired',
            details: { expiresAt: EXPIRES_AT },
          });
      },
    );
    const allowed = types.flatMap((type) => ALLOWED[type].map((status) => [type, status] as const));

    it('covers every command', () => {
      expect(refused.length).toBeGreaterThan(40);
    });

    it.each(refused)('%s is refused while %s, naming both', (type, status) => {
      const error = given(HISTORY[status])
        .when(COMMANDS[type])
        .thenThrows(IllegalTransitionError, {
          code: 'illegal_transition',
          details: { command: type, currentStatus: status },
        });
      expect(error.message).toContain(type);
      expect(error.message).toContain(status);
    });

    it.each(allowed)('%s is not an illegal transition while %s', (type, status) => {
      expect(() => decideVerification(COMMANDS[type], fold(HISTORY[status]))).not.toThrow(
        IllegalTransitionError,
      );
    });

    it.each(types.filter((type) => type !== 'StartVerification'))(
      '%s on a session that does not exist is not found',
      (type) => {
        given([])
          .when(COMMANDS[type])
          .thenThrows(NotFoundError, { code: 'not_found', details: { what: 'verification', id: SESSION } });
      },
    );
  });

  describe('state', () => {
    /** Runs commands through decide and evolve, as the command handler does. */
    function journey(commands: readonly VerificationCommand[]): {
      events: VerificationEvent[];
      state: VerificationState;
    } {
      const events: VerificationEvent[] = [];
      let state = initialVerificationState;
      for (const next of commands) {
        const produced = decideVerification(next, state);
        events.push(...produced);
        state = produced.reduce(evolveVerification, state);
      }
      return { events, state };
    }

    const faceFail = [
      ALL_CLEAR[0]!,
      { kind: 'face_match' as const, result: 'fail' as const },
      ...ALL_CLEAR.slice(2),
    ];

    it('exposes what handlers and the status endpoint need, and no personal data', () => {
      const { events, state } = journey([
        COMMANDS.StartVerification,
        command('StartCapture', { now: at(1) }),
        command('SubmitEvidence', { evidenceId: 'evd_1', now: at(2) }),
        command('RecordVendorResult', {
          vendorEventId: 'evt_1',
          checks: faceFail,
          vendorCreatedAt: at(3),
          now: at(3),
        }),
        command('StartCapture', { now: at(4) }),
        command('SubmitEvidence', {
          evidenceId: 'evd_2',
          documentType: 'id_card',
          attributes: { address: PII.address },
          now: at(5),
        }),
        command('RecordVendorResult', {
          vendorEventId: 'evt_2',
          checks: ALL_CLEAR,
          vendorCreatedAt: at(6),
          now: at(6),
        }),
        command('RequestOverride', { overrideId: 'ovr_1', now: at(7) }),
      ]);
      expect(events.map((e) => e.type)).toEqual([
        'VerificationInitiated',
        'CaptureStarted',
        'EvidenceSubmitted',
        'VendorResultReceived',
        'DecisionEvaluated',
        'ResubmissionRequested',
        'CaptureStarted',
        'EvidenceSubmitted',
        'VendorResultReceived',
        'DecisionEvaluated',
        'VerificationApproved',
        'OverrideRequested',
      ]);
      expect(state).toEqual({
        status: 'approved',
        sessionId: SESSION,
        subjectId: SUBJECT,
        jurisdiction: 'DE',
        segment: 'retail',
        path: 'automatic',
        policyId: 'kyc-test',
        policyVersion: '2026-01-01',
        policyHash: POLICY.hash,
        tier: 'standard',
        requiredChecks: ['document', 'face_match', 'liveness', 'sanctions'],
        riskSignals: {},
        consentId: 'con_1',
        reasonCodes: [],
        decidedBy: 'policy',
        attempt: 2,
        attemptStartedAt: at(3),
        resubmissions: 1,
        maxResubmissions: 2,
        checks: ALL_CLEAR.map((check) => ({ ...check, vendor: 'onfido', vendorCreatedAt: at(6) })),
        expiresAt: EXPIRES_AT,
        pendingOverride: expect.objectContaining({
          overrideId: 'ovr_1',
          requestedBy: 'rev_alice',
          status: 'pending',
        }),
        overrides: new Map([['ovr_1', expect.objectContaining({ outcome: 'reject' })]]),
        vendorEventIds: new Set([vendorEventKey('onfido', 'evt_1'), vendorEventKey('onfido', 'evt_2')]),
        evidence: [
          expect.objectContaining({
            evidenceId: 'evd_1',
            attempt: 1,
            documentType: 'passport',
            submittedAt: at(2),
          }),
          expect.objectContaining({
            evidenceId: 'evd_2',
            attempt: 2,
            documentType: 'id_card',
            submittedAt: at(5),
          }),
        ],
        vendorSessions: [],
        createdAt: T0,
        updatedAt: at(7),
      });
      const everything = JSON.stringify(state, (_key, value: unknown) =>
        value instanceof Map || value instanceof Set ? [...value] : value,
      );
      for (const pii of PII_STRINGS) expect(everything).not.toContain(pii);
    });

    it('ignores events that make no sense in the current state rather than failing the stream', () => {
      expect(fold([captureStarted()])).toEqual({ status: 'none' });
      expect(session([initiated(), initiated({ jurisdiction: 'GB' })]).jurisdiction).toBe('DE');
      expect(
        session([
          ...HISTORY.approved,
          {
            type: 'OverrideRejected',
            data: { overrideId: 'ovr_x', approverId: 'a', approverRoles: [], reason: 'r', rejectedAt: at(9) },
          },
        ]).status,
      ).toBe('approved');
    });

    it('takes reason codes of the latest decision and remembers who decided', () => {
      expect(session(HISTORY.rejected)).toMatchObject({
        reasonCodes: ['AGE_BELOW_THRESHOLD'],
        decidedBy: 'policy',
      });
      expect(
        session([...HISTORY.pending_review, rejectedBy('reviewer', ['SANCTIONS_HIT'], at(9))]),
      ).toMatchObject({
        status: 'rejected',
        decidedBy: 'reviewer',
      });
      expect(session(HISTORY.pending_review)).toMatchObject({
        review: { priority: 1, queue: 'test-review' },
      });
      expect(session(HISTORY.pending_review).decidedBy).toBeUndefined();
    });

    it('recognises its own event types', () => {
      expect(VERIFICATION_EVENT_TYPES).toHaveLength(22);
      expect(VERIFICATION_EVENT_TYPES.every(isVerificationEventType)).toBe(true);
      expect(isVerificationEventType('ConsentGranted')).toBe(false);
    });

    it('evaluates each session under the policy it started with', () => {
      const next = testPolicy({ ...TEST_POLICY_DOCUMENT, version: '2026-02-01' });
      given(HISTORY.submitted)
        .when(command('RecordVendorResult', { policy: next }))
        .thenThrows(PolicyMismatchError, {
          details: { sessionPolicyHash: POLICY.hash, givenPolicyHash: next.hash },
        });
    });
  });

  describe('with the shipped default policy', () => {
    const shipped = loadPolicies(join(__dirname, '../../../policies'))
      .filter((p) => p.document.policyId === 'kyc-default')
      .sort((a, b) => a.document.effectiveFrom.localeCompare(b.document.effectiveFrom))
      .at(-1);

    it('approves an all-clear DE retail session and rejects an embargoed one', () => {
      expect(shipped).toBeDefined();
      const policy = shipped!;
      const consent = { ...CONSENT, policyHash: policy.hash };
      const start = command('StartVerification', { policy, consent });
      const started = decideVerification(start, initialVerificationState);
      const state = [
        ...started,
        ...decideVerification(
          command('SubmitEvidence', { policy }),
          started.reduce(evolveVerification, initialVerificationState),
        ),
      ].reduce(evolveVerification, initialVerificationState);
      const produced = decideVerification(
        command('RecordVendorResult', { policy, checks: ALL_CLEAR }),
        state,
      );
      expect(produced.map((e) => e.type)).toEqual([
        'VendorResultReceived',
        'DecisionEvaluated',
        'VerificationApproved',
      ]);

      const embargoed = decideVerification(
        command('StartVerification', { policy, consent, jurisdiction: 'IR' }),
        initialVerificationState,
      );
      expect(embargoed.map((e) => e.type)).toEqual([
        'VerificationInitiated',
        'DecisionEvaluated',
        'VerificationRejected',
      ]);
    });
  });
});
