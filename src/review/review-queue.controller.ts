import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiEndpoint, READ_PROBLEMS } from '../platform/http/openapi';
import { Roles } from '../platform/auth/auth.decorators';
import { RequestValidationError } from '../platform/http/validation';
import { CLOCK, type Clock } from '../shared/clock';
import { REVIEW_QUEUE } from './review-queue.projection';
import { ReadsProjection } from '../projections/queries/read-your-writes';
import {
  queueItemView,
  ReviewQueuePage,
  ReviewQueueQuery,
  ReviewQueueRepository,
  type TriageKey,
} from './review-queue.queries';

@ApiTags('reviews')
@Controller('v1/review-queue')
export class ReviewQueueController {
  constructor(
    private readonly queue: ReviewQueueRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('reviewer', 'senior_reviewer')
  @ApiEndpoint({
    summary: 'Pending reviews in triage order (priority, SLA due time, age), with assignee and SLA breach',
    operationId: 'listReviewQueue',
    response: ReviewQueuePage,
    problems: ['validation_failed', ...READ_PROBLEMS],
  })
  @ReadsProjection(REVIEW_QUEUE)
  async list(@Query() query: ReviewQueueQuery): Promise<ReviewQueuePage> {
    const now = this.clock.now();
    const limit = Number(query.limit ?? '50');
    const rows = await this.queue.page({
      ...(query.queue === undefined ? {} : { queue: query.queue }),
      ...(query.assignee === undefined ? {} : { assignee: query.assignee }),
      ...(query.unassigned === undefined ? {} : { unassigned: query.unassigned === 'true' }),
      ...(query.breached === undefined ? {} : { breached: query.breached === 'true' }),
      ...(query.cursor === undefined ? {} : { after: decodeCursor(query.cursor) }),
      now: now.toISOString(),
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((row) => queueItemView(row, now)),
      ...(rows.length > limit && last !== undefined ? { nextCursor: encodeCursor(last) } : {}),
      asOf: now.toISOString(),
    };
  }
}

export function encodeCursor(key: TriageKey): string {
  return Buffer.from(JSON.stringify([key.priority, key.slaDueAt, key.requestedAt, key.sessionId])).toString(
    'base64url',
  );
}

export function decodeCursor(cursor: string): TriageKey {
  const invalid = (): never => {
    throw new RequestValidationError([
      { field: 'cursor', problems: ['cursor must be a cursor from a previous page'] },
    ]);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) return invalid();
  const [priority, slaDueAt, requestedAt, sessionId] = parsed as unknown[];
  if (
    typeof priority !== 'number' ||
    !Number.isSafeInteger(priority) ||
    typeof slaDueAt !== 'string' ||
    typeof requestedAt !== 'string' ||
    typeof sessionId !== 'string'
  ) {
    return invalid();
  }
  return { priority, slaDueAt, requestedAt, sessionId };
}
