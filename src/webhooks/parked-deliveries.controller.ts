import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint } from '../platform/http/openapi';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Roles } from '../platform/auth/auth.decorators';
import { RequestValidationError } from '../platform/http/validation';
import { LedgerError } from '../shared/ledger-error';
import { WEBHOOK_VENDORS } from './delivery';
import {
  type ParkedDeliveryRow,
  ParkedDeliveryRepository,
  type ParkReason,
} from './parked-delivery.repository';
import { WebhookIntake } from './webhook-intake.service';

const PARK_REASONS: readonly ParkReason[] = [
  'unknown_session',
  'result_not_in_payload',
  'unrecognised_payload',
  'sandbox_result',
];

export class ParkedDeliveryQuery {
  @ApiPropertyOptional({ enum: ['parked', 'resolved'], description: 'Default: all' })
  @IsOptional()
  @IsIn(['parked', 'resolved'], { message: 'status must be parked or resolved' })
  status?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_VENDORS })
  @IsOptional()
  @IsIn(WEBHOOK_VENDORS, { message: `vendor must be one of ${WEBHOOK_VENDORS.join(', ')}` })
  vendor?: string;

  @ApiPropertyOptional({ enum: PARK_REASONS })
  @IsOptional()
  @IsIn(PARK_REASONS, { message: `reason must be one of ${PARK_REASONS.join(', ')}` })
  reason?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,800}$/, { message: 'cursor must be a nextCursor this API returned' })
  cursor?: string;

  @ApiPropertyOptional({ description: '1–500 (default 100)' })
  @IsOptional()
  @Matches(/^(?:[1-9]\d{0,1}|[1-4]\d{2}|500)$/, { message: 'limit must be an integer from 1 to 500' })
  limit?: string;
}

export class ParkedDeliveryView {
  @ApiProperty({ description: 'Opaque id, for replay' }) id!: string;
  @ApiProperty({ enum: WEBHOOK_VENDORS }) vendor!: string;
  @ApiProperty({ description: 'The vendor’s event id' }) vendorEventId!: string;
  @ApiProperty({ description: 'The vendor’s event type (e.g. check.completed)' }) eventType!: string;
  @ApiProperty({ enum: PARK_REASONS }) reason!: string;
  @ApiProperty({ enum: ['parked', 'resolved'] }) status!: string;
  @ApiProperty() receivedAt!: string;
  @ApiPropertyOptional({ description: 'When the vendor says it happened' }) occurredAt?: string;
  @ApiPropertyOptional() resolvedSessionId?: string;
  @ApiPropertyOptional() resolvedAt?: string;
  @ApiProperty({ description: 'Whether a replay can record it (a delivery that waited for its session)' })
  replayable!: boolean;
}

