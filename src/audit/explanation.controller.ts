import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  Logger,
  Param,
  Query,
  UseFilters,
} from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { LedgerCorruptError } from '../events';
import { PROBLEM_TYPE_BASE } from '../platform/http/problem-details.filter';
import { ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { REASON_CODE_LIST } from '../domain/reason-codes';
import { VERIFICATION_STATUSES } from '../domain/verification/verification.events';
import { ApiEndpoint } from '../platform/http/openapi';
import { CurrentPrincipal, Roles } from '../platform/auth/auth.decorators';
import { hasRole, type Principal } from '../platform/auth/principal';
import { AggregateRunner } from '../commands/aggregate-runner';
import { subjectAggregate } from '../commands/aggregates';
import { restrictionOf, type SubjectState } from '../domain/subject';
import { PiiCipher } from '../ledger/crypto/pii-cipher';
import type { LedgerEvent } from '../ledger/envelope';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { parsePointInTime, stoodAt } from '../platform/http/point-in-time';
import { NotFoundError } from '../domain/shared/domain-error';
import { Ledger } from '../ledger/ledger';
import { subjectStream, verificationStream } from '../ledger/stream-names';
import { type ShadowEvaluation, ShadowEvaluationRepository } from '../policy-lab';
import { type Explanation, explain } from './explanation';

export const JUSTIFICATION_STATES = ['clear', 'withheld', 'shredded', 'restricted'] as const;
export type JustificationState = (typeof JUSTIFICATION_STATES)[number];

/** The event that proves a statement. */
export class CitationView {
  @ApiProperty() eventId!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ description: 'Chain hash of the event' }) hash!: string;
}

export class ActorView {
  @ApiProperty({ enum: ['user', 'service', 'vendor', 'system'] }) kind!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
}

export class InvariantView {
  @ApiProperty({ description: 'Decision invariant id (docs/decision-invariants.md)', example: 'I1' })
  id!: string;
  @ApiProperty() title!: string;
}

export class ExplainedCodeView {
  @ApiProperty({ enum: REASON_CODE_LIST }) code!: string;
  @ApiProperty() category!: string;
  @ApiProperty() remediation!: string;
  @ApiProperty() description!: string;
  @ApiPropertyOptional({ type: InvariantView, description: 'The decision invariant the code stands for' })
  invariant?: InvariantView;
}

export class DecisionView {
  @ApiProperty({ enum: ['approved', 'rejected', 'expired', 'closed'] }) outcome!: string;
  @ApiProperty({ enum: ['policy', 'reviewer', 'override', 'expiry', 'subject'] }) decidedBy!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: ActorView }) actor!: ActorView;
  @ApiProperty({ type: [ExplainedCodeView] }) reasonCodes!: ExplainedCodeView[];
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class ExplanationAsOfView {
  @ApiProperty() position!: number;
  @ApiProperty({ type: String, nullable: true }) recordedAt!: string | null;
}

export class PolicyInForceView {
  @ApiProperty() policyId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'SHA-256 of the canonical policy document' }) hash!: string;
  @ApiProperty() jurisdiction!: string;
  @ApiProperty() segment!: string;
  @ApiProperty({ description: 'How the policy was chosen for the session' }) path!: string;
  @ApiProperty() tier!: string;
  @ApiProperty({ type: [String] }) requiredChecks!: string[];
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

/** One rule the evaluator applied: which, on what (never personal data), against what, with what result. */
export class RuleTraceEntryView {
  @ApiProperty() ruleId!: string;
  @ApiProperty({ enum: ['pass', 'fail', 'review', 'resubmit', 'missing', 'not_applicable', 'wait'] })
  result!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Check kinds, results, scores',
  })
  inputs?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'What the inputs were compared against (a number, a list, …)',
    oneOf: [
      { type: 'number' },
      { type: 'string' },
      { type: 'boolean' },
      { type: 'array', items: {} },
      { type: 'object', additionalProperties: true, nullable: true },
    ],
  })
  threshold?: unknown;
  @ApiPropertyOptional({ type: [String] }) reasonCodes?: string[];
}

