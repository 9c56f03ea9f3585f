import { type CanActivate, type ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Counter } from 'prom-client';
import type { AppConfig, Role } from '../config/config';
import { APP_CONFIG } from '../config/tokens';
import { MetricsRegistry } from '../observability/metrics';
import { CLOCK, type Clock } from '../../shared/clock';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { type AuthenticatedRequest, PUBLIC_KEY, READS_CREDENTIALS_KEY, ROLES_KEY } from './auth.decorators';
import { ForbiddenError, UnauthenticatedError } from './auth.errors';
import { JwtAuthenticator, looksLikeJwt } from './jwt.authenticator';
import { hasRole, type Principal } from './principal';
import { clientAddress, RateLimiter } from './rate-limit.guard';

const BEARER = /^Bearer ([\x21-\x7e]{1,4096})$/;

/**
 * Global guard: every endpoint needs `Authorization: Bearer <api key | JWT>` and one of its declared roles,
 * unless it is marked @Public(). An endpoint that declares no roles is closed to everyone (fail closed). API
 * keys are looked up in constant time; a token that is no key and has the shape of a JWT is verified against
 * the configured JWKS. Rate limits: a principal spends its own budget, a failed authentication the client
 * address's failure budget. Public endpoints spend nothing here: health and metrics are never limited (a flood
 * must not fail the liveness probe), and vendor webhooks are limited by the endpoint once their signature is
 * judged. A public endpoint marked @ReadsCredentials() (`GET /health`) checks credentials a request presents:
 * a principal passes without spending its budget, wrong credentials fail as anywhere else (401, the address's
 * failure budget, 429 once it is spent), so that the endpoint is no oracle for guessing keys beside the budget.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly apiKeys: ApiKeyAuthenticator;
  private readonly jwt: JwtAuthenticator | undefined;
  private readonly failures: Counter<'reason'> | undefined;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    @Optional() private readonly rateLimiter?: RateLimiter,
    @Optional() metrics?: MetricsRegistry,
  ) {
    this.apiKeys = new ApiKeyAuthenticator(config.apiKeys ?? []);
    this.jwt = config.jwt === undefined ? undefined : new JwtAuthenticator(config.jwt, clock);
    this.failures =
      metrics === undefined
        ? undefined
        : new Counter({
            name: 'kyc_ledger_auth_failures_total',
            help: 'Requests refused by authentication or authorization, by reason',
            labelNames: ['reason'],
            registers: [metrics],
          });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true) {
      const reads = this.reflector.getAllAndOverride<boolean | undefined>(READS_CREDENTIALS_KEY, targets);
      if (reads === true && request.headers.authorization !== undefined) {
        request.principal = await this.principalOf(request);
      }
      return true;
    }

    const principal = await this.principalOf(request);
    request.principal = principal;
    await this.rateLimiter?.spend({ kind: 'principal', principalId: principal.id });

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!required.some((role) => hasRole(principal, role))) {
      this.failures?.inc({ reason: 'forbidden' });
      throw new ForbiddenError(required);
    }
    return true;
  }

  /** The principal the request's credentials name; else counts the failure, spends the address's budget, 401. */
  private async principalOf(request: AuthenticatedRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const token = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    const principal = token === undefined ? undefined : await this.authenticate(token);
    if (principal === undefined) {
      this.failures?.inc({ reason: token === undefined ? 'missing_credentials' : 'invalid_credentials' });
      await this.rateLimiter?.spend({ kind: 'failed_authentication', address: clientAddress(request) });
      throw new UnauthenticatedError(
        token === undefined ? 'missing or malformed Authorization: Bearer header' : 'unknown credentials',
      );
    }
    return principal;
  }

  private async authenticate(token: string): Promise<Principal | undefined> {
    const byKey = this.apiKeys.authenticate(token);
    if (byKey !== undefined || this.jwt === undefined || !looksLikeJwt(token)) return byKey;
    return this.jwt.authenticate(token);
  }
}
