import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../commands/command-context';
import type { DuplicateMatch, LoadedPolicy } from '../domain/policy/policy.types';
import { IdentityIndex, type IdentityToken } from '../ledger/crypto/identity-index';
import {
  consentInForce,
  type ConsentSnapshot,
  ProcessingRestrictedError,
  processingRestriction,
  type SubjectState,
  standingOf,
} from '../domain/subject';
import {
  decideVerification as decide,
  verificationCommand,
  type SubjectStanding,
  UNDECIDED_STATUSES,
  type VerificationCommand,
  type VerificationState,
} from '../domain/verification';
import { subjectStream, verificationStream } from '../ledger/stream-names';
import { PolicyRegistry } from '../policies/policy-registry';
import { CLOCK, type Clock } from '../shared/clock';
import { uuidV5 } from '../shared/deterministic-uuid';
import { AggregateRunner } from '../commands/aggregate-runner';
import { PolicyUnavailableError, TooManyAttemptsError } from '../commands/command.errors';
import { subjectAggregate } from '../commands/aggregates';
import { verificationAggregate } from '../commands/aggregates';

function assertNotRestricted(subjectId: string, state: SubjectState): void {
  const restriction = processingRestriction(state, 'identity_verification');
  if (restriction !== undefined) throw new ProcessingRestrictedError(subjectId, restriction.requestId);
}

type Generated<T> =
  | 'sessionId'
  | 'now'
  | 'policy'
  | 'consent'
  | 'subject'
  | (T extends 'RequestOverride' ? 'overrideId' : never);

/** Commands whose decision depends on where the person stands (consent, erasure) at that moment. */
const NEEDS_STANDING = new Set<string>([
  'StartCapture',
  'RecordVendorSession',
  'SubmitEvidence',
  'RecordVendorResult',
  'CompleteReview',
  'ApproveOverride',
]);

type WithoutContext<C extends VerificationCommand> = C extends { type: infer T; data: infer D }
  ? { type: T } & Omit<D, Generated<T>>
  : never;

/** A verification command as the API hands it over: no session id, clock, policy or generated ids yet. */
export type VerificationInput = WithoutContext<VerificationCommand>;

export class VerificationCommandCommand {
  constructor(
    /** Undefined for StartVerification: the handler makes the id. */
    readonly sessionId: string | undefined,
    readonly input: VerificationInput,
    readonly context: CommandContext,
    /** StartVerification: start another attempt even while one is undecided. */
    readonly options: { readonly newAttempt?: boolean } = {},
  ) {}
}

export interface VerificationCommandResult {
  readonly sessionId: string;
  readonly state: VerificationState;
  readonly revision: number;
  readonly position: number;
  readonly overrideId?: string;
  /** StartVerification: the subject's undecided session was returned instead of a new one. */
  readonly reused?: boolean;
  /** How many events this command appended (0: it changed nothing, e.g. a repeat). */
  readonly appended?: number;
}

/** How many attempts of one subject, jurisdiction and segment a start looks through (a guard, not a policy). */
const MAX_SESSION_SLOTS = 10_000;

/**
 * The id of a subject's n-th session for a jurisdiction and segment. Deterministic, so that two starts racing
 * for the same slot meet on one stream and the event store's optimistic concurrency lets only one create it:
 * retries and back-button navigation cannot create duplicate attempts (docs/decision-invariants.md, I11).
 */
export function sessionSlotId(
  subjectId: string,
  jurisdiction: string,
  segment: string,
  slot: number,
): string {
  return uuidV5(`kyc-session\n${subjectId}\n${jurisdiction}\n${segment}\n${slot}`);
}

/** A session a new start returns instead of creating another: undecided, and not past its time to live. */
function reusable(state: VerificationState, now: Date): boolean {
  if (state.status === 'none' || !UNDECIDED_STATUSES.includes(state.status)) return false;
  return state.status === 'pending_review' || now.getTime() < Date.parse(state.expiresAt);
}

/**
 * Every verification command: resolves what the pure decider needs (session id, time, the policy the session
 * runs under, the subject's consent in force) and runs the command loop.
 */
@CommandHandler(VerificationCommandCommand)
export class VerificationCommandHandler implements ICommandHandler<
  VerificationCommandCommand,
  VerificationCommandResult
