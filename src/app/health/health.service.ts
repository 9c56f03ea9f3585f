import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../platform/config/config';
import { APP_CONFIG } from '../../platform/config/tokens';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { type ComponentHealth, HealthRegistry } from '../../platform/observability/health-registry';

export interface DependencyCheck {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly error?: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'unavailable';
  readonly profile: AppConfig['profile'];
  readonly checks: {
    readonly eventStore: DependencyCheck & {
      readonly adapter: 'sqlite' | 'eventstoredb';
      readonly headPosition?: number;
    };
    readonly readModels: DependencyCheck & { readonly database: 'sqlite' | 'postgres' };
  };
  /** Feature components (projections, publisher, schedulers) from the health registry. */
  readonly components: Readonly<Record<string, ComponentHealth>>;
}

const CHECK_TIMEOUT_MS = 2000;

async function timed(check: () => Promise<unknown>): Promise<DependencyCheck> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`));
        }, CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // Dependency errors name the failure class only: connection strings can hold credentials.
    const reason =
      error instanceof Error && error.message.startsWith('no answer')
        ? error.message
        : error instanceof Error
          ? error.constructor.name
          : 'error';
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error: reason };
  } finally {
    clearTimeout(timer);
  }
}

/** Readiness: the event store and the read-model database both answer. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: HealthRegistry,
  ) {}

  async report(): Promise<HealthReport> {
    let headPosition: number | undefined;
    const [eventStore, readModels] = await Promise.all([
      timed(async () => {
        await this.store.ping();
        headPosition = await this.store.headPosition();
      }),
      timed(async () => {
        await this.dataSource.query('SELECT 1');
      }),
    ]);
    const components = await this.registry.collect();
    const componentsOk = Object.values(components).every((c) => c.status !== 'down' || !c.critical);
    const ok = eventStore.status === 'up' && readModels.status === 'up' && componentsOk;
    return {
      status: ok ? 'ok' : 'unavailable',
      profile: this.config.profile,
      checks: {
        eventStore: {
          ...eventStore,
          adapter: this.config.eventStoreConnectionString ? 'eventstoredb' : 'sqlite',
          ...(headPosition === undefined ? {} : { headPosition }),
        },
        readModels: { ...readModels, database: this.config.databaseUrl ? 'postgres' : 'sqlite' },
      },
      components,
    };
  }
}
