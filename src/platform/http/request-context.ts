import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { CommandContext } from '../../commands/command-context';
import type { AuthenticatedRequest } from '../auth/auth.decorators';

const HEADER_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface ContextualRequest extends AuthenticatedRequest {
  correlationId?: string;
  causationId?: string;
  /** Set by the idempotency interceptor: the scope from which command handlers derive stable ids. */
  idempotencyScope?: string;
}

/**
 * Correlation id from `X-Correlation-Id` (or a new one), echoed on the response; causation id from
 * `X-Causation-Id` (or the request's own id). Values that are not plain ids are replaced, never echoed.
 */
export function correlationMiddleware(req: Request, res: Response, next: NextFunction): void {
  const request = req as ContextualRequest;
  const incoming = req.header('x-correlation-id');
  request.correlationId = incoming !== undefined && HEADER_ID.test(incoming) ? incoming : randomUUID();
  const causation = req.header('x-causation-id');
  request.causationId = causation !== undefined && HEADER_ID.test(causation) ? causation : randomUUID();
  res.setHeader('X-Correlation-Id', request.correlationId);
  next();
}

export const Ctx = createParamDecorator((_data: unknown, ctx: ExecutionContext): CommandContext => {
  const req = ctx.switchToHttp().getRequest<ContextualRequest>();
  const principal = req.principal;
  if (!principal) throw new Error('Ctx used on an endpoint without authentication');
  return {
    actor: { kind: 'user', id: principal.id, roles: [...principal.roles] },
    correlationId: req.correlationId ?? randomUUID(),
    causationId: req.causationId ?? randomUUID(),
    idempotencyScope: req.idempotencyScope,
  };
});
