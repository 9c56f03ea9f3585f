import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Observable } from 'rxjs';
import { RequestValidationError } from '../../platform/http/validation';
import type { AppConfig } from '../../platform/config/config';
import { APP_CONFIG } from '../../platform/config/tokens';
import { EVENT_STORE, type EventStore } from '../../ledger/event-store.port';
import { LedgerError } from '../../shared/ledger-error';
import { ProjectionProgress } from '../core/projection-progress';
import { ReadModelBehindError } from '../projection.errors';

const READ_MODEL_KEY = 'kyc-ledger:read-model';
const POSITION = /^\d{1,15}$/;
/** What a client waits before asking again after a 503 `read_model_behind`. */
const RETRY_AFTER_SECONDS = 1;

/**
 * `X-Min-Position` names a position the ledger has not written: no wait could reach it (a position from another
 * deployment, or a typo). Answered at once; the header's value is not echoed, the head is given.
 */
export class PositionBeyondHeadError extends LedgerError {
  readonly code = 'position_beyond_head';
  override readonly httpStatus = 422;
  constructor(head: number) {
    super(
      `X-Min-Position is beyond the ledger's last position (${head}); send the position a command response gave`,
      { field: 'X-Min-Position', headPosition: head },
    );
  }
}

/**
 * Read-your-writes for a query of `projection`: with `X-Min-Position: <position from a command>`, the query
 * waits (at most `LEDGER_READ_WAIT_MS`) until the projection has committed that position, then answers with
 * `X-Read-Position`; past the bound it answers 503 `read_model_behind` with `Retry-After`. A position the ledger
 * has not written yet answers 422 `position_beyond_head` at once. Without the header, a query in a process that
 * applies the projection (and is not failing) answers once the projection has everything this process committed
 * (at most 1 s), the commits still waiting for the end of a follower wake-up window (`LEDGER_FOLLOWER_WAKE_MS`)
 * handed over at once.
 */
export function ReadsProjection(projection: string): MethodDecorator {
  return applyDecorators(
    SetMetadata(READ_MODEL_KEY, projection),
    UseInterceptors(ReadYourWritesInterceptor),
    ApiHeader({
      name: 'X-Min-Position',
      required: false,
      description:
        'Global position (from a command response) the answer must include; waits, bounded, for it',
    }),
    ApiResponse({
      status: 422,
      description: "position_beyond_head: X-Min-Position is beyond the ledger's last position",
    }),
    ApiResponse({
      status: 503,
      description: 'read_model_behind: the position was not reached in time (Retry-After)',
    }),
  );
}

/** The longest a query without `X-Min-Position` waits for a projection of this process to apply its commits. */
const PLAIN_READ_WAIT_MS = 1000;

@Injectable()
export class ReadYourWritesInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const projection = this.reflector.get<string | undefined>(READ_MODEL_KEY, context.getHandler());
    const http = context.switchToHttp();
    const header = http.getRequest<Request>().header('x-min-position');
    if (projection === undefined) return next.handle();
    if (header === undefined) {
      // Where this process applies the projection (and it is not failing), the read sees everything this process
      // has committed: the followers take the commits still waiting for the end of a wake-up window
      // (LEDGER_FOLLOWER_WAKE_MS) at once, and the read waits for the projection to have them (bounded; past the
      // bound it answers as it is).
      const through = this.store.hurrySubscriptions?.();
      if (
        through !== undefined &&
        through > this.progress.known(projection) &&
        this.progress.appliesHere(projection)
      ) {
        await this.progress.waitFor(
          projection,
          through,
          Math.min(this.config.readWaitMs, PLAIN_READ_WAIT_MS),
        );
      }
      return next.handle();
    }
    if (!POSITION.test(header)) {
      throw new RequestValidationError([
        { field: 'X-Min-Position', problems: ['X-Min-Position must be a non-negative integer position'] },
      ]);
    }
    const response = http.getResponse<Response>();
    const wanted = Number(header);
    if (this.progress.known(projection) < wanted) {
      const head = await this.store.headPosition();
      if (wanted > head) throw new PositionBeyondHeadError(head);
    }
    // Not behind a follower wake-up window: the caller waits for its own write.
    if (this.progress.known(projection) < wanted) this.store.hurrySubscriptions?.();
    const result = await this.progress.waitFor(projection, wanted, this.config.readWaitMs);
    if (!result.reached) {
      throw new ReadModelBehindError(projection, wanted, result.position, RETRY_AFTER_SECONDS);
    }
    response.setHeader('X-Read-Position', String(result.position));
    return next.handle();
  }
}
