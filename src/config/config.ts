import { createPrivateKey, type KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { Kek } from '../crypto/kek';
import type { SqliteSynchronous } from '../eventstore/sqlite/sqlite-event-store';
import { DEFAULT_MAX_EVENT_BYTES } from '../eventstore/append-validation';
import { LedgerError } from '../shared/ledger-error';
import type { ConfigVariable } from './config-variables';

export const ROLES = [
  'operator',
  'reviewer',
  'senior_reviewer',
  'auditor',
  'privacy_officer',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKey {
  readonly key: string;
  readonly principal: string;
  readonly roles: readonly Role[];
}

export type Profile = 'embedded' | 'production';

export interface AppConfig {
  readonly profile: Profile;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly sqliteSynchronous: SqliteSynchronous;
  readonly maxEventBytes: number;
  readonly eventStoreConnectionString: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly kafkaBrokers: readonly string[] | undefined;
  readonly kafkaTopicPrefix: string;
  readonly kafkaTopicPartitions: number;
  readonly kafkaTopicReplication: number;
  /** How long a query with X-Min-Position waits for the read models before answering 503. */
  readonly readWaitMs: number;
  /** Requests per minute per principal (and per client address for unauthenticated routes). */
  readonly rateLimitPerMinute: number;
  /** Undefined in the embedded profile until secrets are generated into the data dir. */
  readonly kek: Kek | undefined;
  readonly signingKey: KeyObject | undefined;
  /** A signed checkpoint covers at most this many events; one is due when this many wait. */
  readonly checkpointEveryEvents: number;
  /** An uncovered event waits at most this long for a checkpoint. */
  readonly checkpointIntervalMs: number;
  /** How often the retention scheduler looks for personal data whose retention ended. */
  readonly retentionIntervalMs: number;
  readonly apiKeys: readonly ApiKey[] | undefined;
  readonly jwt:
    | {
        jwksUrl: string;
        issuer: string;
        audience: string;
        /** Claim holding the roles (array of role names). */
        rolesClaim: string;
        /** Accepted JWS algorithms; anything else (including `none` and HMAC) is refused. */
        algorithms: readonly string[];
      }
    | undefined;
  readonly webhookSecrets: {
    onfido: string | undefined;
    veriff: string | undefined;
    sumsub: string | undefined;
    persona: readonly string[];
    /** Persona signatures older or newer than this many seconds are refused (replay protection). */
    personaToleranceSeconds: number;
    /**
     * The deployment runs against the vendors' sandboxes (`LEDGER_VENDOR_SANDBOX=true`): results the vendor marks
     * as sandbox count. Otherwise (the default) they are parked as `sandbox_result` and never touch a session.
     */
    sandbox: boolean;
  };
  readonly policyDir: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Start-up refuses a bad configuration. Messages name the variable, never echo a secret value. */
export class ConfigError extends LedgerError {
  readonly code = 'invalid_configuration';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`, { problems });
  }
}

type Env = Partial<Record<ConfigVariable, string>> & Record<string, string | undefined>;

const SECRET_REQUIRED_IN_PRODUCTION: readonly ConfigVariable[] = [
  'DATABASE_URL',
  'LEDGER_KEK',
  'LEDGER_SIGNING_KEY',
  'LEDGER_API_KEYS',
];

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const get = (name: ConfigVariable): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const integer = (name: ConfigVariable, fallback: number, min: number, max: number): number => {
    const raw = get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const oneOf = <T extends string>(name: ConfigVariable, allowed: readonly T[], fallback: T): T => {
    const raw = get(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')}`);
      return fallback;
    }
    return raw as T;
  };

  const eventStoreConnectionString = get('EVENTSTORE_CONNECTION_STRING');
  const profile: Profile = eventStoreConnectionString ? 'production' : 'embedded';
  if (
    eventStoreConnectionString &&
    !/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\//.test(
      eventStoreConnectionString,
    )
  ) {
    problems.push('EVENTSTORE_CONNECTION_STRING must start with esdb:// (or esdb+discover://)');
  }
  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// URL');
  }
  if (profile === 'production') {
    for (const name of SECRET_REQUIRED_IN_PRODUCTION) {
      if (!get(name))
        problems.push(`${name} is required when EVENTSTORE_CONNECTION_STRING is set (production profile)`);
    }
  }

  const kafkaRaw = get('KAFKA_BROKERS');
  const kafkaBrokers = kafkaRaw?.split(',').map((b) => b.trim());
  if (kafkaBrokers?.some((b) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(b))) {
    problems.push('KAFKA_BROKERS must be a comma-separated list of host:port');
  }
  const kafkaTopicPrefix = get('KAFKA_TOPIC_PREFIX') ?? '';
  if (!/^[A-Za-z0-9._-]{0,100}$/.test(kafkaTopicPrefix)) {
    problems.push('KAFKA_TOPIC_PREFIX may only hold letters, digits, ".", "_" and "-"');
  }

  let kek: Kek | undefined;
  const kekRaw = get('LEDGER_KEK');
  if (kekRaw) {
    try {
      kek = Kek.fromBase64(kekRaw);
    } catch {
      problems.push('LEDGER_KEK must be exactly 32 bytes, base64-encoded');
    }
  }

  let signingKey: KeyObject | undefined;
  const signingRaw = get('LEDGER_SIGNING_KEY');
  if (signingRaw) {
    signingKey = parseSigningKey(signingRaw);
    if (!signingKey) problems.push('LEDGER_SIGNING_KEY must be an Ed25519 private key in PEM form');
  }

  let apiKeys: ApiKey[] | undefined;
  const apiKeysRaw = get('LEDGER_API_KEYS');
  if (apiKeysRaw) {
    const parsed = parseApiKeys(apiKeysRaw);
    if (typeof parsed === 'string') problems.push(`LEDGER_API_KEYS ${parsed}`);
    else apiKeys = parsed;
  }

  const jwksUrl = get('LEDGER_JWKS_URL');
  const issuer = get('LEDGER_JWT_ISSUER');
  const audience = get('LEDGER_JWT_AUDIENCE');
  let jwt: AppConfig['jwt'];
  if (jwksUrl || issuer || audience) {
    if (!jwksUrl || !issuer || !audience) {
      problems.push('LEDGER_JWKS_URL, LEDGER_JWT_ISSUER and LEDGER_JWT_AUDIENCE must be set together');
    } else if (!/^https?:\/\//.test(jwksUrl)) {
      problems.push('LEDGER_JWKS_URL must be an http(s) URL');
    } else {
      const algorithms = (get('LEDGER_JWT_ALGORITHMS') ?? 'RS256,ES256,EdDSA')
        .split(',')
        .map((a) => a.trim());
      const allowed = [
        'RS256',
        'RS384',
        'RS512',
        'PS256',
        'PS384',
        'PS512',
        'ES256',
        'ES384',
        'ES512',
        'EdDSA',
      ];
      if (algorithms.some((a) => !allowed.includes(a))) {
        problems.push(`LEDGER_JWT_ALGORITHMS may only list ${allowed.join(', ')}`);
      }
      jwt = { jwksUrl, issuer, audience, rolesClaim: get('LEDGER_JWT_ROLES_CLAIM') ?? 'roles', algorithms };
    }
  }

  const config: AppConfig = {
    profile,
    port: integer('PORT', 3000, 0, 65535),
    host: get('HOST') ?? '0.0.0.0',
    dataDir: resolve(get('LEDGER_DATA_DIR') ?? './data'),
    sqliteSynchronous: oneOf<SqliteSynchronous>('LEDGER_SQLITE_SYNCHRONOUS', ['full', 'normal'], 'full'),
    maxEventBytes: integer('LEDGER_MAX_EVENT_BYTES', DEFAULT_MAX_EVENT_BYTES, 1024, 16 * 1024 * 1024),
    eventStoreConnectionString,
    databaseUrl,
    kafkaBrokers,
    kafkaTopicPrefix,
    kafkaTopicPartitions: integer('KAFKA_TOPIC_PARTITIONS', 6, 1, 1000),
    kafkaTopicReplication: integer('KAFKA_TOPIC_REPLICATION', 1, 1, 10),
    readWaitMs: integer('LEDGER_READ_WAIT_MS', 5000, 0, 60_000),
    rateLimitPerMinute: integer('LEDGER_RATE_LIMIT_PER_MINUTE', 60_000, 1, 10_000_000),
    kek,
    signingKey,
    checkpointEveryEvents: integer('LEDGER_CHECKPOINT_EVERY_EVENTS', 1000, 1, 1_000_000),
    checkpointIntervalMs: integer('LEDGER_CHECKPOINT_INTERVAL_MS', 60_000, 100, 86_400_000),
    retentionIntervalMs: integer('LEDGER_RETENTION_INTERVAL_MS', 60_000, 100, 86_400_000),
    apiKeys,
    jwt,
    webhookSecrets: {
      onfido: get('ONFIDO_WEBHOOK_TOKEN'),
      veriff: get('VERIFF_WEBHOOK_SECRET'),
      sumsub: get('SUMSUB_WEBHOOK_SECRET'),
      personaToleranceSeconds: integer('PERSONA_WEBHOOK_TOLERANCE_SECONDS', 300, 1, 86_400),
      sandbox: oneOf('LEDGER_VENDOR_SANDBOX', ['true', 'false'] as const, 'false') === 'true',
      persona: (get('PERSONA_WEBHOOK_SECRETS') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    },
    policyDir: resolve(get('POLICY_DIR') ?? './policies'),
    logLevel: oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

export function parseSigningKey(pem: string): KeyObject | undefined {
  try {
    const key = createPrivateKey(pem.replaceAll('\\n', '\n'));
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Parses the API key list; returns a message (without any key value) when it is invalid. */
export function parseApiKeys(raw: string): ApiKey[] | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return 'is not valid JSON';
  }
  if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty JSON array';
  const keys: ApiKey[] = [];
  for (const [i, item] of (value as unknown[]).entries()) {
    if (typeof item !== 'object' || item === null) return `entry ${i} must be an object`;
    const { key, principal, roles } = item as Record<string, unknown>;
    if (typeof key !== 'string' || key.length < 16)
      return `entry ${i}: key must be a string of at least 16 characters`;
    if (typeof principal !== 'string' || !/^[A-Za-z0-9._@-]{1,128}$/.test(principal)) {
      return `entry ${i}: principal must be 1-128 characters of [A-Za-z0-9._@-]`;
    }
    if (
      !Array.isArray(roles) ||
      roles.length === 0 ||
      !roles.every((r) => (ROLES as readonly unknown[]).includes(r))
    ) {
      return `entry ${i}: roles must be a non-empty list of ${ROLES.join(', ')}`;
    }
    keys.push({ key, principal, roles: roles as Role[] });
  }
  if (new Set(keys.map((k) => k.key)).size !== keys.length) return 'holds the same key twice';
  return keys;
}
