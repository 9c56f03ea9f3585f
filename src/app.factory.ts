import type { INestApplication, LoggerService, LogLevel, NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ProblemDetailsFilter } from './api/problem-details.filter';
import { AppModule } from './app.module';
import type { AppConfig } from './config/config';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  debug: ['debug', 'log', 'warn', 'error', 'fatal'],
  info: ['log', 'warn', 'error', 'fatal'],
  warn: ['warn', 'error', 'fatal'],
  error: ['error', 'fatal'],
};

/** Builds the Nest application for a resolved configuration (used by main and by end-to-end tests). */
export async function createApp(
  config: AppConfig,
  options: { logger?: LoggerService | false } = {},
): Promise<INestApplication> {
  const nestOptions: NestApplicationOptions = {
    logger: options.logger ?? LEVELS[config.logLevel],
    abortOnError: false,
  };
  const app = await NestFactory.create(AppModule.forRoot(config), nestOptions);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  return app;
}
