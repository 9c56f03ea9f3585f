import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { RateLimiter } from './rate-limit.guard';
import { SlidingWindowStorage } from './sliding-window-storage';

/**
 * API security shared with the global auth guard and the webhook endpoint: the rate limiter over a throttler
 * storage of its own (SlidingWindowStorage: in memory, per instance, O(1) per request; the limits are the
 * limiter's own, so no throttler is configured here).
 * Global so that the guard, which ApiModule provides, can use it.
 */
@Global()
@Module({
  imports: [
    // A factory, so that each application gets its own storage (and its own budgets).
    ThrottlerModule.forRootAsync({
      useFactory: () => ({ throttlers: [], storage: new SlidingWindowStorage() }),
    }),
  ],
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class ApiSecurityModule {}
