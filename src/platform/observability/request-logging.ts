import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { ContextualRequest } from '../http/request-context';

/** A route as declared: `GET /v1/verifications/:sessionId`. */
export interface RouteDeclaration {
  readonly method: string;
  readonly path: string;
}

interface CompiledRoute {
  readonly method: string;
  readonly path: string;
  readonly segments: readonly string[];
  readonly staticCount: number;
}

const PARAM = ':param';

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

const isParam = (segment: string): boolean => segment.startsWith(':');

/**
 * Turns a request path into the template of the route it addresses, so that a log line never holds a path
 * parameter (subject ids, session ids, references). A path that matches no declared route keeps only the
 * segments that are static parts of some route; every other segment becomes `:param`.
 */
export class RouteTemplates {
  private readonly routes: readonly CompiledRoute[];
  private readonly vocabulary: ReadonlySet<string>;

  constructor(routes: readonly RouteDeclaration[]) {
    this.routes = routes.map((route) => {
      const segments = segmentsOf(route.path);
      return {
        method: route.method.toUpperCase(),
        path: `/${segments.join('/')}`,
        segments: segments.map((s) => (isParam(s) ? s : s.toLowerCase())),
        staticCount: segments.filter((s) => !isParam(s)).length,
      };
    });
    this.vocabulary = new Set(this.routes.flatMap((route) => route.segments.filter((s) => !isParam(s))));
  }

  templateOf(method: string, path: string): string {
    const segments = segmentsOf(path).map((s) => s.toLowerCase());
    const candidates = this.routes.filter(
      (route) =>
        route.segments.length === segments.length &&
        route.segments.every((s, i) => isParam(s) || s === segments[i]),
    );
    const verb = method.toUpperCase();
    const best = [...candidates].sort(
      (a, b) =>
        Number(b.method === verb || b.method === 'ALL') - Number(a.method === verb || a.method === 'ALL') ||
        b.staticCount - a.staticCount,
    )[0];
    if (best) return best.path;
    return `/${segments.map((s) => (this.vocabulary.has(s) ? s : PARAM)).join('/')}`;
  }
}

/** The route Express matched (`req.route.path`), when routing got that far and the app is not mounted. */
function matchedRoute(req: Request): string | undefined {
  const route = (req as { route?: { path?: unknown } }).route;
  return typeof route?.path === 'string' && req.baseUrl === '' ? route.path : undefined;
}

/** A finished request's route template: the one Express matched, else the closest declared one (never the path). */
export function routeOf(req: Request, templates: RouteTemplates): string {
  const path = (req.originalUrl || req.url).split('?')[0] ?? '/';
  return matchedRoute(req) ?? templates.templateOf(req.method, path);
}

export interface RequestLine {
  readonly msg: 'request';
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  readonly correlationId: string | undefined;
  readonly principalId?: string;
  readonly aborted?: true;
}

/** Probes and scrapes: liveness, readiness, health and metrics, asked every few seconds by machines. */
const PROBE_ROUTE = /^\/(health(\/(live|ready))?|metrics)$/;

/**
 * One log line per request when its response is complete (or the client went away): method, route template,
 * status, duration, principal id and correlation id. Never the raw path, the query, headers or bodies. A probe
 * or scrape that succeeded is logged at debug (orchestrators and Prometheus ask every few seconds; the line
 * would bury the requests people make); one that failed (a 503 from readiness) at info like any other.
 */
export function requestLogging(
  templates: RouteTemplates,
  logger: Pick<Logger, 'log' | 'debug'> = new Logger('Http'),
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    let logged = false;
    const done = (): void => {
      if (logged) return;
      logged = true;
      const request = req as ContextualRequest;
      const line: RequestLine = {
        msg: 'request',
        method: req.method,
        route: routeOf(req, templates),
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        correlationId: request.correlationId,
        ...(request.principal ? { principalId: request.principal.id } : {}),
        ...(res.writableFinished ? {} : { aborted: true as const }),
      };
      if (line.status < 400 && line.method === 'GET' && PROBE_ROUTE.test(line.route)) logger.debug(line);
      else logger.log(line);
    };
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}
