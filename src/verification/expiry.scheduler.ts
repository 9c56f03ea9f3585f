import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Counter } from 'prom-client';
import { EXPIRY_INTERVAL_MS } from '../platform/config/tokens';
import { DomainError } from '../domain/shared/domain-error';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { parseStreamName, VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';
import { CLOCK, type Clock } from '../shared/clock';
import { MetricsRegistry } from '../platform/observability/metrics';
import { every, onAbort, type Worker, type WorkerContext, WorkerSupervisor } from '../platform/workers';
import { VerificationCommandCommand, type VerificationCommandResult } from './verification-command.handler';

/** Queue names come from the policy (a bounded set); anything else is not a label. */
function queueLabel(queue: string): string {
  return /^[A-Za-z][A-Za-z0-9_-]{0,63}$/.test(queue) ? queue : 'other';
}

/** Events after which a review no longer waits (or was already escalated). */
const REVIEW_SETTLING_EVENTS = new Set([
  'ReviewCompleted',
  'ReviewSlaBreached',
  'VerificationApproved',
  'VerificationRejected',
  'VerificationExpired',
  'VerificationClosed',
  'ResubmissionRequested',
]);

/** Events after which a session can no longer expire. */
const CLOSING_EVENTS = new Set([
  'VerificationApproved',
  'VerificationRejected',
  'VerificationExpired',
  'VerificationClosed',
  'ReviewRequested',
]);

/**
 * The session deadlines: issues `ExpireVerification` when a session's time-to-live has passed, and
 * `EscalateReview` when a review is still open at its SLA (recorded as ReviewSlaBreached, counted in
 * `kyc_ledger_review_sla_breaches_total{queue}`). It follows the verification streams of the global log (from the
 * start, so a restart loses nothing) and keeps the due times in memory. Several instances may run it: both
 * commands are idempotent per session, so a race costs one conflict, not a second event.
 */
@Injectable()
export class ExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpiryScheduler.name);
  private readonly due = new Map<string, number>();
  /** Session id → when its open review breaches its SLA. */
  private readonly slaDue = new Map<string, number>();
  private readonly breaches: Counter<'queue'>;
  private workersStarted: Worker[] = [];
  private ticking = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXPIRY_INTERVAL_MS) private readonly intervalMs: number,
    private readonly workers: WorkerSupervisor,
    metrics: MetricsRegistry,
  ) {
    this.breaches = new Counter({
      name: 'kyc_ledger_review_sla_breaches_total',
      help: 'Reviews still open when their SLA ran out, escalated, by the queue they were in',
      labelNames: ['queue'],
      registers: [metrics],
    });
  }

  onApplicationBootstrap(): void {
    this.workersStarted = [
      // A follower that fails starts again from the start of the log: the due times it rebuilds are the same.
      this.workers.start({
        name: 'expiry-follower',
        role: 'schedulers',
        run: (context) => this.follow(context),
      }),
      this.workers.start({
        name: 'expiry',
        role: 'schedulers',
        run: every(this.intervalMs, () => this.tick()),
      }),
    ];
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workersStarted.map((worker) => worker.stop()));
  }

  /** Sessions currently waiting to expire (for health and tests). */
  get pending(): number {
    return this.due.size;
  }

  /** Whether this session waits to expire (for tests that drive the clock by hand). */
  isPending(sessionId: string): boolean {
    return this.due.has(sessionId);
  }

  /** Open reviews whose SLA is being watched (for health and tests). */
  get watchedReviews(): number {
    return this.slaDue.size;
  }

  private async follow(context: WorkerContext): Promise<void> {
    const subscription = this.store.subscribeAll({
      filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX] },
    });
    const forget = onAbort(context.signal, () => subscription.close());
    try {
      for await (const message of subscription) {
        if (message.kind === 'caught_up') context.succeeded();
        if (message.kind !== 'event') continue;
        const { event } = message;
        const sessionId = parseStreamName(event.stream)?.id;
        if (sessionId === undefined) continue;
        if (event.type === 'VerificationInitiated' && typeof event.data.expiresAt === 'string') {
          this.due.set(sessionId, Date.parse(event.data.expiresAt));
        } else if (CLOSING_EVENTS.has(event.type)) {
          this.due.delete(sessionId);
        }
        if (event.type === 'ReviewRequested' && typeof event.data.slaDueAt === 'string') {
          this.slaDue.set(sessionId, Date.parse(event.data.slaDueAt));
        } else if (REVIEW_SETTLING_EVENTS.has(event.type)) {
          this.slaDue.delete(sessionId);
        }
      }
    } finally {
      forget();
      await subscription.close();
    }
  }

  /**
   * Expires every session that is due now and escalates every review past its SLA; returns how many sessions it
   * acted on. Exposed for tests that drive the clock by hand.
   */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    let expired = 0;
    try {
      const now = this.clock.now().getTime();
      expired += await this.escalateDue(now);
      for (const [sessionId, dueAt] of [...this.due]) {
        if (dueAt > now) continue;
        try {
          await this.commands.execute(
            new VerificationCommandCommand(
              sessionId,
              { type: 'ExpireVerification' },
              {
                actor: { kind: 'system', id: 'expiry-scheduler', roles: [] },
                correlationId: randomUUID(),
                causationId: randomUUID(),
                idempotencyScope: `expiry\n${sessionId}`,
              },
            ),
          );
          expired += 1;
          this.due.delete(sessionId);
        } catch (error) {
          // A domain refusal (already decided, not yet due by the session's own clock) settles it; anything else
          // is retried on the next tick.
          if (error instanceof DomainError) this.due.delete(sessionId);
          else
            this.logger.warn(
              `expiring ${sessionId} failed: ${error instanceof Error ? error.constructor.name : 'error'}`,
            );
        }
      }
    } finally {
      this.ticking = false;
    }
    return expired;
  }

  private async escalateDue(now: number): Promise<number> {
    let escalated = 0;
    for (const [sessionId, dueAt] of [...this.slaDue]) {
      if (dueAt > now) continue;
      try {
        const result = await this.commands.execute<VerificationCommandCommand, VerificationCommandResult>(
          new VerificationCommandCommand(
            sessionId,
            { type: 'EscalateReview' },
            {
              actor: { kind: 'system', id: 'sla-scheduler', roles: [] },
              correlationId: randomUUID(),
              causationId: randomUUID(),
              idempotencyScope: `sla\n${sessionId}\n${dueAt}`,
            },
          ),
        );
        this.slaDue.delete(sessionId);
        const review = result.state.status === 'none' ? undefined : result.state.review;
        // Counted when this run recorded the breach (another instance's or an earlier run's is not counted twice).
        if ((result.appended ?? 0) > 0 && review?.escalatedAt !== undefined) {
          escalated += 1;
          this.breaches.inc({ queue: queueLabel(review.queue) });
        }
      } catch (error) {
        if (error instanceof DomainError) this.slaDue.delete(sessionId);
        else
          this.logger.warn(
            `escalating ${sessionId} failed: ${error instanceof Error ? error.constructor.name : 'error'}`,
          );
      }
    }
    return escalated;
  }
}
