import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './auth.decorators';

/**
 * Requests per minute (`LEDGER_RATE_LIMIT_PER_MINUTE`) per principal once authenticated, per client address
 * before that: public endpoints (health, metrics, vendor webhooks) and failed authentications count against the
 * address, so guessing credentials is throttled too. One budget across all endpoints, not one per route. The
 * auth guard calls it at the right moments (it is not a guard of its own: guard order would decide whether a
 * principal is known yet).
 */
@Injectable()
export class RateLimiter extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as AuthenticatedRequest;
    const principal = request.principal;
    return Promise.resolve(
      principal === undefined ? `ip:${request.ip ?? 'unknown'}` : `principal:${principal.id}`,
    );
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }
}
