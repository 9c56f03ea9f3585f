import { Injectable } from '@nestjs/common';

export interface ComponentHealth {
  /** `up`: working; `degraded`: working with a problem an operator should see (lag, parked events); `down`. */
  readonly status: 'up' | 'degraded' | 'down';
  /** Whether `down` makes the service unready (a projection that is down does; an optional publisher not). */
  readonly critical: boolean;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Feature modules (projections, publisher, schedulers) register a health check here; `/health` reports every
 * one. Checks must be cheap and must not carry personal data or secrets.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, () => Promise<ComponentHealth> | ComponentHealth>();

  register(name: string, check: () => Promise<ComponentHealth> | ComponentHealth): void {
    this.checks.set(name, check);
  }

  async collect(): Promise<Record<string, ComponentHealth>> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, ComponentHealth]> => {
        try {
          return [name, await check()];
        } catch (error) {
          return [
            name,
            {
              status: 'down',
              critical: true,
              details: { error: error instanceof Error ? error.constructor.name : 'error' },
            },
          ];
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}
