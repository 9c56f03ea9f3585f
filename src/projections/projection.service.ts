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

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly db: ProjectionStore,
    @Inject(LEASES) leases: Leases,
    workers: WorkerSupervisor,
    progress: ProjectionProgress,
    metrics: ProjectionMetrics,
    private readonly health: HealthRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PROJECTION_LIST) projections: readonly Projection[],
  ) {
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
