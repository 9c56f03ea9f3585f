import { Inject, Injectable, Logger, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { type ComponentHealth, HealthRegistry } from '../observability/health-registry';
import { MetricsRegistry } from '../observability/metrics';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/tokens';
import { PROCESS_ROLES, type ProcessRole } from '../roles/process-roles';
import {
  Worker,
  type WorkerObserver,
  type WorkerOptions,
  type WorkerState,
  type WorkerStatus,
} from './worker';

const STATES: readonly WorkerState[] = ['idle', 'standby', 'active', 'failing', 'stopped'];

export interface SupervisedWorker extends Omit<WorkerOptions, 'observer' | 'logger'> {
  /** The role (`LEDGER_ROLES`) the worker belongs to: a process without it does not start the worker. */
  readonly role: ProcessRole;
  /**
   * Register the worker's health under its name (default): `degraded` while failing, or `down` for a critical
   * worker; `details` adds the worker's own figures. `false` when the owner reports health itself.
   */
  readonly health?:
    | false
    | {
        readonly critical?: boolean;
        readonly details?: () => Readonly<Record<string, unknown>>;
      };
}

/**
 * Owns the service's background workers: starts them, reports their state in `/health` and in
 * `kyc_ledger_worker_state{worker,state}` and `kyc_ledger_worker_failures_total{worker}`, and stops every one
 * at shutdown (after the owners' own shutdown hooks, which may stop theirs first to flush). Workers built
 * outside Nest (a projection runner in the CLI, a test) use `Worker` directly, with `observer` for metrics.
 */
@Injectable()
export class WorkerSupervisor implements OnApplicationShutdown {
  private readonly workers = new Map<string, Worker>();
  /** Workers of roles this process does not run: built, never started. */
  private readonly notServed = new Set<string>();
  /** What this process runs (`LEDGER_ROLES`); all roles outside Nest (the CLI, tests). */
  readonly roles: readonly ProcessRole[];
  private readonly logger = new Logger('Workers');
  private readonly failures: Counter<'worker'>;
  private readonly states: Gauge<'worker' | 'state'>;
  readonly observer: WorkerObserver;

  constructor(
    private readonly health: HealthRegistry,
    metrics: MetricsRegistry,
    @Optional() @Inject(APP_CONFIG) config?: Pick<AppConfig, 'roles'>,
  ) {
    this.roles = config?.roles ?? PROCESS_ROLES;
    // What this process runs, for operators of a split topology (docs/operations.md).
    health.register('process', () => ({ status: 'up', critical: false, details: this.describe() }));
    this.failures = new Counter({
      name: 'kyc_ledger_worker_failures_total',
      help: 'Failures of a background worker (each followed by a backoff and a restart), by worker',
      labelNames: ['worker'],
      registers: [metrics],
    });
    this.states = new Gauge({
      name: 'kyc_ledger_worker_state',
      help: 'State of each background worker: 1 for the state it is in, 0 for the others',
      labelNames: ['worker', 'state'],
      registers: [metrics],
    });
    this.observer = {
      stateChanged: (worker, state) => {
        for (const s of STATES) this.states.set({ worker, state: s }, s === state ? 1 : 0);
      },
      failed: (worker) => {
        this.failures.inc({ worker });
      },
    };
  }

  /** Whether this process runs `role` (`LEDGER_ROLES`). */
  serves(role: ProcessRole): boolean {
    return this.roles.includes(role);
  }

  /**
   * Creates and starts a worker; its name must be unique in the service. A worker of a role this process does
   * not run is returned unstarted (state `idle`, no health entry): another process runs it.
   */
  start(spec: SupervisedWorker): Worker {
    if (this.workers.has(spec.name) || this.notServed.has(spec.name)) {
      throw new Error(`a worker named ${spec.name} is already running`);
    }
    const worker = new Worker({ ...spec, observer: this.observer, logger: new Logger(spec.name) });
    if (!this.serves(spec.role)) {
      this.notServed.add(spec.name);
      this.logger.log(`${spec.name}: not started (role ${spec.role} is not in LEDGER_ROLES)`);
      return worker;
    }
    this.workers.set(spec.name, worker);
    this.observer.stateChanged(spec.name, worker.state);
    if (spec.health !== false) {
      const options = spec.health ?? {};
      this.health.register(spec.name, () =>
        healthOf(worker.status(), options.critical ?? false, options.details),
      );
    }
    worker.start();
    return worker;
  }

  /** The roles of this process and which workers it runs, for `/health` (component `process`). */
  describe(): { roles: readonly ProcessRole[]; workers: string[]; notServed: string[] } {
    return {
      roles: this.roles,
      workers: [...this.workers.keys()].sort(),
      notServed: [...this.notServed].sort(),
    };
  }

  status(): Record<string, WorkerStatus> {
    return Object.fromEntries([...this.workers].map(([name, worker]) => [name, worker.status()]));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
  }
}

function healthOf(
  status: WorkerStatus,
  critical: boolean,
  details: (() => Readonly<Record<string, unknown>>) | undefined,
): ComponentHealth {
  const failing = status.state === 'failing';
  return {
    status: failing ? (critical ? 'down' : 'degraded') : 'up',
    critical,
    details: {
      state: status.state,
      ...(status.lastError === undefined || !failing ? {} : { lastError: status.lastError }),
      ...(status.failingSince === undefined ? {} : { failingSince: status.failingSince }),
      ...details?.(),
    },
  };
}