export class EvaluationView {
  @ApiProperty({ description: 'approve, review, reject, resubmit, step_up or incomplete' }) outcome!: string;
  @ApiProperty() attempt!: number;
  @ApiProperty() tier!: string;
  @ApiProperty({ description: 'What made the evaluation run (a vendor result, a reopen, …)' })
  trigger!: string;
  @ApiProperty() policyHash!: string;
  @ApiProperty({ type: [ExplainedCodeView] }) reasonCodes!: ExplainedCodeView[];
  @ApiProperty({ type: [RuleTraceEntryView] }) ruleTrace!: RuleTraceEntryView[];
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class VendorCheckView {
  @ApiProperty({ description: 'document, face_match, liveness, sanctions, pep, address, age' }) kind!: string;
  @ApiProperty({ enum: ['clear', 'consider', 'fail', 'error'] }) result!: string;
  @ApiPropertyOptional() score?: number;
  @ApiPropertyOptional({ type: [String] }) reasonCodes?: string[];
}

export class FetchedFromView {
  @ApiProperty({ description: 'The vendor object read: Onfido check, Persona inquiry, Veriff session' })
  objectId!: string;
  @ApiProperty({ description: 'find_check, retrieve_inquiry, get_decision' }) operation!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The vendor’s id of that request' })
  vendorRequestId!: string | null;
  @ApiProperty() fetchedAt!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class VendorResultView {
  @ApiProperty() vendor!: string;
  @ApiProperty() vendorEventId!: string;
  @ApiProperty() vendorCreatedAt!: string;
  @ApiProperty() attempt!: number;
  @ApiProperty({ description: 'False when the result arrived too late or duplicated another' })
  counted!: boolean;
  @ApiProperty({ type: [VendorCheckView] }) checks!: VendorCheckView[];
  @ApiProperty({
    type: FetchedFromView,
    nullable: true,
    description:
      'Set when the server fetched the result from the vendor’s API (a delivery only announced it)',
  })
  fetched!: FetchedFromView | null;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class VendorSessionView {
  @ApiProperty() vendor!: string;
  @ApiProperty({ description: 'The vendor’s id of its applicant, session or inquiry' })
  vendorReference!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The vendor’s id of the request that opened it' })
  vendorRequestId!: string | null;
  @ApiProperty() attempt!: number;
  @ApiProperty() openedAt!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class VendorFailureView {
  @ApiProperty() vendor!: string;
  @ApiProperty({ description: 'e.g. create_applicant, create_sdk_token' }) operation!: string;
  @ApiProperty({ description: 'Class of the failure (never the vendor’s response body)' })
  errorClass!: string;
  @ApiProperty({ type: Number, nullable: true }) httpStatus!: number | null;
  @ApiProperty({ type: String, nullable: true }) vendorRequestId!: string | null;
  @ApiProperty({ description: 'Attempts made, retries included' }) attempts!: number;
  @ApiProperty() failedAt!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class DuplicateIdentityView {
  @ApiProperty() evidenceId!: string;
  @ApiProperty({ description: 'The other subject’s session with the same identity (its id only)' })
  otherSessionId!: string;
  @ApiProperty({ enum: ['document', 'name_and_birth_date'], description: 'Which identity matched' })
  match!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class VendorQueuedView {
  @ApiProperty() vendor!: string;
  @ApiProperty({ description: 'vendor_unavailable' }) reason!: string;
  @ApiProperty({ description: 'What the person is told (VENDOR_DELAYED)' }) messageCode!: string;
  @ApiProperty() queuedAt!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class VendorFallbackView {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty({ description: 'vendor_unavailable' }) reason!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'The policy’s temporary fallback rule that allowed `to`, when it is not in the regular order',
  })
  rule!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Until when that rule is in force' })
  ruleExpiresAt!: string | null;
  @ApiProperty() chosenAt!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class ReviewView {
  @ApiProperty() reviewerId!: string;
  @ApiProperty() outcome!: string;
  @ApiProperty({ type: [ExplainedCodeView] }) reasonCodes!: ExplainedCodeView[];
  @ApiProperty({
    description: 'Whether the reviewer wrote a note (the note is personal data, never shown here)',
  })
  hasNote!: boolean;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class OverrideView {
  @ApiProperty() overrideId!: string;
  @ApiProperty() requestedBy!: string;
  @ApiProperty() outcome!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The requester's justification (free text, encrypted as review_notes): shown only to roles that decide " +
      'overrides (senior_reviewer, admin) and only while readable; null otherwise, with justificationState saying why',
  })
  justification!: string | null;
  @ApiProperty({
    enum: JUSTIFICATION_STATES,
    description:
      'clear: shown; withheld: your role does not read free text; shredded: review_notes was shredded; ' +
      'restricted: kept after an erasure request for a legal obligation or hold, not disclosed',
  })
  justificationState!: JustificationState;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: [String] }) decidedByRoles!: string[];
  @ApiProperty({ type: CitationView }) requestProof!: CitationView;
  @ApiProperty({ type: CitationView, nullable: true }) decisionProof!: CitationView | null;
}

export class WithdrawalView {
  @ApiProperty() at!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

export class ConsentInForceView {
  @ApiProperty() consentId!: string;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty() noticeVersion!: string;
  @ApiPropertyOptional({ description: 'SHA-256 of the exact notice text agreed to' }) noticeHash?: string;
  @ApiProperty() grantedAt!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
  @ApiProperty({
    type: WithdrawalView,
    nullable: true,
    description: 'Set when the person withdrew this consent',
  })
  withdrawn!: WithdrawalView | null;
}

export class ExplanationTimelineEntryView {
  @ApiProperty() type!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: ActorView }) actor!: ActorView;
  @ApiProperty({ enum: VERIFICATION_STATUSES }) statusAfter!: string;
  @ApiProperty({ type: CitationView }) proof!: CitationView;
}

/**
 * What a shadow policy (docs/policy-lab.md, "Shadow mode") would have said at one of the session's evaluations:
 * never a decision, recorded beside the ledger, not in it.
 */
export class ShadowEvaluationView {
  @ApiProperty() policyId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'SHA-256 of the canonical JSON of the shadow policy' }) hash!: string;
  @ApiProperty({ description: 'Global position of the recorded evaluation (its DecisionEvaluated)' })
  position!: number;
  @ApiProperty({ description: 'The outcome the policy in force recorded' }) recordedOutcome!: string;
  @ApiProperty({
    description:
      'What the shadow policy would have said: approve, review, reject, resubmit, step_up, wait, incomplete or not_applicable',
  })
  shadowOutcome!: string;
  @ApiProperty({ type: [String] }) shadowReasonCodes!: string[];
  @ApiProperty({ description: 'Another outcome or other reason codes than recorded' }) differs!: boolean;
}

