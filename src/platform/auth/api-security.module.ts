import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { RateLimiter } from './rate-limit.guard';

/**
 * API security shared with the global auth guard and the webhook endpoint: the rate limiter over the throttler's
 * storage (in memory, per instance; the limits are the limiter's own, so no throttler is configured here).
 * Global so that the guard, which ApiModule provides, can use it.
 */
@Global()
@Module({
  imports: [ThrottlerModule.forRoot({ throttlers: [] })],
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class ApiSecurityModule {}
