import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ApiModule } from './api/api.module';
import { AuditModule } from './audit/audit.module';
import { CommandsModule } from './commands/commands.module';
import type { AppConfig } from './config/config';
import { LedgerCoreModule } from './eventstore/ledger-core.module';
import { ObservabilityModule } from './observability/observability.module';
import { PolicyModule } from './policy/policy.module';
import { ProjectionsModule } from './projections/projections.module';
import { PublisherModule } from './publisher/publisher.module';
import { RetentionModule } from './retention/retention.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import type { Clock } from './shared/clock';

/** What tests may replace: the clock (expiry, SLAs) and how often the expiry scheduler looks. */
export interface AppOverrides {
  readonly clock?: Clock;
  readonly expiryIntervalMs?: number;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, overrides: AppOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        LedgerCoreModule.forRoot(config, overrides),
        PolicyModule.forRoot(config.policyDir),
        ObservabilityModule,
        CommandsModule,
        ApiModule,
        AuditModule,
        ProjectionsModule,
        PublisherModule,
        WebhooksModule,
        RetentionModule,
      ],
    };
  }
}
