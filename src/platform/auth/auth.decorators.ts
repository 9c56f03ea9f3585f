import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Role } from '../config/config';
import type { Principal } from './principal';

export const ROLES_KEY = 'kyc-ledger:roles';
export const PUBLIC_KEY = 'kyc-ledger:public';
export const READS_CREDENTIALS_KEY = 'kyc-ledger:reads-credentials';

/** The roles that may call an endpoint (any one of them suffices). Every non-public endpoint declares them. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Endpoints anyone may call (health, metrics, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * On a @Public() endpoint: credentials, when the request presents any (an `Authorization` header), are checked
 * as anywhere else and the principal is attached to the request, so that the handler can show more to some
 * roles. Wrong credentials are refused (401, the address's failed-authentication budget, then 429) exactly as on
 * any other endpoint; a request without the header passes anonymously and spends no budget, nor does a principal
 * whose credentials hold (`GET /health`: never limited for a probe or a monitor).
 */
export const ReadsCredentials = (): MethodDecorator & ClassDecorator =>
  SetMetadata(READS_CREDENTIALS_KEY, true);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on an endpoint without authentication');
  return principal;
});
