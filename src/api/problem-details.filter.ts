import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { LedgerError } from '../shared/ledger-error';

/** HTTP status for each stable error code. Codes not listed are 400 (a client mistake) unless marked otherwise. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
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
 * code only and answered without detail, so nothing from a request or an event can leak through an error.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const problem = this.toProblem(exception);
    problem.instance = request.path;
    if (problem.status >= 500) {
      const name = exception instanceof Error ? exception.constructor.name : typeof exception;
      this.logger.error(`${request.method} ${request.path} failed: ${name} (${problem.code})`);
    }
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown): ProblemDetails {
    if (exception instanceof LedgerError) {
      const status = STATUS_BY_CODE[exception.code] ?? HttpStatus.BAD_REQUEST;
      return {
        type: `${PROBLEM_TYPE_BASE}${exception.code}`,
        title: exception.code.replaceAll('_', ' '),
        status,
        code: exception.code,
        ...(status < 500 ? { detail: exception.message, ...exception.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'bad_request');
      const body = exception.getResponse();
      const message = typeof body === 'object' && 'message' in body ? body.message : body;
      return {
        type: `${PROBLEM_TYPE_BASE}${code}`,
        title: code.replaceAll('_', ' '),
        status,
        code,
        ...(status < 500 && typeof message === 'string' ? { detail: message } : {}),
        ...(status < 500 && Array.isArray(message) ? { errors: message as unknown[] } : {}),
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
