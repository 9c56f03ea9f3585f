import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Counter, Gauge } from 'prom-client';
import { APP_CONFIG } from '../platform/config/tokens';
import type { AppConfig } from '../platform/config/config';
import { DomainError } from '../domain/shared/domain-error';
import { MetricsRegistry } from '../platform/observability/metrics';
import { every, type Worker, WorkerSupervisor } from '../platform/workers';
import { uuidV5 } from '../shared/deterministic-uuid';
import { ShredPersonalDataCommand, type ShredOutcome } from './erasure.handlers';
import { type DueCursor, type DueShred, RetentionService } from './retention.service';

/** (subject, class) pairs looked at per batch; a run goes on batch after batch while it still shreds. */
const BATCH = 500;

/** What became of one due shred: recorded now, already recorded, refused by the domain, or failed. */
type ShredResult = 'recorded' | 'unchanged' | 'refused' | 'failed';

/** Shreds in flight at once. */
const CONCURRENCY = 8;

export interface RetentionRun {
  /** Subjects whose shred was recorded by this run. */
  readonly shredded: number;
  /** Shreds refused by the domain (a legal hold placed after the read model was read). */
  readonly refused: number;
  readonly failed: number;
}

/**
 * Shreds personal data whose retention ended, or that an erasure request released, as the retention read model
 * and the policy in force say (RetentionService.due). Restart-safe and idempotent: each shred's id derives from
 * the subject, the classes and the position of their latest collection, so a shred repeated after a crash, or by
 * a second instance, finds its event and records nothing twice; keys are destroyed before the event is written.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private worker: Worker | undefined;
  private running: Promise<RetentionRun> | undefined;
  private lastRun: { at: string; run: RetentionRun } | undefined;
  private readonly shreds: Counter<'reason'>;
  private readonly lastRunGauge: Gauge;

  constructor(
    private readonly retention: RetentionService,
    private readonly commands: CommandBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workers: WorkerSupervisor,
    metrics: MetricsRegistry,
  ) {
    this.shreds = new Counter({
      name: 'kyc_ledger_retention_shreds_total',
      help: 'Subjects whose personal data the retention scheduler shredded, by reason',
      labelNames: ['reason'],
      registers: [metrics],
    });
    this.lastRunGauge = new Gauge({
      name: 'kyc_ledger_retention_last_run_seconds',
      help: 'Unix time of the last completed retention run',
      registers: [metrics],
    });
  }

  onApplicationBootstrap(): void {
    // A failed run is reported (health: degraded, with the failure's class) and tried again at the next interval.
    this.worker = this.workers.start({
      name: 'retention',
      role: 'schedulers',
      backoff: { initialMs: 1000, maxMs: this.config.retentionIntervalMs },
      run: every(this.config.retentionIntervalMs, () => this.run()),
      health: {
        details: () => ({
          intervalMs: this.config.retentionIntervalMs,
          ...(this.lastRun === undefined ? {} : { lastRunAt: this.lastRun.at, ...this.lastRun.run }),
        }),
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
    await this.running?.catch(() => undefined);
  }

  /** One run: shreds everything due now. Concurrent calls share the run in progress. */
  run(): Promise<RetentionRun> {
    this.running ??= this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async shred(item: DueShred): Promise<ShredResult> {
    const shredId = uuidV5(
      `retention\n${item.subjectId}\n${item.reason}\n${item.dataClasses.map((c, i) => `${c}@${String(item.collectedPositions[i])}`).join(',')}`,
    );
    try {
      const outcome = await this.commands.execute<ShredPersonalDataCommand, ShredOutcome>(
        new ShredPersonalDataCommand(
          item.subjectId,
          {
            shredId,
            dataClasses: item.dataClasses,
            reason: item.reason,
            ...(item.requestId === null ? {} : { requestId: item.requestId }),
            ...(item.coverage === 'erasure_covered' ? { coverage: item.coverage } : {}),
          },
          {
            actor: { kind: 'system', id: 'retention-scheduler', roles: [] },
            correlationId: randomUUID(),
            causationId: shredId,
            idempotencyScope: `shred\n${shredId}`,
          },
        ),
      );
      if (!outcome.recorded) return 'unchanged';
      this.shreds.inc({ reason: item.reason });
      return 'recorded';
    } catch (error) {
      // A domain refusal (a legal hold placed after the read model was read) settles it until the hold ends.
      if (error instanceof DomainError) return 'refused';
      this.logger.warn(
        `shredding failed: ${error instanceof Error ? error.constructor.name : 'error'}; retried on the next run`,
      );
      return 'failed';
    }
  }

  private async runOnce(): Promise<RetentionRun> {
    let shredded = 0;
    let refused = 0;
    let failed = 0;
    try {
      const cursor: DueCursor = new Map();
      for (;;) {
        const due = await this.retention.due(BATCH, cursor);
        if (due.length === 0) break;
        let recorded = 0;
        const failedBefore = failed;
        let next = 0;
        const worker = async (): Promise<void> => {
          for (let item = due[next++]; item !== undefined; item = due[next++]) {
            const result = await this.shred(item);
            if (result === 'refused') refused += 1;
            else if (result === 'failed') failed += 1;
            else if (result === 'recorded') recorded += 1;
          }
        };
        // Subjects are independent streams: several at once let the event store commit them together.
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        shredded += recorded;
        // Failures (the database, the event store): the next run tries again rather than failing on and on.
        if (failed > failedBefore) break;
        // The cursor moves the next batch past these candidates, so it never waits for the read model to show
        // this batch's shreds (a hold placed meanwhile is refused by the domain).
      }
    } finally {
      const run = { shredded, refused, failed };
      this.lastRun = { at: new Date().toISOString(), run };
      this.lastRunGauge.set(Date.now() / 1000);
    }
    return { shredded, refused, failed };
  }
}
