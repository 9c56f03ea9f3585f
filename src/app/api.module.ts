import { MeController } from './console/me.controller';
import { Module } from '@nestjs/common';
import { ApiSecurityModule } from '../platform/auth/api-security.module';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuthGuard } from '../platform/auth/auth.guard';
import { ParkedEventsController } from '../projections/parked-events.controller';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { IdempotencyInterceptor } from '../platform/http/idempotency/idempotency.interceptor';
import { IdempotencyRepository } from '../platform/http/idempotency/idempotency.repository';

/** HTTP plumbing every feature shares (authentication, idempotency), health and the engine's parked events. */
@Module({
  imports: [ApiSecurityModule],
  controllers: [HealthController, ParkedEventsController, MeController],
  providers: [
    HealthService,
    IdempotencyRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class ApiModule {}
