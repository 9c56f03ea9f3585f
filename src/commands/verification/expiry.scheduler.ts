import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EXPIRY_INTERVAL_MS } from '../../config/tokens';
import { DomainError } from '../../domain/shared/domain-error';
import { EVENT_STORE, type EventStore, type Subscription } from '../../eventstore/event-store.port';
import { parseStreamName, VERIFICATION_STREAM_PREFIX } from '../../eventstore/stream-names';
import { CLOCK, type Clock } from '../../shared/clock';
import { VerificationCommandCommand } from './verification-command.handler';

/** Events after which a session can no longer expire. */
const CLOSING_EVENTS = new Set([
  'VerificationApproved',
  'VerificationRejected',
  'VerificationExpired',
  'VerificationClosed',
  'ReviewRequested',
]);

/**
 * Issues `ExpireVerification` when a session's time-to-live has passed. It follows the verification streams of
 * the global log (from the start, so a restart loses nothing) and keeps the open sessions' due times in memory.
 * Several instances may run it: the command is idempotent per session, so a race costs one conflict, not a
 * second event.
 */
@Injectable()
export class ExpiryScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExpiryScheduler.name);
  private readonly due = new Map<string, number>();
  private subscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXPIRY_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    const subscription = this.store.subscribeAll({
      filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX] },
    });
    this.subscription = subscription;
    void this.follow(subscription);
    this.timer = setInterval(() => {
      void this.tick();
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.subscription?.close();
  }

  /** Sessions currently waiting to expire (for health and tests). */
  get pending(): number {
    return this.due.size;
  }

  private async follow(subscription: Subscription): Promise<void> {
    try {
      for await (const message of subscription) {
        if (message.kind !== 'event') continue;
        const { event } = message;
        const sessionId = parseStreamName(event.stream)?.id;
        if (sessionId === undefined) continue;
        if (event.type === 'VerificationInitiated' && typeof event.data.expiresAt === 'string') {
          this.due.set(sessionId, Date.parse(event.data.expiresAt));
        } else if (CLOSING_EVENTS.has(event.type)) {
          this.due.delete(sessionId);
        }
      }
    } catch (error) {
      this.logger.error(
        `expiry follower stopped: ${error instanceof Error ? error.constructor.name : 'error'}`,
      );
    }
  }

  /** Expires every session that is due now. Exposed for tests that drive the clock by hand. */
  async tick(): Promise<number> {
    if (this.ticking) return 0;
    this.ticking = true;
    let expired = 0;
    try {
      const now = this.clock.now().getTime();
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
}
