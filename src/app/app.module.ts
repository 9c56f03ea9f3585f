import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ApiModule } from './api.module';
import { AuditModule } from '../audit/audit.module';
import { CommandsModule } from '../commands/commands.module';
import type { AppConfig } from '../platform/config/config';
import { InsightsModule } from '../insights/insights.module';
import { LedgerCoreModule } from './ledger-core.module';
import { ObservabilityModule } from '../platform/observability/observability.module';
import { WorkersModule } from '../platform/workers/workers.module';
import { PolicyModule } from '../policies/policy.module';
import { PolicyLabModule } from '../policy-lab/policy-lab.module';
import { ProjectionsModule } from '../projections/projections.module';
import { PublisherModule } from '../publisher/publisher.module';
import { PrivacyModule } from '../privacy/privacy.module';
import { ReviewModule } from '../review/review.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { VerificationModule } from '../verification/verification.module';
import { PROJECTIONS } from './read-models';
import { VendorsModule } from '../vendors/vendors.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import type { Clock } from '../shared/clock';

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
        WorkersModule,
        CommandsModule,
        ApiModule,
        AuditModule,
        ProjectionsModule.forRoot(PROJECTIONS),
        VerificationModule,
        SubjectsModule,
        ReviewModule,
        PublisherModule,
        WebhooksModule,
        VendorsModule,
        PrivacyModule,
        PolicyLabModule,
        InsightsModule,
      ],
    };
  }
}
