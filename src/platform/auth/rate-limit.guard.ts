import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, normalizeIp, type ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import type { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/tokens';
import { LedgerError } from '../../shared/ledger-error';

/**
 * Whose requests are counted together. Each budget is kept apart, so that spending one never starves another:
 * failed authentications from one address do not throttle a principal, a vendor's deliveries, the health probes
 * or the metrics scraper (those two are never limited: no budget is spent for them without credentials or with
 * good ones; wrong credentials sent to `/health` are failed authentications like any other).
 */
export type RateBudget =
  /** An authenticated principal (API key or JWT subject). */
  | { readonly kind: 'principal'; readonly principalId: string }
  /** A vendor's webhook deliveries whose signature verified. */
  | { readonly kind: 'vendor'; readonly vendor: string }
  /** Requests from one client address that no credential vouched for (wrong key, bad webhook signature). */
  | { readonly kind: 'failed_authentication'; readonly address: string };

/** A budget is spent: 429 with `Retry-After`. */
export class RateLimitExceededError extends LedgerError {
  readonly code = 'too_many_requests';
  override readonly httpStatus = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('too many requests; retry later');
  }
}

const WINDOW_MS = 60_000;

/**
 * `LEDGER_RATE_LIMIT_PER_MINUTE` requests per minute in each budget (a sliding window in the throttler's storage,
 * in memory per instance). Not a guard of its own: the auth guard spends a principal's budget or the address's
 * failed-authentication budget once it knows which applies, and the webhook endpoint spends a vendor's budget
 * only after the signature verified (else the address's failures), so that forged deliveries cannot exhaust
 * the vendor's intake.
 */
@Injectable()
export class RateLimiter {
  private readonly limit: number;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limit = config.rateLimitPerMinute;
  }

  /** Counts one request against `budget`; throws RateLimitExceededError when the budget is spent. */
  async spend(budget: RateBudget): Promise<void> {
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(
      budgetKey(budget),
      WINDOW_MS,
      this.limit,
      0,
      budget.kind,
    );
    if (isBlocked) throw new RateLimitExceededError(Math.max(1, timeToBlockExpire));
  }
}

export function budgetKey(budget: RateBudget): string {
  switch (budget.kind) {
    case 'principal':
      return `principal:${budget.principalId}`;
    case 'vendor':
      return `vendor:${budget.vendor}`;
    case 'failed_authentication':
      return `failed-auth:${budget.address}`;
    default: {
      const unexpected: never = budget;
      throw new Error(`unknown rate budget ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * The client's address as Express resolved it under `trust proxy` (LEDGER_TRUST_PROXY); an IPv6 address by its
 * /64, which one client usually holds whole.
 */
export function clientAddress(request: Pick<Request, 'ip'>): string {
  return request.ip === undefined ? 'unknown' : normalizeIp(request.ip);
}
