import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { ApiSecurityModule } from './auth/api-security.module';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { HealthController } from './health.controller';
import { SubjectsController } from './subjects/subjects.controller';
import { VerificationsController } from './verifications/verifications.controller';
import { HealthService } from './health.service';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyRepository } from './idempotency/idempotency.repository';

@Module({
  imports: [CommandsModule, ApiSecurityModule],
  controllers: [HealthController, SubjectsController, VerificationsController],
  providers: [
    HealthService,
    IdempotencyRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class ApiModule {}
