import type { NextFunction, Request, Response } from 'express';

export const LIVENESS_PATH = '/health/live';
const ANSWER = JSON.stringify({ status: 'ok' });

/**
 * Liveness answered as plain middleware, after the request line, the security headers and the correlation id
 * and before anything else: the answer only says that the process serves HTTP, so it needs no principal, body,
 * pipe or guard, and an orchestrator probing it many times a second costs the service next to nothing. The
 * route is still declared on the health controller (the OpenAPI document and the route table name it there); its
 * answer is the same.
 */
export function livenessMiddleware(req: Request, res: Response, next: NextFunction): void {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== LIVENESS_PATH) {
    next();
    return;
  }
  res.status(200).type('application/json').send(ANSWER);
}
