import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { CORRELATION_ID, tracer } from '../../shared/tracing';
import type { ContextualRequest } from '../http/request-context';
import { routeOf, type RouteTemplates } from './request-logging';

/**
 * The caller's trace from its `traceparent`: trace id, span id and sampling flag only. Its `tracestate` and
 * `baggage` are free text a client chooses, so they are neither kept nor exported.
 */
function callerContext(headers: IncomingHttpHeaders): Context {
  const caller = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers));
  if (caller === undefined) return ROOT_CONTEXT;
  const { traceId, spanId, traceFlags } = caller;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags, isRemote: true });
}

/**
 * The server span of each request, parent of the command it runs: `POST /v1/verifications/:sessionId/evidence`,
 * with the method, the route template (as the request log has it), the status and the correlation id. Never the
 * raw path, the query, headers or bodies. An incoming `traceparent` continues the caller's trace. The application
 * installs it only while tracing is on (docs/tracing.md).
 */
export function tracingMiddleware(
  templates: RouteTemplates,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const parent = callerContext(req.headers);
    // Named by the method until the route is known: the raw path is never a span name.
    const span = tracer().startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    // The body parser and Nest continue from the request's and response's events: bind them to the span.
    context.bind(active, req);
    context.bind(active, res);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      const route = routeOf(req, templates);
      const correlationId = (req as ContextualRequest).correlationId;
      span.updateName(`${req.method} ${route}`);
      span.setAttributes({
        'http.route': route,
        'http.response.status_code': res.statusCode,
        ...(correlationId === undefined ? {} : { [CORRELATION_ID]: correlationId }),
        ...(res.writableFinished ? {} : { 'kyc.aborted': true }),
      });
      if (res.statusCode >= 500) {
        span.setAttribute('error.type', String(res.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    };
    res.once('finish', end);
    res.once('close', end);
    context.with(active, next);
  };
}