> {
  constructor(
    private readonly runner: AggregateRunner,
    private readonly policies: PolicyRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identities: IdentityIndex,
  ) {}

  async execute({
    sessionId: given,
    input,
    context,
    options,
  }: VerificationCommandCommand): Promise<VerificationCommandResult> {
    const now = this.clock.now();
    const derive = (what: string): string =>
      context.idempotencyScope === undefined ? randomUUID() : uuidV5(`${context.idempotencyScope}\n${what}`);
    const newAttempt = options.newAttempt === true;
    const sessionId =
      given ??
      (input.type === 'StartVerification' ? await this.sessionSlot(input, newAttempt, now) : randomUUID());
    const overrideId = input.type === 'RequestOverride' ? derive('override') : undefined;
    let reused = false;
    // Evidence with an identity: its keyed blind-index tokens, looked up against other subjects' evidence.
    let identity: { subjectId: string; tokens: readonly IdentityToken[] } | undefined;

    let consent: ConsentSnapshot | undefined;
    if (input.type === 'StartVerification') {
      const subject = await this.runner.load(
        subjectAggregate(input.subjectId),
        subjectStream(input.subjectId),
      );
      consent = consentInForce(subject.state, 'identity_verification');
      assertNotRestricted(input.subjectId, subject.state);
    }

    const outcome = await this.runner.run(
      verificationAggregate,
      verificationStream(sessionId),
      async (state) => {
        if (input.type === 'StartVerification' && state.status !== 'none') {
          // Another start took this slot first (a retry racing the original): return its session.
          reused = true;
          return [];
        }
        const subject = NEEDS_STANDING.has(input.type) ? await this.standing(state) : undefined;
        let duplicateOf: DuplicateMatch | undefined;
        if (input.type === 'SubmitEvidence' && input.kind === 'document' && state.status !== 'none') {
          const tokens = await this.identities.tokens(input.attributes, input.issuingCountry);
          identity = { subjectId: state.subjectId, tokens };
          const match = await this.identities.match(tokens, state.subjectId);
          if (match !== undefined) duplicateOf = { sessionId: match.sessionId, match: match.kind };
        }
        // Built, then decided: a malformed input is refused here, before the decider looks at the session.
        const command = verificationCommand(
          this.toCommand(input, state, { sessionId, now, consent, overrideId, subject, duplicateOf }),
        );
        return decide(command, state);
      },
      context,
    );
    if (identity !== undefined && identity.tokens.length > 0 && outcome.appended.length > 0) {
      // After the append: an identity is indexed only once its evidence is in the ledger (and its follower
      // indexes it from the ledger in any case; this makes it visible to the next submission at once).
      await this.identities.record(
        identity.tokens,
        identity.subjectId,
        sessionId,
        now.toISOString(),
        outcome.position,
      );
    }
    return {
      sessionId,
      state: outcome.state,
      revision: outcome.revision,
      position: outcome.position,
      ...(overrideId === undefined ? {} : { overrideId }),
      ...(input.type === 'StartVerification' ? { reused } : {}),
      appended: outcome.appended.length,
    };
  }

  /**
   * The session a start writes to: the first free slot of the subject for this jurisdiction and segment, or
   * the undecided session in an earlier slot (reused), unless a new attempt is asked for.
   */
  private async sessionSlot(
    input: { subjectId: string; jurisdiction: string; segment: string },
    newAttempt: boolean,
    now: Date,
  ): Promise<string> {
    for (let slot = 1; slot <= MAX_SESSION_SLOTS; slot += 1) {
      const sessionId = sessionSlotId(input.subjectId, input.jurisdiction, input.segment, slot);
      const { state } = await this.runner.load(verificationAggregate, verificationStream(sessionId));
      if (state.status === 'none' || (!newAttempt && reusable(state, now))) return sessionId;
    }
    throw new TooManyAttemptsError(MAX_SESSION_SLOTS);
  }

  /** Where the session's subject stands now (read inside the command loop, so a retry reads it again). */
  private async standing(session: VerificationState): Promise<SubjectStanding> {
    if (session.status === 'none') return { consentInForce: true }; // the decider answers for an unknown session
    const subject = await this.runner.load(
      subjectAggregate(session.subjectId),
      subjectStream(session.subjectId),
    );
    return standingOf(subject.state);
  }

  private toCommand(
    input: VerificationInput,
    state: VerificationState,
    extra: {
      sessionId: string;
      now: Date;
      consent: ConsentSnapshot | undefined;
      overrideId: string | undefined;
      subject: SubjectStanding | undefined;
      duplicateOf?: DuplicateMatch | undefined;
    },
  ): VerificationCommand {
    const base = { sessionId: extra.sessionId, now: extra.now.toISOString() };
    const subject = extra.subject ?? { consentInForce: false };
    switch (input.type) {
      case 'StartVerification': {
        const { type, ...data } = input;
        return {
          type,
          data: { ...data, ...base, consent: extra.consent, policy: this.policies.active(extra.now) },
        };
      }
      case 'SubmitEvidence': {
        // A duplicate is what the blind index found, never what a caller says.
        const { type, duplicateOf: _given, ...data } = input;
        const duplicateOf = extra.duplicateOf === undefined ? {} : { duplicateOf: extra.duplicateOf };
        return {
          type,
          data: { ...data, ...base, ...duplicateOf, policy: this.sessionPolicy(state), subject },
        };
      }
      case 'StartCapture':
      case 'RecordVendorSession': {
        const { type, ...data } = input;
        return { type, data: { ...data, ...base, subject } } as VerificationCommand;
      }
      case 'EscalateReview': {
        const { type, ...data } = input;
        return { type, data: { ...data, ...base, policy: this.sessionPolicy(state) } };
      }
      case 'RecordVendorResult':
      case 'CompleteReview':
      case 'ApproveOverride': {
        const { type, ...data } = input;
        return {
          type,
          data: { ...data, ...base, policy: this.sessionPolicy(state), subject },
        } as VerificationCommand;
      }
      case 'RequestOverride': {
        const { type, ...data } = input;
        return { type, data: { ...data, ...base, overrideId: extra.overrideId ?? randomUUID() } };
      }
      case 'AssignReviewer':
      case 'RejectOverride':
      case 'ExpireVerification':
      case 'CloseVerification': {
        const { type, ...data } = input;
        return { type, data: { ...data, ...base } } as VerificationCommand;
      }
    }
  }

  /** The policy version the session was started under; a session never switches policy midway. */
  private sessionPolicy(state: VerificationState): LoadedPolicy {
    if (state.status === 'none') return this.policies.active(this.clock.now());
    const hash = state.policyHash;
    const policy = this.policies.byHash(hash);
    if (!policy) throw new PolicyUnavailableError(hash);
    return policy;
  }
}
