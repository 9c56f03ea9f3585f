import type { NextFunction, Request, Response } from 'express';
import { LedgerError } from '../../shared/ledger-error';

/**
 * What one process of the service runs (`LEDGER_ROLES`, DESIGN §7a), so that API instances scale out behind a
 * load balancer while a few worker instances hold the leases (docs/operations.md, "Roles and topology"):
 *
 * - `api`: the HTTP API, the console and the OpenAPI document;
 * - `projections`: the projection runners and the webhook reference index;
 * - `publisher`: the Kafka publisher;
 * - `webhooks`: vendors' inbound webhooks (`POST /v1/webhooks/:vendor`) and the fetcher of announced results;
 * - `schedulers`: expiry, the session closer, retention, signed checkpoints, the vendor dispatcher and shadow
 *   policy evaluation.
 *
 * Every process answers `/health` and `/metrics` whatever its roles.
 */
export const PROCESS_ROLES = ['api', 'projections', 'publisher', 'webhooks', 'schedulers'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

export function isProcessRole(name: string): name is ProcessRole {
  return (PROCESS_ROLES as readonly string[]).includes(name);
}

/** The roles in their documented order, once each. */
export function normaliseRoles(roles: Iterable<ProcessRole>): readonly ProcessRole[] {
  const wanted = new Set(roles);
  return PROCESS_ROLES.filter((role) => wanted.has(role));
}

/** Routes every process answers, whatever its roles: liveness, readiness, metrics. */
const ALWAYS_SERVED = /^\/(health|metrics)(\/|$)/;
/** A vendor's inbound webhook (`/v1/webhooks/parked…` is the operators' API). */
const INBOUND_WEBHOOK = /^\/v1\/webhooks\/(?!parked(\/|$))[^/]+\/?$/;

/** The role a request needs, or undefined when every process serves it. */
export function roleForRequest(method: string, path: string): ProcessRole | undefined {
  if (ALWAYS_SERVED.test(path)) return undefined;
  if (method === 'POST' && INBOUND_WEBHOOK.test(path)) return 'webhooks';
  return 'api';
}

/** The request needs a role this process does not run (`LEDGER_ROLES`). */
export class RoleNotServedError extends LedgerError {
  readonly code = 'role_not_served';
  override readonly httpStatus = 421;
  constructor(role: ProcessRole) {
    super(`this process does not run the ${role} role (LEDGER_ROLES); send the request to one that does`, {
      role,
    });
  }
}

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

/**
 * Refuses the requests this process has no role for with `421 role_not_served` (RFC 9110 §15.5.20: the request
 * reached a server that does not answer for that target; a load balancer sends it elsewhere), before any other
 * work. Undefined (nothing to install) when the process serves both `api` and `webhooks`.
 */
export function rolesMiddleware(roles: readonly ProcessRole[]): Middleware | undefined {
  if (roles.includes('api') && roles.includes('webhooks')) return undefined;
  const served = new Set(roles);
  return (req, _res, next) => {
    const path = (req.originalUrl || req.url).split('?')[0] ?? '/';
    const needed = roleForRequest(req.method, path);
    if (needed === undefined || served.has(needed)) next();
    else next(new RoleNotServedError(needed));
  };
}
