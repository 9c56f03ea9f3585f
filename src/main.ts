import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app/app.factory';
import { ConfigError, loadConfig } from './platform/config/config';
import { withEmbeddedSecrets } from './platform/config/embedded-secrets';
import { LedgerLogger } from './platform/observability/logger';

async function bootstrap(): Promise<void> {
  const { config, notice } = withEmbeddedSecrets(loadConfig());
  // JSON lines from here on, for these start-up notices too; configuration errors before it go to stderr.
  const appLogger = new LedgerLogger({ level: config.logLevel });
  Logger.overrideLogger(appLogger);
  const logger = new Logger('Bootstrap');
  for (const file of notice.generated) {
    logger.warn(`generated ${file} for the embedded profile; production must set its variable instead`);
  }
  if (notice.devApiKeyFile) {
    logger.warn(
      `LEDGER_API_KEYS is not set: local development keys are in ${notice.devApiKeyFile} ` +
        '(local-developer holds every role; operator, reviewer, senior-reviewer, second-senior-reviewer, ' +
        'auditor and privacy-officer one each)',
    );
  }
  const app = await createApp(config, { logger: appLogger });
  await app.listen(config.port, config.host);
  logger.log(`kyc-ledger (${config.profile} profile) listening on http://${config.host}:${config.port}`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`kyc-ledger: ${error.message}\n`);
  } else {
    process.stderr.write(
      `kyc-ledger: start-up failed: ${error instanceof Error ? `${error.constructor.name}: ${error.message}` : 'unknown error'}\n`,
    );
  }
  process.exit(1);
});
