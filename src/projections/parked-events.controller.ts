import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint } from '../platform/http/openapi';
import { IsOptional, IsString, Matches } from 'class-validator';
import { DataSource } from 'typeorm';
import { Roles } from '../platform/auth/auth.decorators';
import { ParkedEventEntity } from './core/parked-event.entity';
import { ParkedEventNotFoundError } from './projection.errors';
import { ProjectionService } from './projection.service';

export class ParkedEventQuery {
  @ApiPropertyOptional({ description: 'Only this projection’s parked events' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,119}$/, { message: 'projection must be a projection name' })
  projection?: string;

  @ApiPropertyOptional({ description: 'The `nextAfter` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,15}\.[a-z][a-z0-9_]{0,119}$/, { message: 'after must be a nextAfter this API returned' })
  after?: string;

  @ApiPropertyOptional({ description: '1–500 (default 100)' })
  @IsOptional()
  @Matches(/^(?:[1-9]\d{0,1}|[1-4]\d{2}|500)$/, { message: 'limit must be an integer from 1 to 500' })
  limit?: string;
}

export class ParkedEventView {
  @ApiProperty({
    description: 'Id for retry: `<projection>:<position>`',
    example: 'verification_status:1234',
  })
  id!: string;
  @ApiProperty() projection!: string;
  @ApiProperty({ description: 'Global position of the event in the ledger' }) position!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() stream!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'Stable reason: malformed_envelope, malformed_event, unknown_event_type, …' })
  errorCode!: string;
  @ApiProperty({ description: 'What was wrong, naming fields, never values' }) errorDetail!: string;
  @ApiProperty() parkedAt!: string;
}

export class ParkedEventPage {
  @ApiProperty({ type: ParkedEventView, isArray: true }) items!: ParkedEventView[];
  @ApiPropertyOptional({ description: 'Pass as `after` for the next page; absent on the last page' })
  nextAfter?: string;
}

export class ParkedRetryRebuild {
  @ApiProperty({ description: 'Events the rebuild read' }) events!: number;
  @ApiProperty() seconds!: number;
  @ApiProperty({ description: 'Checkpoint the rebuilt tables took over at' }) position!: number;
  @ApiProperty() generation!: number;
  @ApiProperty({ description: 'Events of this projection parked after the rebuild' }) parked!: number;
}

export class ParkedRetryResponse {
  @ApiProperty() projection!: string;
  @ApiProperty() position!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty({
    enum: ['applied', 'parked_again'],
    description: '`applied`: the event is in the read model now; `parked_again`: it still cannot be applied',
  })
  outcome!: 'applied' | 'parked_again';
  @ApiPropertyOptional({ description: 'Why it was parked again' }) errorCode?: string;
  @ApiProperty({ type: ParkedRetryRebuild }) rebuild!: ParkedRetryRebuild;
}

/**
 * Events a projection could not apply and went past (the projection engine parks them so nothing is dropped
 * silently): listed for whoever runs the service. After a fix, `kyc-ledger rebuild <projection>` applies them
 * again in ledger order (docs/projections.md); so does a retry here, for the parked event's projection.
 */
@ApiTags('projections')
@Controller('v1/projections/parked')
export class ParkedEventsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projections: ProjectionService,
  ) {}

  @Get()
  @Roles('admin')
  @ApiEndpoint({
    summary: 'Events the projections parked, in ledger order',
    operationId: 'listParkedEvents',
    response: ParkedEventPage,
    problems: ['validation_failed'],
  })
  async list(@Query() query: ParkedEventQuery): Promise<ParkedEventPage> {
    const limit = query.limit === undefined ? 100 : Number(query.limit);
    const rows = this.dataSource.getRepository(ParkedEventEntity).createQueryBuilder('p');
    if (query.projection !== undefined)
      rows.andWhere('p.projection = :projection', { projection: query.projection });
    if (query.after !== undefined) {
      const dot = query.after.indexOf('.');
      const position = Number(query.after.slice(0, dot));
      const projection = query.after.slice(dot + 1);
      rows.andWhere(
        '(p.position > :position OR (p.position = :position AND p.projection > :afterProjection))',
        {
          position,
          afterProjection: projection,
        },
      );
    }
    const found = await rows
      .orderBy('p.position', 'ASC')
      .addOrderBy('p.projection', 'ASC')
      .limit(limit + 1)
      .getMany();
    const page = found.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        id: `${row.projection}:${row.position}`,
        projection: row.projection,
        position: row.position,
        eventId: row.eventId,
        stream: row.stream,
        revision: row.revision,
        type: row.type,
        errorCode: row.errorCode,
        errorDetail: row.errorDetail,
        parkedAt: row.parkedAt,
      })),
      ...(found.length > limit && last !== undefined
        ? { nextAfter: `${last.position}.${last.projection}` }
        : {}),
    };
  }

  @Post(':id/retry')
  @Roles('admin')
  @HttpCode(HttpStatus.OK)
  @ApiEndpoint({
    summary: 'Apply a parked event again once its cause is fixed (rebuilds its projection online)',
    operationId: 'retryParkedEvent',
    response: ParkedRetryResponse,
    problems: ['parked_event_not_found', 'rebuild_in_progress', 'event_store_unavailable'],
  })
  async retry(@Param('id') id: string): Promise<ParkedRetryResponse> {
    const match = /^([a-z][a-z0-9_]{0,119}):([1-9]\d{0,14})$/.exec(id);
    if (match === null) throw new ParkedEventNotFoundError();
    const result = await this.projections.retryParked(match[1] ?? '', Number(match[2]));
    return { ...result, rebuild: { ...result.rebuild } };
  }
}
