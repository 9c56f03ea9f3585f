import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../domain/shared/domain-error';
import { LedgerError } from '../../shared/ledger-error';
import type { ContextualRequest } from './request-context';

/** HTTP status for each stable error code. Codes not listed are 400 (a client mistake) unless marked otherwise. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  validation_failed: HttpStatus.BAD_REQUEST,
  invalid_idempotency_key: HttpStatus.BAD_REQUEST,
  idempotency_key_reused: HttpStatus.UNPROCESSABLE_ENTITY,
  idempotency_key_in_progress: HttpStatus.CONFLICT,
  illegal_transition: HttpStatus.CONFLICT,
  four_eyes_violation: HttpStatus.FORBIDDEN,
  senior_reviewer_required: HttpStatus.FORBIDDEN,
  compliance_clearance_required: HttpStatus.FORBIDDEN,
  evidence_required: HttpStatus.CONFLICT,
  too_many_attempts: HttpStatus.CONFLICT,
  note_required: HttpStatus.UNPROCESSABLE_ENTITY,
  consent_not_found: HttpStatus.NOT_FOUND,
  legal_hold_not_found: HttpStatus.NOT_FOUND,
  override_not_found: HttpStatus.NOT_FOUND,
  consent_already_exists: HttpStatus.CONFLICT,
  consent_already_withdrawn: HttpStatus.CONFLICT,
  relationship_already_ended: HttpStatus.CONFLICT,
  relationship_not_ended: HttpStatus.CONFLICT,
  relationship_end_before_start: HttpStatus.UNPROCESSABLE_ENTITY,
  relationship_end_backdated_too_far: HttpStatus.UNPROCESSABLE_ENTITY,
  subject_not_found: HttpStatus.NOT_FOUND,
  legal_hold_already_exists: HttpStatus.CONFLICT,
  legal_hold_already_released: HttpStatus.CONFLICT,
  legal_hold_active: HttpStatus.CONFLICT,
  processing_restricted: HttpStatus.CONFLICT,
  erasure_release_required: HttpStatus.CONFLICT,
  restriction_not_in_force: HttpStatus.CONFLICT,
  erasure_request_not_found: HttpStatus.NOT_FOUND,
  consent_evidence_required: HttpStatus.UNPROCESSABLE_ENTITY,
  unknown_erasure_ground: HttpStatus.UNPROCESSABLE_ENTITY,
  override_already_exists: HttpStatus.CONFLICT,
  override_pending: HttpStatus.CONFLICT,
  override_already_decided: HttpStatus.CONFLICT,
  override_outcome_unchanged: HttpStatus.CONFLICT,
  override_not_permitted: HttpStatus.CONFLICT,
  review_assigned_to_other: HttpStatus.CONFLICT,
  reassignment_not_allowed: HttpStatus.FORBIDDEN,
  evidence_id_conflict: HttpStatus.CONFLICT,
  verification_expired: HttpStatus.CONFLICT,
  not_yet_due: HttpStatus.CONFLICT,
  policy_mismatch: HttpStatus.INTERNAL_SERVER_ERROR,
  unknown_tier: HttpStatus.INTERNAL_SERVER_ERROR,
  policy_invalid: HttpStatus.INTERNAL_SERVER_ERROR,
  policy_unavailable: HttpStatus.INTERNAL_SERVER_ERROR,
  no_active_policy: HttpStatus.SERVICE_UNAVAILABLE,
  not_found: HttpStatus.NOT_FOUND,
  concurrency_conflict: HttpStatus.CONFLICT,
  duplicate_event_id: HttpStatus.CONFLICT,
  event_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  append_too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  event_store_incompatible: HttpStatus.INTERNAL_SERVER_ERROR,
  invalid_stream_name: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid_expected_revision: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid_event: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid_pii_section: HttpStatus.UNPROCESSABLE_ENTITY,
  event_store_unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  decryption_failed: HttpStatus.INTERNAL_SERVER_ERROR,
  invalid_kek: HttpStatus.INTERNAL_SERVER_ERROR,
};

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
  503: 'unavailable',
};

export const PROBLEM_TYPE_BASE = 'https://kyc-ledger.dev/problems/';

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/**
 * Every error leaves as RFC 9457 problem JSON with a stable `code`. Unexpected errors are logged by class and
 * code only (the app logger never writes an error's message) and answered without detail, so nothing from a
 * request or an event can leak through an error.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const problem = this.toProblem(exception);
    // The route's template, never the path itself: a path can carry a value the route then refused, and an
    // unknown route's path is all input. No route matched: no instance.
    const instance = routeTemplate(request);
    if (instance === undefined) delete problem.instance;
    else problem.instance = instance;
    // Webhook senders sign their bodies; a bearer challenge would send them the wrong way.
    if (problem.status === 401 && !request.path.startsWith('/v1/webhooks/')) {
      response.setHeader('WWW-Authenticate', 'Bearer');
    }
    // Errors that know when a retry can succeed (a read model behind) say so.
    const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (exception instanceof LedgerError && typeof retryAfter === 'number') {
      response.setHeader('Retry-After', String(retryAfter));
    }
    if (problem.status >= 500) {
      // No path: it can hold a subject id. The request's own line, same correlation id, names the route.
      this.logger.error({
        msg: 'request failed',
        code: problem.code,
        err: exception instanceof Error ? exception : { type: typeof exception },
        correlationId: (request as ContextualRequest).correlationId,
      });
    }
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof LedgerError) {
      const status =
        exception.httpStatus ??
        STATUS_BY_CODE[exception.code] ??
        (exception instanceof DomainError ? HttpStatus.UNPROCESSABLE_ENTITY : HttpStatus.BAD_REQUEST);
      // Details first: the problem's own members (type, status, code, …) can never be overwritten by them.
      return {
        ...(status < 500 ? exception.details : {}),
        type: `${PROBLEM_TYPE_BASE}${exception.code}`,
        title: exception.code.replaceAll('_', ' '),
        status,
        code: exception.code,
        ...(status < 500 ? { detail: exception.message } : {}),
      };
    }
    const bodyParser = bodyParserProblem(exception);
    if (bodyParser) return bodyParser;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // The application throws LedgerErrors only; HttpExceptions come from the framework. Their messages can
      // quote the request (a JSON syntax error quotes the body, a 404 the path and query): none passes through.
      const body = exception.getResponse();
      const message = typeof body === 'object' && 'message' in body ? body.message : body;
      const jsonSyntax = status === 400 && typeof message === 'string' && /JSON/.test(message);
      const code = jsonSyntax
        ? 'malformed_json'
        : (CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request'));
      // Route-level messages ("Cannot GET /path?query") quote the request: a fixed sentence instead.
      const detail = jsonSyntax
        ? 'the request body is not valid JSON'
        : status === 404
          ? 'no route matches this method and path; see /docs for the API'
          : status === 405
            ? 'the route does not allow this method'
            : undefined;
      return {
        type: `${PROBLEM_TYPE_BASE}${code}`,
        title: code.replaceAll('_', ' '),
        status,
        code,
        ...(detail === undefined ? {} : { detail }),
      };
    }
    return {
      type: `${PROBLEM_TYPE_BASE}internal_error`,
      title: 'internal error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'internal_error',
    };
  }
}

/** `/v1/verifications/{sessionId}` for the route that matched (its parameters named, not filled in). */
function routeTemplate(request: Request): string | undefined {
  const route = (request as { route?: { path?: unknown } }).route;
  if (typeof route?.path !== 'string') return undefined;
  return route.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/** Errors of Express's body parser (too large, not JSON, bad charset): they carry `type` and `status`. */
function bodyParserProblem(exception: unknown): ProblemDetails | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { type, status } = exception as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  const known: Record<string, { code: string; detail: string }> = {
    'entity.too.large': { code: 'payload_too_large', detail: 'the request body is larger than the limit' },
    'entity.parse.failed': { code: 'malformed_json', detail: 'the request body is not valid JSON' },
    'encoding.unsupported': {
      code: 'unsupported_encoding',
      detail: 'the request body encoding is not supported',
    },
    'charset.unsupported': {
      code: 'unsupported_encoding',
      detail: 'the request body charset is not supported',
    },
  };
  const entry = known[type];
  if (!entry) return undefined;
  return {
    type: `${PROBLEM_TYPE_BASE}${entry.code}`,
    title: entry.code.replaceAll('_', ' '),
    status,
    code: entry.code,
    detail: entry.detail,
  };
}
