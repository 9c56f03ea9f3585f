import { Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import { HealthRegistry } from './health-registry';
import { MetricsRegistry } from './metrics';
import { MetricsController } from './metrics.controller';
import { tracingEnabled } from '../../shared/tracing';

@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    HealthRegistry,
    {
      provide: MetricsRegistry,
      useFactory: () => {
        const registry = new MetricsRegistry();
        collectDefaultMetrics({ register: registry, prefix: 'kyc_ledger_' });
        return registry;
      },
    },
  ],
  exports: [HealthRegistry, MetricsRegistry],
})
export class ObservabilityModule implements OnApplicationShutdown {
  /**
   * The spans recorded so far are exported before the process exits (docs/tracing.md). The SDK is loaded only
   * where tracing is on.
   */
  async onApplicationShutdown(): Promise<void> {
    if (tracingEnabled()) await (await import('./tracing')).flushTracing();
  }
}
