import type { INestApplication, LoggerService, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { DestinationStream } from 'pino';
import { jsonDepthLimit, securityHeaders, strictJsonContentType } from '../platform/auth/hostile-input';
import { registeredRoutes } from '../platform/auth/route-inventory';
import { FieldProblemView, ProblemView, withAuthProblems } from '../platform/http/openapi';
import { ProblemDetailsFilter } from '../platform/http/problem-details.filter';
import { correlationMiddleware } from '../platform/http/request-context';
import { livenessMiddleware } from './health/liveness';
import { createValidationPipe } from '../platform/http/validation';
import { AppModule, type AppOverrides } from './app.module';
import { serveConsole } from './console/console-assets';
import type { AppConfig } from '../platform/config/config';
import { rolesMiddleware } from '../platform/roles/process-roles';
import { LedgerLogger } from '../platform/observability/logger';
import { requestLogging, RouteTemplates } from '../platform/observability/request-logging';
import { tracingMiddleware } from '../platform/observability/tracing-http';
import { tracingEnabled } from '../shared/tracing';

/** Largest JSON request body. Commands are small; evidence carries references, never images. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface CreateAppOptions {
  /** `false`: no logs at all; a LoggerService: that one; default: JSON lines through pino at `LOG_LEVEL`. */
  readonly logger?: LoggerService | false;
  /** Where the default JSON logger writes instead of stdout (tests capture the lines with it). */
  readonly logDestination?: DestinationStream;
  readonly overrides?: AppOverrides;
}

/** Builds the Nest application for a resolved configuration (used by main and by end-to-end tests). */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<INestApplication> {
  const logger =
    options.logger ?? new LedgerLogger({ level: config.logLevel, destination: options.logDestination });
  const nestOptions: NestApplicationOptions = {
    logger,
    // Logs of building the module graph are held until it stands (or fails), then written through the logger.
    bufferLogs: logger !== false,
    abortOnError: false,
    bodyParser: false,
    // The JSON parser keeps the exact bytes as `req.rawBody`: vendor webhook signatures cover those.
    rawBody: true,
  };
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.overrides),
    nestOptions,
  );
  app.flushLogs();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy); // LEDGER_TRUST_PROXY: whose X-Forwarded-For names the client
  const routes = new RouteTemplates(registeredRoutes(app));
  // While tracing is on (docs/tracing.md, registered before the app is built): a server span per request, parent
  // of everything the request runs. Not installed at all otherwise.
  if (tracingEnabled()) app.use(tracingMiddleware(routes));
  // First (after the span), so that every request gets its line, also those refused by the middleware below.
  app.use(requestLogging(routes));
  app.use(securityHeaders());
  // A process without the api or webhooks role (LEDGER_ROLES) refuses those routes before any other work.
  const roles = rolesMiddleware(config.roles);
  if (roles !== undefined) app.use(roles);
  // The web console's static files, with their own content security policy.
  serveConsole(app);
  app.use(correlationMiddleware);
  // Liveness answers here, before body parsing, guards and pipes (it needs none of them).
  app.use(livenessMiddleware);
  // Hostile input: bodies are JSON only, at most MAX_BODY_BYTES, nested at most MAX_JSON_DEPTH deep.
  app.use(strictJsonContentType);
  // Vendors' webhook routes read the raw body for signature checks; the JSON parser keeps it.
  app.useBodyParser('json', { limit: MAX_BODY_BYTES, strict: true });
  app.use(jsonDepthLimit);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  setupOpenApi(app);
  return app;
}

/** Tags of the document, each with what its operations are for. */
const OPENAPI_TAGS: readonly (readonly [string, string])[] = [
  [
    'verifications',
    'Verification sessions: commands (start, capture, evidence, results, review, overrides) and reads',
  ],
  ['subjects', 'Subjects: consents, end of the business relationship, legal holds, and their reads'],
  ['reviews', 'The manual review queue'],
  ['audit', 'Explanations, checkpoints, inclusion proofs and audit bundles'],
  ['privacy', 'Data-subject requests: access, erasure, restriction, retention'],
  ['projections', 'Read models: parked events'],
  ['webhooks', 'Vendor webhooks and parked deliveries'],
  ['health', 'Liveness and readiness'],
  ['metrics', 'Prometheus metrics'],
  ['console', 'The web console: who the signed-in principal is'],
];

/** The OpenAPI 3 document of the application's routes (served at /docs-json, linted in CI). */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('kyc-ledger')
    .setDescription(
      'Event-sourced KYC compliance ledger. Errors are RFC 9457 problem documents (application/problem+json) ' +
        'with a stable `code`. Commands return the new stream revision and the global `position`; queries ' +
        'accept `X-Min-Position`. A process started without the role a route belongs to (`LEDGER_ROLES`: `api`, ' +
        'or `webhooks` for vendors’ inbound webhooks) answers it with 421 `role_not_served`.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED (proprietary)', 'https://kyc-ledger.dev/license')
    .addServer('/', 'This service')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'API key (LEDGER_API_KEYS) or JWT (LEDGER_JWKS_URL)',
    });
  for (const [name, description] of OPENAPI_TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    // ProblemView is referenced by every operation's error answers, also those filled in below.
    extraModels: [ProblemView, FieldProblemView],
  });
  return withAuthProblems(document);
}

function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    raw: ['json'],
  });
}
