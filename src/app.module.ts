import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ApiModule } from './api/api.module';
import type { AppConfig } from './config/config';
import { LedgerCoreModule } from './eventstore/ledger-core.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), LedgerCoreModule.forRoot(config), ApiModule],
    };
  }
}
