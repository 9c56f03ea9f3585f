import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../ledger/event-store.port';
import { toLedgerEvent } from '../ledger/ledger';
import { VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';
import { MetricsRegistry } from '../platform/observability/metrics';
import {
  LEASES,
  type Leases,
  onAbort,
  type Worker,
  type WorkerContext,
  WorkerSupervisor,
} from '../platform/workers';
import { PolicyRegistry } from '../policies/policy-registry';
import { CLOCK, type Clock } from '../shared/clock';
import { evaluateUnderShadows, recordedEvaluation } from './shadow-evaluation';
import { ShadowEvaluationRepository } from './shadow-evaluation.repository';

const FILTER = { streamPrefixes: [VERIFICATION_STREAM_PREFIX] };
/** Events handled without a write before the checkpoint is moved anyway, and the longest it lags while live. */
const CHECKPOINT_EVERY = 500;
const CHECKPOINT_LAG_MS = 5000;

/**
 * Shadow mode's follower (docs/policy-lab.md, "Shadow mode"): follows the verification events of the log from its
 * own checkpoint — the head at its first start, so that only live decisions are shadowed — and at every
 * `DecisionEvaluated` evaluates each shadow policy in force at the evaluation's time on the session as it stood
 * (its stream read from the store and folded up to the evaluation), writing one `shadow_evaluations` row per
 * shadow with the checkpoint. At least once, idempotent by (position, shadow hash). Never writes a ledger event,
 * never decrypts. Runs only when the policy directory declares a shadow policy, under a lease (one instance).
 */
@Injectable()
export class ShadowEvaluator implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;
  private readonly evaluations: Counter<'policy_version' | 'differs'>;
  /** Last position handled, whether the follower reached the head, and what is not saved yet. */
  private handled = 0;
  private caughtUp = false;
  private unsaved = 0;
  private savedAt = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly policies: PolicyRegistry,
    private readonly rows: ShadowEvaluationRepository,
    private readonly workers: WorkerSupervisor,
    @Inject(LEASES) private readonly leases: Leases,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: MetricsRegistry,
  ) {
    this.evaluations = new Counter({
      name: 'kyc_ledger_shadow_evaluations_total',
      help: 'Live policy evaluations evaluated again under a shadow policy, by shadow policy version and whether the shadow differs',
      labelNames: ['policy_version', 'differs'],
      registers: [metrics],
    });
  }

  onApplicationBootstrap(): void {
    if (this.policies.shadows().length === 0) return;
    this.worker = this.workers.start({
      name: 'shadow-evaluator',
      role: 'schedulers',
      lease: { leases: this.leases, kind: 'shadow', name: 'shadow-evaluator', retryMs: 5000 },
      backoff: { initialMs: 1000, maxMs: 30_000 },
      run: (context) => this.follow(context),
      health: {
        details: () => ({ position: this.handled, caughtUp: this.caughtUp }),
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }

  private async follow(context: WorkerContext): Promise<void> {
    let checkpoint = await this.rows.checkpoint();
    if (checkpoint === undefined) {
      // First start: shadow live decisions from now on, not the history (the what-if replay covers that).
      checkpoint = await this.store.headPosition();
      await this.rows.record([], checkpoint, this.clock.now());
    }
    this.handled = Math.max(this.handled, checkpoint);
    this.caughtUp = false;
    const subscription = this.store.subscribeAll({ after: this.handled, filter: FILTER });
    const forget = onAbort(context.signal, () => subscription.close());
    try {
      for await (const message of subscription) {
        if (context.signal.aborted) break;
        context.succeeded();
        if (message.kind === 'caught_up') {
          this.caughtUp = true;
          if (this.unsaved > 0) await this.save();
          continue;
        }
        const { event } = message;
        if (event.type === 'DecisionEvaluated' && (await this.shadow(event))) continue;
        this.handled = event.position;
        this.unsaved += 1;
        if (
          this.unsaved >= CHECKPOINT_EVERY ||
          (this.caughtUp && this.clock.now().getTime() - this.savedAt >= CHECKPOINT_LAG_MS)
        ) {
          await this.save();
        }
      }
    } finally {
      forget();
      await subscription.close();
    }
  }

  /**
   * Evaluates a recorded `DecisionEvaluated` under the shadows in force at its time and records the rows with the
   * checkpoint; false when no shadow was in force (nothing to write, the session is not read).
   */
  private async shadow(event: RecordedEvent): Promise<boolean> {
    const recorded = toLedgerEvent(event);
    const data = recordedEvaluation(recorded);
    if (data === undefined) return false;
    const shadows = this.policies.shadowsAt(new Date(data.evaluatedAt));
    if (shadows.length === 0) return false;
    const session = await this.store.readStream(event.stream, { maxCount: event.revision + 1 });
    const rows = evaluateUnderShadows(session.map(toLedgerEvent), recorded, shadows);
    await this.rows.record(rows, event.position, this.clock.now());
    this.handled = event.position;
    this.unsaved = 0;
    this.savedAt = this.clock.now().getTime();
    for (const row of rows) {
      this.evaluations.inc({ policy_version: row.shadowPolicyVersion, differs: String(row.differs) });
    }
    return true;
  }

  private async save(): Promise<void> {
    await this.rows.record([], this.handled, this.clock.now());
    this.unsaved = 0;
    this.savedAt = this.clock.now().getTime();
  }
}
