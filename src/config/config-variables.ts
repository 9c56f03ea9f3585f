/**
 * Every environment variable the service reads (DESIGN §1). The README table, docker-compose.yml and
 * the config loader are checked against this list by tests.
 */
export const CONFIG_VARIABLES = [
  'PORT',
  'HOST',
  'LEDGER_DATA_DIR',
  'LEDGER_SQLITE_SYNCHRONOUS',
  'LEDGER_MAX_EVENT_BYTES',
  'EVENTSTORE_CONNECTION_STRING',
  'DATABASE_URL',
  'KAFKA_BROKERS',
  'KAFKA_TOPIC_PREFIX',
  'LEDGER_API_KEYS',
  'LEDGER_JWKS_URL',
  'LEDGER_JWT_ISSUER',
  'LEDGER_JWT_AUDIENCE',
  'LEDGER_KEK',
  'LEDGER_SIGNING_KEY',
  'ONFIDO_WEBHOOK_TOKEN',
  'VERIFF_WEBHOOK_SECRET',
  'SUMSUB_WEBHOOK_SECRET',
  'PERSONA_WEBHOOK_SECRETS',
  'POLICY_DIR',
  'LOG_LEVEL',
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];
