import { createHash } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { catchError, from, mergeMap, type Observable, of, throwError } from 'rxjs';
import { canonicalJson } from '../../../shared/canonical-json';
import type { ContextualRequest } from '../request-context';
import {
  IdempotencyKeyInProgressError,
  IdempotencyKeyReusedError,
  InvalidIdempotencyKeyError,
} from './idempotency.errors';
import { IdempotencyRepository } from './idempotency.repository';

export const IDEMPOTENT_KEY = 'kyc-ledger:idempotent';

/** Marks a creating command: an `Idempotency-Key` header makes a repeat return the first response. */
export const Idempotent = (): MethodDecorator => SetMetadata(IDEMPOTENT_KEY, true);

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotency-Key handling (per principal). The same key with the same request returns the first response
 * (with `Idempotent-Replayed: true`); the same key with a different request is a 422. Only successful
 * responses are kept: a failed request may be retried with the same key, and because handlers derive ids
 * from the key, a retry after a crash re-appends the same events, which the event store absorbs.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly records: IdempotencyRepository,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.get<boolean | undefined>(IDEMPOTENT_KEY, context.getHandler()) !== true) {
      return next.handle();
    }
    const http = context.switchToHttp();
    const req = http.getRequest<ContextualRequest>();
    const res = http.getResponse<Response>();
    const key = req.header('idempotency-key');
    const principal = req.principal?.id;
    if (key === undefined || principal === undefined) return next.handle();
    if (!KEY_PATTERN.test(key)) throw new InvalidIdempotencyKeyError();

    const requestHash = createHash('sha256')
      .update(`${req.method} ${req.path}\n${canonicalJson(req.body ?? null)}`)
      .digest('hex');
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (req.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);

    return from(this.records.claim(principal, key, requestHash, new Date())).pipe(
      mergeMap((claim) => {
        if (claim.kind !== 'claimed' && claim.requestHash !== requestHash)
          throw new IdempotencyKeyReusedError();
        if (claim.kind === 'in_progress') throw new IdempotencyKeyInProgressError();
        if (claim.kind === 'replay') {
          res.setHeader('Idempotent-Replayed', 'true');
          return of(JSON.parse(claim.body) as unknown);
        }
        req.idempotencyScope = `${principal}\n${key}`;
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.records.complete(principal, key, status, JSON.stringify(body ?? null));
            return body;
          }),
          catchError((error: unknown) =>
            from(this.records.release(principal, key).catch(() => undefined)).pipe(
              mergeMap(() => throwError(() => error)),
            ),
          ),
        );
      }),
    );
  }
}