/** An explanation with what the shadow policies would have said (`shadow`). */
/** The explanation as one caller may see it: free text only for the roles that may read it. */
export type ShownExplanation = Omit<Explanation, 'overrides'> & {
  readonly overrides: readonly (Explanation['overrides'][number] & {
    readonly justificationState: JustificationState;
  })[];
};

export type ExplanationWithShadow = ShownExplanation & { readonly shadow: ShadowEvaluationView[] };

/** Who reads override justifications in an explanation: the roles that decide overrides (admin holds every role). */
const JUSTIFICATION_READERS = ['senior_reviewer'] as const;

/** `GET /v1/verifications/{sessionId}/explanation`: every statement cites the event that proves it. */
export class ExplanationView {
  @ApiProperty() sessionId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ enum: VERIFICATION_STATUSES, description: 'Status as the ledger stood at asOf' })
  status!: string;
  @ApiProperty({ type: ExplanationAsOfView }) asOf!: ExplanationAsOfView;
  @ApiProperty({ description: 'One sentence for people; the structured fields are the authority' })
  summary!: string;
  @ApiProperty({ type: DecisionView, nullable: true }) decision!: DecisionView | null;
  @ApiProperty({ type: DecisionView, nullable: true, description: 'The decision an override replaced' })
  originalDecision!: DecisionView | null;
  @ApiProperty({ type: String, nullable: true, description: 'For an undecided session: what it waits for' })
  waitingFor!: string | null;
  @ApiProperty({ type: PolicyInForceView, description: 'Policy version, path, tier and required checks' })
  policy!: PolicyInForceView;
  @ApiProperty({ type: [EvaluationView], description: 'Every policy evaluation with its rule trace' })
  evaluations!: EvaluationView[];
  @ApiProperty({ type: [VendorSessionView], description: 'Sessions the server opened at vendors' })
  vendorSessions!: VendorSessionView[];
  @ApiProperty({ type: [VendorFailureView], description: 'Vendor calls that failed after their retries' })
  vendorFailures!: VendorFailureView[];
  @ApiProperty({ type: [VendorFallbackView], description: 'Where the policy’s next vendor was tried' })
  vendorFallbacks!: VendorFallbackView[];
  @ApiProperty({
    type: [VendorQueuedView],
    description: 'Where no vendor could open the session and it waited for one (waiting_for_vendor)',
  })
  vendorQueued!: VendorQueuedView[];
  @ApiProperty({
    type: [DuplicateIdentityView],
    description: 'Evidence whose identity matched another subject’s session (keyed blind index)',
  })
  duplicateIdentities!: DuplicateIdentityView[];
  @ApiProperty({ type: [VendorResultView] }) vendorResults!: VendorResultView[];
  @ApiProperty({ type: [ReviewView] }) reviews!: ReviewView[];
  @ApiProperty({ type: [OverrideView] }) overrides!: OverrideView[];
  @ApiProperty({
    type: ConsentInForceView,
    nullable: true,
    description: 'The consent in force for identity_verification when decided (or at asOf)',
  })
  consent!: ConsentInForceView | null;
  @ApiProperty({ type: [ExplanationTimelineEntryView] }) timeline!: ExplanationTimelineEntryView[];
  @ApiProperty({
    type: [ShadowEvaluationView],
    description:
      'What each shadow policy in force would have said at the session’s evaluations (not a decision; docs/policy-lab.md)',
  })
  shadow!: ShadowEvaluationView[];
}