export class ParkedDeliveryPage {
  @ApiProperty({ type: ParkedDeliveryView, isArray: true }) items!: ParkedDeliveryView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor`; null on the last page' })
  nextCursor!: string | null;
}

export class ParkedReplayResponse {
  @ApiProperty({ enum: ['replayed'] }) status!: 'replayed';
  @ApiProperty() sessionId!: string;
  @ApiProperty({ description: 'False when the session already held this vendor event (a duplicate)' })
  recorded!: boolean;
}

class ParkedDeliveryNotFoundError extends LedgerError {
  readonly code = 'parked_delivery_not_found';
  override readonly httpStatus = 404;
  constructor() {
    super('no parked delivery has this id');
  }
}

class ParkedDeliveryConflictError extends LedgerError {
  override readonly httpStatus = 409;
  constructor(
    readonly code: 'parked_delivery_resolved' | 'session_still_unknown' | 'parked_delivery_not_replayable',
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}

function idOf(vendor: string, eventId: string): string {
  return Buffer.from(JSON.stringify([vendor, eventId])).toString('base64url');
}

function parseId(id: string): { vendor: string; eventId: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { vendor: parsed[0], eventId: parsed[1] };
    }
  } catch {
    // Not one of ours: not found, below.
  }
  return undefined;
}

function view(row: ParkedDeliveryRow): ParkedDeliveryView {
  return {
    id: idOf(row.vendor, row.eventId),
    vendor: row.vendor,
    vendorEventId: row.eventId,
    eventType: row.eventType,
    reason: row.reason,
    status: row.status,
    receivedAt: row.receivedAt,
    ...(row.occurredAt === null ? {} : { occurredAt: row.occurredAt }),
    ...(row.resolvedSessionId === null ? {} : { resolvedSessionId: row.resolvedSessionId }),
    ...(row.resolvedAt === null ? {} : { resolvedAt: row.resolvedAt }),
    replayable: row.status === 'parked' && row.reason === 'unknown_session',
  };
}

/**
 * Webhook deliveries the intake kept instead of recording (unknown session, a result the payload does not carry,
 * an unreadable payload, a sandbox result): listed for whoever runs the service, and replayed on request once
 * the session is known. Never the payload's values: they may be personal data.
 */
@ApiTags('webhooks')
@Controller('v1/webhooks/parked')
export class ParkedDeliveriesController {
  constructor(
    private readonly parked: ParkedDeliveryRepository,
    private readonly intake: WebhookIntake,
  ) {}

  @Get()
  @Roles('admin')
  @ApiEndpoint({
    summary: 'Parked webhook deliveries, newest first (no payload values)',
    operationId: 'listParkedDeliveries',
    response: ParkedDeliveryPage,
    problems: ['validation_failed', 'event_store_unavailable'],
  })
  async list(@Query() query: ParkedDeliveryQuery): Promise<ParkedDeliveryPage> {
    let after: { receivedAt: string; vendor: string; eventId: string } | undefined;
    if (query.cursor !== undefined) {
      const decoded = parseCursor(query.cursor);
      if (decoded === undefined) {
        throw new RequestValidationError([
          { field: 'cursor', problems: ['cursor must be a nextCursor this API returned'] },
        ]);
      }
      after = decoded;
    }
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    const page = await this.parked.list({
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.vendor === undefined ? {} : { vendor: query.vendor }),
      ...(query.reason === undefined ? {} : { reason: query.reason }),
      ...(after === undefined ? {} : { after }),
      limit,
    });
    const last = page.rows.at(-1);
    return {
      items: page.rows.map(view),
      nextCursor:
        page.more && last !== undefined
          ? Buffer.from(JSON.stringify([last.receivedAt, last.vendor, last.eventId])).toString('base64url')
          : null,
    };
  }

  @Post(':id/replay')
  @Roles('admin')
  @HttpCode(HttpStatus.OK)
  @ApiEndpoint({
    summary: 'Replay a delivery that waited for its session: recorded once the session is known',
    operationId: 'replayParkedDelivery',
    response: ParkedReplayResponse,
    problems: [
      'parked_delivery_not_found',
      'parked_delivery_resolved',
      'session_still_unknown',
      'parked_delivery_not_replayable',
      'concurrency_conflict',
      'event_store_unavailable',
    ],
  })
  async replay(@Param('id') id: string): Promise<ParkedReplayResponse> {
    const key = /^[A-Za-z0-9_-]{1,800}$/.test(id) ? parseId(id) : undefined;
    if (key === undefined) throw new ParkedDeliveryNotFoundError();
    const result = await this.intake.replayParked(key.vendor, key.eventId);
    switch (result.outcome) {
      case 'replayed':
        return { status: 'replayed', sessionId: result.sessionId, recorded: result.recorded };
      case 'not_found':
        throw new ParkedDeliveryNotFoundError();
      case 'already_resolved':
        throw new ParkedDeliveryConflictError(
          'parked_delivery_resolved',
          'the delivery was recorded already',
        );
      case 'session_still_unknown':
        throw new ParkedDeliveryConflictError(
          'session_still_unknown',
          'no session is known for this delivery yet: it stays parked and is replayed by itself once one is',
        );
      case 'not_replayable':
        throw new ParkedDeliveryConflictError(
          'parked_delivery_not_replayable',
          'a delivery parked for this reason cannot be replayed from what was kept',
          { reason: result.reason },
        );
      default: {
        const unhandled: never = result;
        return unhandled;
      }
    }
  }
}

function parseCursor(cursor: string): { receivedAt: string; vendor: string; eventId: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((part) => typeof part === 'string')) {
      const [receivedAt, vendor, eventId] = parsed as [string, string, string];
      return { receivedAt, vendor, eventId };
    }
  } catch {
    // Not one of ours.
  }
  return undefined;
}
