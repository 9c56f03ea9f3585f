import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiEndpoint } from '../../platform/http/openapi';
import type { Response } from 'express';
import { Public } from '../../platform/auth/auth.decorators';
import { HealthService, type HealthReport } from './health.service';

export class DependencyCheckView {
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
  @ApiProperty() latencyMs!: number;
  @ApiPropertyOptional() error?: string;
}

export class EventStoreCheckView extends DependencyCheckView {
  @ApiProperty({ enum: ['sqlite', 'eventstoredb'] }) adapter!: string;
  @ApiPropertyOptional() headPosition?: number;
}

export class ReadModelsCheckView extends DependencyCheckView {
  @ApiProperty({ enum: ['sqlite', 'postgres'] }) database!: string;
}

export class HealthChecksView {
  @ApiProperty({ type: EventStoreCheckView }) eventStore!: EventStoreCheckView;
  @ApiProperty({ type: ReadModelsCheckView }) readModels!: ReadModelsCheckView;
}

export class ComponentHealthView {
  @ApiProperty({ enum: ['up', 'degraded', 'down'] }) status!: string;
  @ApiProperty({ description: 'Whether down makes the service unready' }) critical!: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
}

export class HealthReportView {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: string;
  @ApiProperty({ enum: ['embedded', 'production'] }) profile!: string;
  @ApiProperty({ type: HealthChecksView }) checks!: HealthChecksView;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ComponentHealthView) },
    description: 'Projections, publisher and schedulers',
  })
  components!: Record<string, ComponentHealthView>;
}

export class LivenessView {
  @ApiProperty({ enum: ['ok'] }) status!: string;
}

const UNAVAILABLE = { status: 503, description: 'A dependency does not answer', type: HealthReportView };

@ApiExtraModels(ComponentHealthView)
@Public()
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Readiness and liveness in one answer: 200 when every dependency answers, 503 otherwise. */
  @Get()
  @ApiEndpoint({
    summary: 'Readiness and liveness in one answer (200 when every dependency answers, 503 otherwise)',
    operationId: 'getHealth',
    public: true,
    response: HealthReportView,
  })
  @ApiResponse(UNAVAILABLE)
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  /** Liveness only: the process serves HTTP. Orchestrators restart on failure here, not on readiness. */
  @Get('live')
  @ApiEndpoint({
    summary: 'Liveness: the process serves HTTP',
    operationId: 'getLiveness',
    public: true,
    response: LivenessView,
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiEndpoint({
    summary: 'Readiness: 200 when every dependency answers, 503 otherwise',
    operationId: 'getReadiness',
    public: true,
    response: HealthReportView,
  })
  @ApiResponse(UNAVAILABLE)
  ready(@Res({ passthrough: true }) res: Response): Promise<HealthReport> {
    return this.check(res);
  }
}