/**
 * A stored event that does not decode answers 500 `ledger_corrupt` naming the event (id and position, never its
 * content), so an operator can find it; the explanation is never guessed around it.
 */
@Catch(LedgerCorruptError)
export class LedgerCorruptFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: LedgerCorruptError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    this.logger.error({
      msg: 'request failed',
      code: error.code,
      eventId: error.eventId,
      position: error.position,
    });
    response
      .status(error.httpStatus)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: `${PROBLEM_TYPE_BASE}${error.code}`,
          title: 'ledger corrupt',
          status: error.httpStatus,
          code: error.code,
          detail: 'a stored event does not decode: the explanation is not given rather than guessed',
          eventId: error.eventId,
          position: error.position,
          instance: '/v1/verifications/{sessionId}/explanation',
        }),
      );
  }
}

@ApiTags('audit')
@Controller('v1/verifications')
@UseFilters(LedgerCorruptFilter)
export class ExplanationController {
  private readonly shadows: ShadowEvaluationRepository;

  constructor(
    private readonly ledger: Ledger,
    private readonly runner: AggregateRunner,
    private readonly cipher: PiiCipher,
    dataSource: DataSource,
  ) {
    this.shadows = new ShadowEvaluationRepository(dataSource);
  }

  @Get(':sessionId/explanation')
  @Roles('reviewer', 'senior_reviewer', 'auditor')
  @ApiEndpoint({
    summary: 'Why approved or rejected, each statement citing the event that proves it',
    description:
      'Decision, policy and rule trace, vendor results, reviews, overrides and consent, each with the ' +
      'ledger event that proves it (checkable against the chain and a signed checkpoint).',
    operationId: 'explainVerification',
    response: ExplanationView,
    problems: ['validation_failed', 'not_found', 'ledger_corrupt', 'event_store_unavailable'],
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO time: the answer as the ledger stood then' })
  @ApiQuery({
    name: 'atPosition',
    required: false,
    description: 'Global position: the answer as of that event',
  })
  async explanation(
    @CurrentPrincipal() principal: Principal,
    @Param('sessionId', new ParseIdPipe('sessionId')) sessionId: string,
    @Query('asOf') asOf?: string,
    @Query('atPosition') atPosition?: string,
  ): Promise<ExplanationWithShadow> {
    const point = parsePointInTime(asOf, atPosition);
    const counts = stoodAt(point);
    // Point-in-time reconstruction reads the ledger itself (docs/architecture.md, "The data path"), not a read model.
    const session = (await this.ledger.readStream(verificationStream(sessionId))).filter(counts);
    const subjectId = session.find((e) => e.type === 'VerificationInitiated')?.data.subjectId;
    const subject =
      typeof subjectId === 'string'
        ? (await this.ledger.readStream(subjectStream(subjectId))).filter(counts)
        : [];
    const result = explain(session, subject, point?.throughPosition);
    if (!result) throw new NotFoundError('verification', sessionId);
    const shown = await this.withJustifications(result, session, principal);
    // Shadow rows of the evaluations the explanation shows (the same point in time).
    const evaluated = new Set(session.filter((e) => e.type === 'DecisionEvaluated').map((e) => e.position));
    const rows = (await this.shadows.forSession(sessionId)).filter((row) => evaluated.has(row.position));
    return withShadow(shown, rows);
  }

  /**
   * Override justifications as this caller may see them: decrypted for the roles that decide overrides, unless
   * review_notes was shredded or an erasure request restricts it; withheld from everyone else. Justifications
   * recorded before free text was encrypted are in the event in clear and follow the same rule.
   */
  private async withJustifications(
    explanation: Explanation,
    session: readonly LedgerEvent[],
    principal: Principal,
  ): Promise<ShownExplanation> {
    const reads = JUSTIFICATION_READERS.some((role) => hasRole(principal, role));
    let subject: SubjectState | undefined;
    const overrides = [];
    for (const override of explanation.overrides) {
      if (!reads) {
        overrides.push({ ...override, justification: null, justificationState: 'withheld' as const });
        continue;
      }
      const requested = session.find(
        (e) => e.type === 'OverrideRequested' && e.data.overrideId === override.overrideId,
      );
      if (requested?.pii === null || requested?.pii === undefined) {
        overrides.push({
          ...override,
          justificationState: override.justification === null ? ('shredded' as const) : ('clear' as const),
        });
        continue;
      }
      subject ??= (
        await this.runner.load(subjectAggregate(explanation.subjectId), subjectStream(explanation.subjectId))
      ).state;
      if (restrictionOf(subject, 'review_notes', requested.metadata.recordedAt) !== undefined) {
        overrides.push({ ...override, justification: null, justificationState: 'restricted' as const });
        continue;
      }
      const clear = (await this.cipher.decrypt(requested.eventId, requested.pii)).review_notes;
      const text = clear?.state === 'clear' ? clear.value.justification : undefined;
      overrides.push(
        typeof text === 'string'
          ? { ...override, justification: text, justificationState: 'clear' as const }
          : { ...override, justification: null, justificationState: 'shredded' as const },
      );
    }
    return { ...explanation, overrides };
  }
}

/**
 * Adds the shadow evaluations, and to the summary one sentence per shadow policy whose answer differs at the
 * latest shadowed evaluation: clearly what it would have been, not what was decided.
 */
export function withShadow(
  explanation: ShownExplanation,
  rows: readonly ShadowEvaluation[],
): ExplanationWithShadow {
  const shadow = rows.map((row): ShadowEvaluationView => ({
    policyId: row.shadowPolicyId,
    version: row.shadowPolicyVersion,
    hash: row.shadowPolicyHash,
    position: row.position,
    recordedOutcome: row.recordedOutcome,
    shadowOutcome: row.shadowOutcome,
    shadowReasonCodes: [...row.shadowReasonCodes],
    differs: row.differs,
  }));
  const latest = Math.max(...rows.map((row) => row.position));
  const sentences = shadow
    .filter((row) => row.position === latest && row.differs)
    .map(
      (row) =>
        `Under the shadow policy ${row.policyId} ${row.version} this evaluation would have been ${row.shadowOutcome} (${row.shadowReasonCodes.join(', ') || 'no reason codes'}).`,
    );
  const summary = [explanation.summary, ...sentences].filter((text) => text !== '').join(' ');
  return { ...explanation, summary, shadow };
}
