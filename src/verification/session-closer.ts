import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError } from '../domain/shared/domain-error';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { onAbort, type Worker, type WorkerContext, WorkerSupervisor } from '../platform/workers';
import {
  parseStreamName,
  SUBJECT_STREAM_PREFIX,
  subjectStream,
  VERIFICATION_STREAM_PREFIX,
} from '../ledger/stream-names';
import { AggregateRunner } from '../commands/aggregate-runner';
import { subjectAggregate } from '../commands/aggregates';
import { standingOf } from '../domain/subject';
import { VerificationCommandCommand } from './verification-command.handler';

/** Events after which a session has a decision (or an end) and needs no closing. */
const ENDING_EVENTS = new Set([
  'VerificationApproved',
  'VerificationRejected',
  'VerificationExpired',
  'VerificationClosed',
]);

/** Subject events that can end the person's standing behind open sessions. */
const STANDING_EVENTS = new Set(['ConsentWithdrawn', 'ErasureRequested']);

/**
 * Closes the undecided sessions of a person who withdrew consent or asked for erasure (docs/decision-invariants.md,
 * I1). It follows the subject and verification streams of the global log from the start, keeps which sessions of
 * each subject are undecided, and once caught up issues CloseVerification for them. The deciders enforce the
 * invariant on their own at the moment of deciding; this makes the ledger say so promptly rather than at the next
 * vendor result. Several instances may run it: closing a closed session records nothing.
 */
@Injectable()
export class SessionCloser implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SessionCloser.name);
  /** Subject id → its sessions without a decision. */
  private readonly undecided = new Map<string, Set<string>>();
  /** Session id → subject id, for every session seen (a reopened review needs it after an approval). */
  private readonly subjectOf = new Map<string, string>();
  /** Subjects whose standing changed, to look at once the follower has caught up. */
  private readonly dirty = new Set<string>();
  private caughtUp = false;
  private worker: Worker | undefined;
  private draining: Promise<void> = Promise.resolve();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandBus,
    private readonly runner: AggregateRunner,
    private readonly workers: WorkerSupervisor,
  ) {}

  onApplicationBootstrap(): void {
    // A follower that fails starts again from the start of the log; closing a closed session records nothing.
    this.worker = this.workers.start({
      name: 'session-closer',
      role: 'schedulers',
      run: (context) => this.follow(context),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
    await this.draining;
  }

  /** Waits until every subject marked so far has been looked at (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.draining;
      await current;
    } while (current !== this.draining);
  }

  private async follow(context: WorkerContext): Promise<void> {
    this.caughtUp = false;
    const subscription = this.store.subscribeAll({
      filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX, SUBJECT_STREAM_PREFIX] },
    });
    const forget = onAbort(context.signal, () => subscription.close());
    try {
      for await (const message of subscription) {
        if (message.kind === 'caught_up') {
          context.succeeded();
          this.caughtUp = true;
          this.drain();
          continue;
        }
        const { event } = message;
        const parsed = parseStreamName(event.stream);
        if (parsed === undefined || parsed.kind === 'checkpoints') continue;
        if (parsed.kind === 'subject') {
          if (STANDING_EVENTS.has(event.type)) {
            this.dirty.add(parsed.id);
            if (this.caughtUp) this.drain();
          }
          continue;
        }
        const sessionId = parsed.id;
        if (event.type === 'VerificationInitiated' && typeof event.data.subjectId === 'string') {
          this.subjectOf.set(sessionId, event.data.subjectId);
          this.mark(event.data.subjectId, sessionId, true);
        } else if (event.type === 'ReviewRequested') {
          const subjectId = this.subjectOf.get(sessionId);
          if (subjectId !== undefined) this.mark(subjectId, sessionId, true);
        } else if (ENDING_EVENTS.has(event.type)) {
          const subjectId = this.subjectOf.get(sessionId);
          if (subjectId !== undefined) this.mark(subjectId, sessionId, false);
        }
      }
    } finally {
      forget();
      await subscription.close();
    }
  }

  private mark(subjectId: string, sessionId: string, open: boolean): void {
    const sessions = this.undecided.get(subjectId) ?? new Set<string>();
    if (open) sessions.add(sessionId);
    else sessions.delete(sessionId);
    if (sessions.size === 0) this.undecided.delete(subjectId);
    else this.undecided.set(subjectId, sessions);
  }

  private drain(): void {
    this.draining = this.draining.then(() => this.closeDirty());
  }

  private async closeDirty(): Promise<void> {
    for (const subjectId of [...this.dirty]) {
      this.dirty.delete(subjectId);
      const sessions = [...(this.undecided.get(subjectId) ?? [])];
      if (sessions.length === 0) continue;
      try {
        const subject = await this.runner.load(subjectAggregate(subjectId), subjectStream(subjectId));
        const standing = standingOf(subject.state);
        if (standing.consentInForce && standing.erasureRequestId === undefined) continue;
        for (const sessionId of sessions) await this.close(sessionId, standing);
      } catch (error) {
        // Not a domain refusal: the store is unavailable. Look again at the next event of this subject.
        this.dirty.add(subjectId);
        this.logger.warn(
          `closing sessions of a subject failed: ${error instanceof Error ? error.constructor.name : 'error'}`,
        );
      }
    }
  }

  private async close(sessionId: string, standing: ReturnType<typeof standingOf>): Promise<void> {
    const reason = standing.erasureRequestId !== undefined ? 'ERASURE_REQUESTED' : 'CONSENT_WITHDRAWN';
    const reference = standing.erasureRequestId ?? standing.withdrawnConsentId ?? 'none';
    try {
      await this.commands.execute(
        new VerificationCommandCommand(
          sessionId,
          {
            type: 'CloseVerification',
            reason,
            ...(standing.erasureRequestId === undefined
              ? {}
              : { erasureRequestId: standing.erasureRequestId }),
            ...(standing.withdrawnConsentId === undefined ? {} : { consentId: standing.withdrawnConsentId }),
          },
          {
            actor: { kind: 'system', id: 'session-closer', roles: [] },
            correlationId: randomUUID(),
            causationId: randomUUID(),
            idempotencyScope: `close\n${sessionId}\n${reason}\n${reference}`,
          },
        ),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
}
