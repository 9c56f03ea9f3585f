import type { INestApplication, LoggerService, LogLevel, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { jsonDepthLimit, securityHeaders, strictJsonContentType } from './api/auth/hostile-input';
import { ProblemDetailsFilter } from './api/problem-details.filter';
import { correlationMiddleware } from './api/request-context';
import { createValidationPipe } from './api/validation';
import { AppModule, type AppOverrides } from './app.module';
import type { AppConfig } from './config/config';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Largest JSON request body. Commands are small; evidence carries references, never images. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Builds the Nest application for a resolved configuration (used by main and by end-to-end tests). */
export async function createApp(
  config: AppConfig,
  options: { logger?: LoggerService | false; overrides?: AppOverrides } = {},
): Promise<INestApplication> {
  const nestOptions: NestApplicationOptions = {
    logger: options.logger ?? LEVELS[config.logLevel],
    abortOnError: false,
    bodyParser: false,
    // The JSON parser keeps the exact bytes as `req.rawBody`: vendor webhook signatures cover those.
    rawBody: true,
  };
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, options.overrides),
    nestOptions,
  );
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(correlationMiddleware);
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

function setupOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('kyc-ledger')
      .setDescription(
        'Event-sourced KYC compliance ledger. Errors are RFC 9457 problem documents (application/problem+json) ' +
          'with a stable `code`. Commands return the new stream revision and the global `position`; queries ' +
          'accept `X-Min-Position`.',
      )
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'API key (LEDGER_API_KEYS) or JWT (LEDGER_JWKS_URL)',
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', raw: ['json'] });
}
