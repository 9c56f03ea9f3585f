import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/tokens';
import { RateLimiter } from './rate-limit.guard';

/**
 * API security shared with the global auth guard: the rate limiter and its storage (in memory, per instance).
 * Global so that the guard, which ApiModule provides, can use it.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
      }),
    }),
  ],
  providers: [RateLimiter],
  exports: [RateLimiter],
})
export class ApiSecurityModule {}
