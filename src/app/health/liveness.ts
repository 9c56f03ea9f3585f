import type { NextFunction, Request, Response } from 'express';

export const LIVENESS_PATH = '/health/live';
const ANSWER = Buffer.from(JSON.stringify({ status: 'ok' }));
const ANSWER_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Content-Length': String(ANSWER.length),
} as const;

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
  // Written directly: Express's `send` would hash the constant body for an ETag and look its type up again.
  res.writeHead(200, ANSWER_HEADERS);
  res.end(req.method === 'HEAD' ? undefined : ANSWER);
}
