import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppConfig, Role } from '../../config/config';
import { APP_CONFIG } from '../../config/tokens';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { type AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { ForbiddenError, UnauthenticatedError } from './auth.errors';
import { hasRole } from './principal';

/**
 * Global guard: every endpoint needs a valid `Authorization: Bearer <api key>` and one of its declared roles,
 * unless it is marked @Public(). An endpoint that declares no roles is closed to everyone (fail closed).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly apiKeys: ApiKeyAuthenticator;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.apiKeys = new ApiKeyAuthenticator(config.apiKeys ?? []);
  }

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_KEY, targets) === true) return true;

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header) : null;
    const token = match?.[1];
    if (token === undefined)
      throw new UnauthenticatedError('missing or malformed Authorization: Bearer header');
    const principal = this.apiKeys.authenticate(token);
    if (!principal) throw new UnauthenticatedError('unknown credentials');
    request.principal = principal;

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!required.some((role) => hasRole(principal, role))) throw new ForbiddenError(required);
    return true;
  }
}
