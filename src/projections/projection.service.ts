import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { type ComponentHealth, HealthRegistry } from '../platform/observability/health-registry';
import { CLOCK, type Clock } from '../shared/clock';
import { LEASES, type Leases, WorkerSupervisor } from '../platform/workers';
import { ProjectionMetrics } from './core/projection-metrics';
import { ProjectionProgress } from './core/projection-progress';
import { ProjectionRunner } from './core/projection-runner';
import { ProjectionStore } from './core/projection-store';
import type { Projection } from './core/projection';
import { rebuildProjection } from './core/rebuild';
import { ParkedEventNotFoundError } from './projection.errors';

/** What retrying a parked event did. */
export interface ParkedRetry {
  readonly projection: string;
  readonly position: number;
  readonly eventId: string;
  /** `applied`: the event is in the read model now; `parked_again`: it still cannot be applied. */
  readonly outcome: 'applied' | 'parked_again';
  readonly errorCode?: string;
  readonly rebuild: {
    readonly events: number;
    readonly seconds: number;
    readonly position: number;
    readonly generation: number;
    readonly parked: number;
  };
}

/** DI token of the projections to run (the application lists its features' read models). */
export const PROJECTION_LIST = Symbol('ProjectionList');

/** A projection that has failed for this long is `down` (and the service unready) rather than `degraded`. */
const DOWN_AFTER_MS = 30_000;

/**
 * Starts a runner per projection when the application is up and stops them before the event store and the
 * database close. Each runner reports its health under `projection:<name>`.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  readonly runners: readonly ProjectionRunner[];
  /** Whether this process runs the projections (`LEDGER_ROLES`); others read their checkpoints. */
  private readonly serves: boolean;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly db: ProjectionStore,
    @Inject(LEASES) private readonly leases: Leases,
    workers: WorkerSupervisor,
    progress: ProjectionProgress,
    metrics: ProjectionMetrics,
    private readonly health: HealthRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROJECTION_LIST) private readonly projections: readonly Projection[],
  ) {
    this.serves = workers.serves('projections');
    this.runners = projections.map(
      (projection) =>
        new ProjectionRunner({
          store,
          db,
          projection,
          leases,
          now: () => clock.now(),
          progress,
          metrics,
          logger: this.logger,
          workerObserver: workers.observer,
        }),
    );
  }

  onApplicationBootstrap(): void {
    if (!this.serves) {
      this.logger.log('projection runners not started (role projections is not in LEDGER_ROLES)');
      return;
    }
    for (const runner of this.runners) {
      this.health.register(`projection:${runner.name}`, () => this.check(runner));
      runner.start();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  runner(name: string): ProjectionRunner | undefined {
    return this.runners.find((runner) => runner.name === name);
  }

  /**
   * Applies a parked event again after its cause was fixed. A read model is a fold in ledger order, so the event
   * cannot be written on its own over the rows later events of its stream already shaped: the projection is
   * rebuilt online (new tables filled from position 0 while the live ones answer, then switched), which applies
   * the event where it belongs. Tells whether it applied this time or was parked again, and for which reason.
   */
  async retryParked(projectionName: string, position: number): Promise<ParkedRetry> {
    const projection = this.projections.find((p) => p.name === projectionName);
    const parked = projection === undefined ? undefined : await this.db.parkedEvent(projectionName, position);
    if (projection === undefined || parked === undefined) throw new ParkedEventNotFoundError();
    const rebuild = await rebuildProjection({
      store: this.store,
      db: this.db,
      projection,
      leases: this.leases,
      now: () => this.clock.now(),
      logger: this.logger,
    });
    const again = await this.db.parkedEvent(projectionName, position);
    return {
      projection: projectionName,
      position,
      eventId: parked.eventId,
      outcome: again === undefined ? 'applied' : 'parked_again',
      ...(again === undefined ? {} : { errorCode: again.errorCode }),
      rebuild: {
        events: rebuild.events,
        seconds: rebuild.seconds,
        position: rebuild.position,
        generation: rebuild.generation,
        parked: rebuild.parked,
      },
    };
  }

  private async check(runner: ProjectionRunner): Promise<ComponentHealth> {
    const status = runner.status();
    const parked = await this.db.parkedCount(runner.name);
    const failingForMs =
      status.failingSinceMs === undefined ? 0 : this.clock.now().getTime() - status.failingSinceMs;
    const down = status.state === 'stopped' || (status.state === 'failing' && failingForMs > DOWN_AFTER_MS);
    const degraded = status.state === 'failing' || parked > 0;
    return {
      status: down ? 'down' : degraded ? 'degraded' : 'up',
      critical: true,
      details: {
        state: status.state,
        position: status.position,
        caughtUp: status.caughtUp,
        parkedEvents: parked,
        ...(status.state === 'failing' ? { failingForMs, lastFailure: status.lastFailure } : {}),
      },
    };
  }
}
