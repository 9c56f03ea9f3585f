import 'reflect-metadata';
import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { createApp } from './app/app.factory';
import { applyHeapGrowth } from './app/heap-growth';
import { applyServerTimeouts } from './app/server-timeouts';
import { ConfigError, loadConfig } from './platform/config/config';
import {
  devApiKeyNotice,
  withEmbeddedSecrets,
  withLocalWebhookSecrets,
} from './platform/config/embedded-secrets';
import { LedgerLogger } from './platform/observability/logger';
import { otlpEndpoint } from './platform/observability/otlp-endpoint';
import type { Tracing } from './platform/observability/tracing';

let tracing: Tracing | undefined;

async function bootstrap(): Promise<void> {
  // First, before the application is built: only then are its command bus and HTTP requests traced. Off (the SDK
  // not even loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/tracing.md); the app flushes it when it
  // shuts down.
  if (otlpEndpoint() !== undefined)
    tracing = (await import('./platform/observability/tracing')).startTracing();
  const embedded = withEmbeddedSecrets(loadConfig());
  const { notice } = embedded;
  const { config, localVendors } = withLocalWebhookSecrets(embedded.config);
  applyHeapGrowth(config);
  // JSON lines from here on, for these start-up notices too; configuration errors before it go to stderr.
  const appLogger = new LedgerLogger({ level: config.logLevel });
  Logger.overrideLogger(appLogger);
  const logger = new Logger('Bootstrap');
  for (const file of notice.generated) {
    logger.warn(`generated ${file} for the embedded profile; production must set its variable instead`);
  }
  if (notice.devApiKeyFile) logger.warn(devApiKeyNotice(notice.devApiKeyFile, config));
  if (tracing) logger.log('OpenTelemetry traces are exported over OTLP (docs/tracing.md)');
  if (localVendors.length > 0) {
    logger.warn(
      `webhooks of ${localVendors.join(', ')} use the documented local secrets (embedded profile only); ` +
        'set their variables (e.g. VERIFF_WEBHOOK_SECRET) to use your own',
    );
  }
  const app = await createApp(config, { logger: appLogger });
  applyServerTimeouts(app.getHttpServer() as Server, config);
  await app.listen(config.port, config.host);
  logger.log(`kyc-ledger (${config.profile} profile) listening on http://${config.host}:${config.port}`);
}

bootstrap().catch(async (error: unknown) => {
  await tracing?.shutdown().catch(() => undefined);
  if (error instanceof ConfigError) {
    process.stderr.write(`kyc-ledger: ${error.message}\n`);
  } else {
    process.stderr.write(
      `kyc-ledger: start-up failed: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : 'unknown error'}\n`,
    );
  }
  process.exit(1);
});
