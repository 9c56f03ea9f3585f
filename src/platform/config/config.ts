import { createPrivateKey, type KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { Kek } from '../../ledger/crypto/kek';
import type { ProcessRole } from '../roles/process-roles';
import type { SqliteSynchronous } from '../../ledger/sqlite/sqlite-event-store';
import { DEFAULT_MAX_EVENT_BYTES } from '../../ledger/append-validation';
import { LedgerError } from '../../shared/ledger-error';
import { type ConfigSchema, configSchema, parseEnvironment, type TrustProxy } from './config-schema';

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

export interface VendorApisConfig {
  /** Each vendor request is abandoned after this long. */
  readonly timeoutMs: number;
  /** A larger vendor response is refused unread. */
  readonly maxResponseBytes: number;
  readonly onfido?: { readonly apiToken: string; readonly baseUrl: string; readonly workflowId?: string };
  readonly veriff?: { readonly apiKey: string; readonly secret: string; readonly baseUrl: string };
  readonly sumsub?: {
    readonly appToken: string;
    readonly secretKey: string;
    readonly baseUrl: string;
    readonly levelName: string;
  };
  readonly persona?: {
    readonly apiKey: string;
    readonly templateId: string;
    readonly baseUrl: string;
    readonly version: string;
  };
}

export interface ServerTimeouts {
  /** The whole of a request's headers must arrive within this long. */
  readonly headersMs: number;
  /** The whole request (headers and body) must arrive within this long. */
  readonly requestMs: number;
  /** An idle keep-alive connection is closed after this long. */
  readonly keepAliveMs: number;
}

type ConfigValues = ReturnType<typeof parseEnvironment<ConfigSchema>>['values'];

export interface AppConfig {
  readonly profile: Profile;
  readonly port: number;
  /** What this process runs (`LEDGER_ROLES`), in their documented order. */
  readonly roles: readonly ProcessRole[];
  readonly host: string;
  readonly dataDir: string;
  readonly sqliteSynchronous: SqliteSynchronous;
  /** Embedded profile: the page cache of each SQLite file in MiB (`LEDGER_SQLITE_CACHE_MB`). */
  readonly sqliteCacheMib: number;
  readonly maxEventBytes: number;
  /** Embedded profile: live followers are woken at most once per this many milliseconds (`LEDGER_FOLLOWER_WAKE_MS`). */
  readonly followerWakeMs: number;
  /** How much the JavaScript heap may grow past what survived a full collection (`LEDGER_HEAP_GROWTH_PERCENT`). */
  readonly heapGrowthPercent: number;
  readonly eventStoreConnectionString: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly kafkaBrokers: readonly string[] | undefined;
  readonly kafkaTopicPrefix: string;
  readonly kafkaTopicPartitions: number;
  readonly kafkaTopicReplication: number;
  /** How long a query with X-Min-Position waits for the read models before answering 503. */
  readonly readWaitMs: number;
  /**
   * Requests per minute in each budget: per principal, per vendor (verified webhooks), per client address (failed
   * authentications). Health and metrics are never limited (wrong credentials sent to /health are a failed
   * authentication like any other).
   */
  readonly rateLimitPerMinute: number;
  /** Express `trust proxy`: which hops' `X-Forwarded-For` is believed about the client address. */
  readonly trustProxy: TrustProxy;
  /** Node HTTP server timeouts, so that a slow or idle client cannot hold a connection for long. */
  readonly serverTimeouts: ServerTimeouts;
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
  /** Outbound vendor APIs (server-side orchestration); a vendor without credentials is not offered. */
  readonly vendorApis: VendorApisConfig;
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

type Env = Partial<Record<keyof ConfigSchema, string>> & Record<string, string | undefined>;

/** The configuration schema of this service (see config-schema.ts), with the parsers of its keys. */
export const CONFIG_SCHEMA = configSchema<Kek, ApiKey>(
  {
    kek: (raw) => {
      try {
        return Kek.fromBase64(raw);
      } catch {
        return 'must be exactly 32 bytes, base64-encoded';
      }
    },
    signingKey: (raw) => parseSigningKey(raw) ?? 'must be an Ed25519 private key in PEM form',
    apiKeys: parseApiKeys,
  },
  DEFAULT_MAX_EVENT_BYTES,
);

const SECRET_REQUIRED_IN_PRODUCTION = [
  'DATABASE_URL',
  'LEDGER_KEK',
  'LEDGER_SIGNING_KEY',
  'LEDGER_API_KEYS',
] as const satisfies readonly (keyof ConfigSchema)[];

export function loadConfig(env: Env = process.env): AppConfig {
  const { values: v, problems } = parseEnvironment(CONFIG_SCHEMA, env);
  const profile: Profile = v.EVENTSTORE_CONNECTION_STRING === undefined ? 'embedded' : 'production';
  if (profile === 'production') {
    for (const name of SECRET_REQUIRED_IN_PRODUCTION) {
      if (v[name] === undefined && !problems.some((problem) => problem.startsWith(`${name} `))) {
        problems.push(`${name} is required when EVENTSTORE_CONNECTION_STRING is set (production profile)`);
      }
    }
  }

  let jwt: AppConfig['jwt'];
  const { LEDGER_JWKS_URL: jwksUrl, LEDGER_JWT_ISSUER: issuer, LEDGER_JWT_AUDIENCE: audience } = v;
  const jwtNamed = ['LEDGER_JWKS_URL', 'LEDGER_JWT_ISSUER', 'LEDGER_JWT_AUDIENCE'].some((name) =>
    env[name]?.trim(),
  );
  if (jwtNamed && (jwksUrl === undefined || issuer === undefined || audience === undefined)) {
    if (!problems.some((problem) => problem.startsWith('LEDGER_JWKS_URL '))) {
      problems.push('LEDGER_JWKS_URL, LEDGER_JWT_ISSUER and LEDGER_JWT_AUDIENCE must be set together');
    }
  } else if (jwksUrl !== undefined && issuer !== undefined && audience !== undefined) {
    jwt = {
      jwksUrl,
      issuer,
      audience,
      rolesClaim: v.LEDGER_JWT_ROLES_CLAIM ?? 'roles',
      algorithms: v.LEDGER_JWT_ALGORITHMS,
    };
  }

  if (v.LEDGER_HEADERS_TIMEOUT_MS > v.LEDGER_REQUEST_TIMEOUT_MS) {
    problems.push('LEDGER_HEADERS_TIMEOUT_MS must not exceed LEDGER_REQUEST_TIMEOUT_MS');
  }

  const config: AppConfig = {
    profile,
    port: v.PORT,
    roles: v.LEDGER_ROLES,
    host: v.HOST ?? '0.0.0.0',
    dataDir: resolve(v.LEDGER_DATA_DIR ?? './data'),
    sqliteSynchronous: v.LEDGER_SQLITE_SYNCHRONOUS,
    sqliteCacheMib: v.LEDGER_SQLITE_CACHE_MB,
    maxEventBytes: v.LEDGER_MAX_EVENT_BYTES,
    followerWakeMs: v.LEDGER_FOLLOWER_WAKE_MS,
    heapGrowthPercent: v.LEDGER_HEAP_GROWTH_PERCENT,
    eventStoreConnectionString: v.EVENTSTORE_CONNECTION_STRING,
    databaseUrl: v.DATABASE_URL,
    kafkaBrokers: v.KAFKA_BROKERS,
    kafkaTopicPrefix: v.KAFKA_TOPIC_PREFIX ?? '',
    kafkaTopicPartitions: v.KAFKA_TOPIC_PARTITIONS,
    kafkaTopicReplication: v.KAFKA_TOPIC_REPLICATION,
    readWaitMs: v.LEDGER_READ_WAIT_MS,
    rateLimitPerMinute: v.LEDGER_RATE_LIMIT_PER_MINUTE,
    trustProxy: v.LEDGER_TRUST_PROXY,
    serverTimeouts: {
      headersMs: v.LEDGER_HEADERS_TIMEOUT_MS,
      requestMs: v.LEDGER_REQUEST_TIMEOUT_MS,
      keepAliveMs: v.LEDGER_KEEP_ALIVE_TIMEOUT_MS,
    },
    kek: v.LEDGER_KEK,
    signingKey: v.LEDGER_SIGNING_KEY,
    checkpointEveryEvents: v.LEDGER_CHECKPOINT_EVERY_EVENTS,
    checkpointIntervalMs: v.LEDGER_CHECKPOINT_INTERVAL_MS,
    retentionIntervalMs: v.LEDGER_RETENTION_INTERVAL_MS,
    apiKeys: v.LEDGER_API_KEYS,
    jwt,
    webhookSecrets: {
      onfido: v.ONFIDO_WEBHOOK_TOKEN,
      veriff: v.VERIFF_WEBHOOK_SECRET,
      sumsub: v.SUMSUB_WEBHOOK_SECRET,
      personaToleranceSeconds: v.PERSONA_WEBHOOK_TOLERANCE_SECONDS,
      sandbox: v.LEDGER_VENDOR_SANDBOX === 'true',
      persona: v.PERSONA_WEBHOOK_SECRETS,
    },
    vendorApis: vendorApis(v, problems),
    policyDir: resolve(v.POLICY_DIR ?? './policies'),
    logLevel: v.LOG_LEVEL,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The vendors whose outbound API is configured; a vendor without credentials is not offered. */
function vendorApis(v: ConfigValues, problems: string[]): VendorApisConfig {
  const pair = (a: string | undefined, b: string | undefined, names: string): boolean => {
    if ((a === undefined) !== (b === undefined)) problems.push(`${names} must be set together`);
    return a !== undefined && b !== undefined;
  };
  return {
    timeoutMs: v.VENDOR_TIMEOUT_MS,
    maxResponseBytes: v.VENDOR_MAX_RESPONSE_BYTES,
    ...(v.ONFIDO_API_TOKEN === undefined
      ? {}
      : {
          onfido: {
            apiToken: v.ONFIDO_API_TOKEN,
            baseUrl: v.ONFIDO_API_URL,
            ...(v.ONFIDO_WORKFLOW_ID === undefined ? {} : { workflowId: v.ONFIDO_WORKFLOW_ID }),
          },
        }),
    ...(pair(v.VERIFF_API_KEY, v.VERIFF_API_SECRET, 'VERIFF_API_KEY and VERIFF_API_SECRET')
      ? {
          veriff: {
            apiKey: v.VERIFF_API_KEY ?? '',
            secret: v.VERIFF_API_SECRET ?? '',
            baseUrl: v.VERIFF_API_URL,
          },
        }
      : {}),
    ...(pair(v.SUMSUB_APP_TOKEN, v.SUMSUB_SECRET_KEY, 'SUMSUB_APP_TOKEN and SUMSUB_SECRET_KEY')
      ? {
          sumsub: {
            appToken: v.SUMSUB_APP_TOKEN ?? '',
            secretKey: v.SUMSUB_SECRET_KEY ?? '',
            baseUrl: v.SUMSUB_API_URL,
            levelName: v.SUMSUB_LEVEL_NAME ?? 'basic-kyc-level',
          },
        }
      : {}),
    ...(pair(v.PERSONA_API_KEY, v.PERSONA_TEMPLATE_ID, 'PERSONA_API_KEY and PERSONA_TEMPLATE_ID')
      ? {
          persona: {
            apiKey: v.PERSONA_API_KEY ?? '',
            templateId: v.PERSONA_TEMPLATE_ID ?? '',
            baseUrl: v.PERSONA_API_URL,
            version: v.PERSONA_API_VERSION ?? '2023-01-05',
          },
        }
      : {}),
  };
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
  // Principal ids are compared case-insensitively (four eyes, assignments): two spellings of one name would let
  // one person act as two.
  const spellings = new Map<string, string>();
  for (const [i, k] of keys.entries()) {
    const canonical = k.principal.normalize('NFKC').toLowerCase();
    const seen = spellings.get(canonical);
    if (seen !== undefined && seen !== k.principal) {
      return `entry ${i}: principal differs only in case from an earlier entry's; principals are compared case-insensitively`;
    }
    spellings.set(canonical, k.principal);
  }
  return keys;
}
