import { Global, Module } from '@nestjs/common';
import { collectDefaultMetrics } from 'prom-client';
import { HealthRegistry } from './health-registry';
import { MetricsRegistry } from './metrics';
import { MetricsController } from './metrics.controller';

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
export class ObservabilityModule {}
