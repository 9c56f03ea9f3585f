import { Controller, Get, HttpStatus, Req, Res } from '@nestjs/common';
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
import { type AuthenticatedRequest, Public, ReadsCredentials } from '../../platform/auth/auth.decorators';
import { HEALTH_DETAIL_ROLES } from '../../platform/auth/authorization-matrix';
import { hasRole } from '../../platform/auth/principal';
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

const DETAILS_ONLY =
  'Only for a caller authenticated with the role operator or auditor (admin holds every role)';

/**
 * What `GET /health` and `GET /health/ready` answer. Anyone gets `status`; the details (profile, checks with the
 * event store's head position, components) only an operator or auditor, since they describe the deployment and
 * its volume to whoever asks.
 */
export class HealthReportView {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: string;
  @ApiPropertyOptional({ enum: ['embedded', 'production'], description: DETAILS_ONLY }) profile?: string;
  @ApiPropertyOptional({ type: HealthChecksView, description: DETAILS_ONLY }) checks?: HealthChecksView;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(ComponentHealthView) },
    description: `Projections, publisher and schedulers. ${DETAILS_ONLY}`,
  })
  components?: Record<string, ComponentHealthView>;
}

export class LivenessView {
  @ApiProperty({ enum: ['ok'] }) status!: string;
}

const UNAVAILABLE = {
  status: 503,
  description: 'A dependency does not answer (details, naming it, only for an operator or auditor)',
  type: HealthReportView,
};

const WHO_SEES_WHAT =
  'Anyone may call it and gets `{"status": …}` only. With `Authorization: Bearer <api key | JWT>` of a principal ' +
  'holding the role operator or auditor (admin holds every role), the answer also has the profile, the checks ' +
  "(the event store's head position among them) and the components; any other principal gets the bare status " +
  '(never 403). Credentials that do not authenticate are refused 401 as on every other endpoint, and spend the ' +
  "client address's failed-authentication budget (429 once it is spent); without credentials nothing is ever " +
  'limited.';

/** The bare answer: whether the service is ready, and nothing about the deployment behind it. */
export type HealthAnswer = HealthReport | Pick<HealthReport, 'status'>;

@ApiExtraModels(ComponentHealthView)
@Public()
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Readiness and liveness in one answer: 200 when every dependency answers, 503 otherwise. */
  @Get()
  @ReadsCredentials()
  @ApiEndpoint({
    summary: 'Readiness and liveness in one answer (200 when every dependency answers, 503 otherwise)',
    description: WHO_SEES_WHAT,
    operationId: 'getHealth',
    public: true,
    credentialsOptional: true,
    response: HealthReportView,
  })
  @ApiResponse(UNAVAILABLE)
  async check(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HealthAnswer> {
    const report = await this.health.report();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const principal = request.principal;
    const details = principal !== undefined && HEALTH_DETAIL_ROLES.some((role) => hasRole(principal, role));
    return details ? report : { status: report.status };
  }

  /**
   * Liveness only: the process serves HTTP. Orchestrators restart on failure here, not on readiness. Requests
   * are answered by `livenessMiddleware` before they reach this route (no guard or pipe is needed for them);
   * the declaration keeps the route in the OpenAPI document and the route table, with the same answer.
   */
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
  @ReadsCredentials()
  @ApiEndpoint({
    summary: 'Readiness: 200 when every dependency answers, 503 otherwise',
    description: WHO_SEES_WHAT,
    operationId: 'getReadiness',
    public: true,
    credentialsOptional: true,
    response: HealthReportView,
  })
  @ApiResponse(UNAVAILABLE)
  ready(
    @Req() request: AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HealthAnswer> {
    return this.check(request, res);
  }
}
