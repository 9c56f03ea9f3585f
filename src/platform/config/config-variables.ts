import { CONFIG_SCHEMA } from './config';

/**
 * Every environment variable the service reads: the keys of the configuration schema (config-schema.ts), from
 * which docs/configuration.md is generated and against which docker-compose.yml is checked.
 */
export type ConfigVariable = keyof typeof CONFIG_SCHEMA;
export const CONFIG_VARIABLES = Object.keys(CONFIG_SCHEMA) as readonly ConfigVariable[];
