import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isProcessRole, normaliseRoles, PROCESS_ROLES, type ProcessRole } from '../roles/process-roles';

/*
 * The configuration schema: every environment variable the service reads, its type and range, its default and
 * what it means, in one declaration (zod). `loadConfig` parses the environment with it, `docs/configuration.md`
 * is generated from it (`npm run docs:config`, checked by a unit test), and the list of variable names that
 * docker-compose.yml is checked against is its keys. Problems name the variable and never echo its value.
 */

export type ConfigGroup =
  | 'HTTP'
  | 'Storage'
  | 'Kafka'
  | 'Authentication'
  | 'Audit and keys'
  | 'Privacy'
  | 'Vendor webhooks'
  | 'Vendor APIs'
  | 'Policy and logging';

export interface VariableDoc {
  readonly group: ConfigGroup;
  /** The default as documented (`—`: unset). */
  readonly default: string;
  readonly meaning: string;
  /** A secret: never logged, never echoed, marked in the documentation. */
  readonly secret?: boolean;
}

export interface ConfigVariableSpec<T> {
  /** Parses the trimmed value (undefined when unset or empty). */
  readonly schema: z.ZodType<T, string | undefined>;
  /** What the variable must be, said after its name when the value is refused. */
  readonly problem: string;
  readonly doc: VariableDoc;
}

const optionalText = z.string().optional();

function variable<T>(
  schema: z.ZodType<T, string | undefined>,
  problem: string,
  doc: VariableDoc,
): ConfigVariableSpec<T> {
  return { schema, problem, doc };
}

function integer(fallback: number, min: number, max: number, doc: Omit<VariableDoc, 'default'>) {
  return variable(
    z
      .string()
      .regex(/^\d+$/)
      .transform(Number)
      .pipe(z.number().min(min).max(max))
      .optional()
      .transform((value) => value ?? fallback),
    `must be an integer from ${min} to ${max}`,
    { ...doc, default: `\`${fallback}\`` },
  );
}

function oneOf<const T extends readonly [string, ...string[]]>(
  allowed: T,
  fallback: T[number],
  doc: Omit<VariableDoc, 'default'>,
) {
  return variable(
    z
      .string()
      .transform((value) => value.toLowerCase())
      .pipe(z.enum(allowed))
      .optional()
      .transform((value): T[number] => value ?? fallback),
    `must be one of ${allowed.join(', ')}`,
    { ...doc, default: `\`${fallback}\`` },
  );
}

function text(fallback: string | undefined, pattern: RegExp | undefined, problem: string, doc: VariableDoc) {
  const base = pattern === undefined ? z.string() : z.string().regex(pattern);
  return variable(
    base.optional().transform((value) => value ?? fallback),
    problem,
    doc,
  );
}

/** A value that only a parser can judge (keys, JSON): refused with the parser's message, never the value. */
function parsed<T>(
  parse: (raw: string) => T | string,
  problem: string,
  doc: VariableDoc,
): ConfigVariableSpec<T | undefined> {
  return variable(
    optionalText.transform((raw, ctx): T | undefined => {
      if (raw === undefined) return undefined;
      const result = parse(raw);
      if (typeof result !== 'string') return result;
      ctx.addIssue({ code: 'custom', message: result, params: { parser: true } });
      return z.NEVER;
    }),
    problem,
    doc,
  );
}

const list = (raw: string): string[] =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/**
 * Express `trust proxy`: `false` (the connecting address is the client), a number of hops to believe, or the
 * addresses / CIDRs (and Express's names `loopback`, `linklocal`, `uniquelocal`) of proxies to believe.
 */
export type TrustProxy = false | number | readonly string[];

const TRUST_PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** Parses `LEDGER_TRUST_PROXY`; `true` (believe every hop, so any client picks its address) is refused. */
export function parseTrustProxy(raw: string | undefined): TrustProxy | string {
  if (raw === undefined || ['false', 'off', 'no', '0'].includes(raw.toLowerCase())) return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return hops <= 10 ? hops : 'must count at most 10 hops';
  }
  if (raw.toLowerCase() === 'true') {
    return 'must not be true (every client could choose its address); give a hop count or the proxies';
  }
  const entries = list(raw);
  const refused = entries.filter((entry) => !TRUST_PROXY_NAMES.includes(entry) && !isAddressOrCidr(entry));
  if (entries.length === 0 || refused.length > 0) {
    return 'must be false, a hop count, or a comma-separated list of addresses and CIDRs';
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * A vendor API base URL: https, or http to a loopback address only (local stand-ins); no credentials, query or
 * fragment in it. Refused otherwise, so that a token never travels in clear over a network.
 */
export function vendorBaseUrl(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an https URL';
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return 'must be an https URL (http only to a loopback address)';
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return 'must be a base URL without credentials, query or fragment';
  }
  return url;
}

function baseUrl(fallback: string, meaning: string) {
  const spec = parsed(vendorBaseUrl, 'must be an https URL (http only to a loopback address)', {
    group: 'Vendor APIs',
    default: `\`${fallback}\``,
    meaning,
  });
  return variable(
    spec.schema.transform((url) => (url ?? new URL(fallback)).toString().replace(/\/+$/, '')),
    spec.problem,
    spec.doc,
  );
}

function secret(meaning: string) {
  return text(undefined, undefined, '', { group: 'Vendor APIs', default: '—', meaning, secret: true });
}

/** The parsers `loadConfig` plugs in (they live with the types they produce). */
export interface ConfigParsers<Kek, ApiKey> {
  readonly kek: (raw: string) => Kek | string;
  readonly signingKey: (raw: string) => KeyObject | string;
  readonly apiKeys: (raw: string) => ApiKey[] | string;
}

export const JWT_ALGORITHMS = [
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
] as const;

/** The schema, given the parsers of the values only a parser can judge. */
export function configSchema<Kek, ApiKey>(parsers: ConfigParsers<Kek, ApiKey>, defaultMaxEventBytes: number) {
  return {
    PORT: integer(3000, 0, 65535, { group: 'HTTP', meaning: 'HTTP port' }),
    HOST: text('0.0.0.0', undefined, '', {
      group: 'HTTP',
      default: '`0.0.0.0`',
      meaning: 'HTTP listen address',
    }),
    LEDGER_RATE_LIMIT_PER_MINUTE: integer(60_000, 1, 10_000_000, {
      group: 'HTTP',
      meaning:
        'requests per minute in each budget, each kept apart: per authenticated principal, per vendor for ' +
        'webhooks whose signature verified, and per client address for failed authentications (a wrong key ' +
        'or token, a bad webhook signature). `/health*` and `/metrics` are never limited (a wrong key or token ' +
        'sent to `/health` is a failed authentication like any other). A flood brake, not a quota: counted in ' +
        'memory per instance over a sliding minute in one-second buckets; a refused request gets 429 with ' +
        '`Retry-After` (at most 61 s)',
    }),
    LEDGER_TRUST_PROXY: variable(
      optionalText.transform((raw, ctx): TrustProxy => {
        const parsed = parseTrustProxy(raw);
        if (typeof parsed !== 'string') return parsed;
        ctx.addIssue({ code: 'custom', message: parsed, params: { parser: true } });
        return z.NEVER;
      }),
      'must be false, a hop count, or a comma-separated list of addresses and CIDRs',
      {
        group: 'HTTP',
        default: '`false`',
        meaning:
          'which proxies in front of the service are believed about the client address (`X-Forwarded-For`), ' +
          'Express `trust proxy`: `false` (the address that connected); a hop count (`1`: one TLS terminator); ' +
          'or a comma-separated list of proxy addresses and CIDRs (`10.0.0.0/8, 127.0.0.1`; also `loopback`, ' +
          '`linklocal`, `uniquelocal`). Set it behind a load balancer, or every client shares its address and ' +
          'its failed-authentication budget; never trust more hops than there are',
      },
    ),
    LEDGER_HEADERS_TIMEOUT_MS: integer(10_000, 100, 300_000, {
      group: 'HTTP',
      meaning:
        'a client must send a request’s headers within this long, or the connection is closed (408); at most ' +
        '`LEDGER_REQUEST_TIMEOUT_MS`',
    }),
    LEDGER_REQUEST_TIMEOUT_MS: integer(30_000, 100, 3_600_000, {
      group: 'HTTP',
      meaning:
        'a client must send a whole request (headers and body) within this long, or it is closed (408)',
    }),
    LEDGER_KEEP_ALIVE_TIMEOUT_MS: integer(5_000, 100, 600_000, {
      group: 'HTTP',
      meaning:
        'an idle keep-alive connection is closed after this long; behind a load balancer, make it longer than ' +
        'the balancer’s own idle timeout',
    }),
    LEDGER_HEAP_GROWTH_PERCENT: integer(25, 0, 300, {
      group: 'HTTP',
      meaning:
        'after a full garbage collection the JavaScript heap may grow by at most this percentage of what survived ' +
        'it before the next one, so the resident memory follows the live data under load (V8 lets it grow up to ' +
        '4×). Lower: less memory, more collector time. `0`: V8’s own heuristics',
    }),
    LEDGER_ROLES: variable(
      optionalText
        .transform((raw) => list(raw ?? PROCESS_ROLES.join(',')).map((role) => role.toLowerCase()))
        .refine((roles) => roles.length > 0 && roles.every(isProcessRole))
        .transform((roles) => normaliseRoles(roles as ProcessRole[])),
      `must be a comma-separated list of ${PROCESS_ROLES.join(', ')} (at least one)`,
      {
        group: 'HTTP',
        default: `\`${PROCESS_ROLES.join(',')}\``,
        meaning:
          'what this process runs: `api` (HTTP API and console), `projections` (read models, webhook reference ' +
          'index), `publisher` (Kafka), `webhooks` (vendor webhooks and result fetcher), `schedulers` (expiry, ' +
          'session closer, retention, checkpoints, vendor dispatcher, shadow policies). Every process answers ' +
          '`/health` and `/metrics`; requests for a role it lacks get `421 role_not_served`. Topology: ' +
          'docs/operations.md',
      },
    ),
    LEDGER_READ_WAIT_MS: integer(5000, 0, 60_000, {
      group: 'HTTP',
      meaning:
        'how long a query with `X-Min-Position`, or an erasure request, waits for the read models before a 503 ' +
        'with `Retry-After`',
    }),
    LEDGER_DATA_DIR: text('./data', undefined, '', {
      group: 'Storage',
      default: '`./data`',
      meaning: 'embedded profile files (events, read models, generated secrets)',
    }),
    LEDGER_SQLITE_SYNCHRONOUS: oneOf(['full', 'normal'] as const, 'full', {
      group: 'Storage',
      meaning:
        '`full`: an acknowledged append survives a power loss. `normal`: faster; survives a crash of the ' +
        'process, but a power loss or OS crash can lose the last acknowledged appends. Opt-in for throwaway ' +
        'environments only.',
    }),
    LEDGER_SQLITE_CACHE_MB: integer(16, 1, 1024, {
      group: 'Storage',
      meaning:
        'embedded profile: the page cache of each SQLite file (event store, read models) in MiB; the operating ' +
        'system’s file cache holds the rest. Less saves memory where it is short: 4 saved about 16 MB of resident ' +
        'memory on a ledger of 5,000 commands, and cost about 13 % of the one-writer command rate',
    }),
    LEDGER_MAX_EVENT_BYTES: integer(defaultMaxEventBytes, 1024, 16 * 1024 * 1024, {
      group: 'Storage',
      meaning: 'largest event (type + data + metadata as canonical JSON); 1 KiB – 16 MiB',
    }),
    LEDGER_FOLLOWER_WAKE_MS: integer(25, 0, 1000, {
      group: 'Storage',
      meaning:
        'embedded profile: the followers of this process (projections, publisher, indexes, schedulers) are woken ' +
        'at most once per this many milliseconds after appends. The first append after a quiet spell wakes them ' +
        'at once; under load they work in fewer, larger batches, and read models lag the ledger by up to this ' +
        'much more. `0`: after every commit',
    }),
    EVENTSTORE_CONNECTION_STRING: text(
      undefined,
      /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb|kdb\+discover):\/\//,
      'must start with esdb:// (or esdb+discover://)',
      {
        group: 'Storage',
        default: '—',
        meaning: '`esdb://…`: use EventStoreDB / KurrentDB (production profile)',
        secret: true,
      },
    ),
    DATABASE_URL: text(undefined, /^postgres(ql)?:\/\//, 'must be a postgres:// URL', {
      group: 'Storage',
      default: '—',
      meaning: '`postgres://…`: read models and key store in PostgreSQL (else SQLite in the data dir)',
      secret: true,
    }),
    KAFKA_BROKERS: variable(
      optionalText
        .transform((raw) => (raw === undefined ? undefined : raw.split(',').map((b) => b.trim())))
        .refine((brokers) => brokers?.every((b) => /^[A-Za-z0-9.-]+:\d{1,5}$/.test(b)) ?? true),
      'must be a comma-separated list of host:port',
      { group: 'Kafka', default: '—', meaning: 'comma-separated `host:port`; publisher on' },
    ),
    KAFKA_TOPIC_PREFIX: text(
      '',
      /^[A-Za-z0-9._-]{0,100}$/,
      'may only hold letters, digits, ".", "_" and "-"',
      {
        group: 'Kafka',
        default: '—',
        meaning: 'prefix for topic names',
      },
    ),
    KAFKA_TOPIC_PARTITIONS: integer(6, 1, 1000, {
      group: 'Kafka',
      meaning: 'partitions of topics the publisher creates when missing',
    }),
    KAFKA_TOPIC_REPLICATION: integer(1, 1, 10, {
      group: 'Kafka',
      meaning: 'replication factor of topics the publisher creates (use 3 on a production cluster)',
    }),
    LEDGER_API_KEYS: parsed(parsers.apiKeys, 'is invalid', {
      group: 'Authentication',
      default: 'generated (embedded)',
      meaning: 'JSON array `[{"key":"…","principal":"alice","roles":["operator"]}]`, keys of 16+ characters',
      secret: true,
    }),
    LEDGER_JWKS_URL: text(undefined, /^https?:\/\//, 'must be an http(s) URL', {
      group: 'Authentication',
      default: '—',
      meaning:
        'optional JWT bearer auth: the issuer’s JWKS; set with `LEDGER_JWT_ISSUER` and `LEDGER_JWT_AUDIENCE`',
    }),
    LEDGER_JWT_ISSUER: text(undefined, undefined, '', {
      group: 'Authentication',
      default: '—',
      meaning: 'expected `iss` of JWT bearer tokens (with `LEDGER_JWKS_URL`)',
    }),
    LEDGER_JWT_AUDIENCE: text(undefined, undefined, '', {
      group: 'Authentication',
      default: '—',
      meaning: 'expected `aud` of JWT bearer tokens (with `LEDGER_JWKS_URL`)',
    }),
    LEDGER_JWT_ROLES_CLAIM: text('roles', undefined, '', {
      group: 'Authentication',
      default: '`roles`',
      meaning: 'JWT claim holding the role names',
    }),
    LEDGER_JWT_ALGORITHMS: variable(
      optionalText
        .transform((raw) => list(raw ?? 'RS256,ES256,EdDSA'))
        .refine((algorithms) => algorithms.every((a) => (JWT_ALGORITHMS as readonly string[]).includes(a))),
      `may only list ${JWT_ALGORITHMS.join(', ')}`,
      {
        group: 'Authentication',
        default: '`RS256,ES256,EdDSA`',
        meaning: 'accepted JWS algorithms (asymmetric only)',
      },
    ),
    LEDGER_KEK: parsed(parsers.kek, 'must be exactly 32 bytes, base64-encoded', {
      group: 'Audit and keys',
      default: 'generated (embedded)',
      meaning: 'base64 of 32 bytes: the key-encryption key of the key store',
      secret: true,
    }),
    LEDGER_SIGNING_KEY: parsed(parsers.signingKey, 'must be an Ed25519 private key in PEM form', {
      group: 'Audit and keys',
      default: 'generated (embedded)',
      meaning: 'Ed25519 private key (PEM) that signs ledger checkpoints',
      secret: true,
    }),
    LEDGER_CHECKPOINT_EVERY_EVENTS: integer(1000, 1, 1_000_000, {
      group: 'Audit and keys',
      meaning: 'a signed checkpoint covers at most this many events; one is due as soon as this many wait',
    }),
    LEDGER_CHECKPOINT_INTERVAL_MS: integer(60_000, 100, 86_400_000, {
      group: 'Audit and keys',
      meaning: 'an event waits at most this long to be covered by a signed checkpoint',
    }),
    LEDGER_RETENTION_INTERVAL_MS: integer(60_000, 100, 86_400_000, {
      group: 'Privacy',
      meaning:
        'how often the retention scheduler shreds personal data whose retention ended (or that an erasure ' +
        'request released)',
    }),
    ONFIDO_WEBHOOK_TOKEN: text(undefined, undefined, '', {
      group: 'Vendor webhooks',
      default: '—',
      meaning: 'Onfido: the webhook’s token (returned when the webhook is registered)',
      secret: true,
    }),
    VERIFF_WEBHOOK_SECRET: text(undefined, undefined, '', {
      group: 'Vendor webhooks',
      default: '—',
      meaning: 'Veriff: the integration’s shared secret key',
      secret: true,
    }),
    SUMSUB_WEBHOOK_SECRET: text(undefined, undefined, '', {
      group: 'Vendor webhooks',
      default: '—',
      meaning: 'Sumsub: the webhook’s secret key',
      secret: true,
    }),
    PERSONA_WEBHOOK_SECRETS: variable(
      optionalText.transform((raw) => list(raw ?? '')),
      '',
      {
        group: 'Vendor webhooks',
        default: '—',
        meaning:
          'Persona: comma-separated; during a rotation list the new and the old secret, remove the old after',
        secret: true,
      },
    ),
    PERSONA_WEBHOOK_TOLERANCE_SECONDS: integer(300, 1, 86_400, {
      group: 'Vendor webhooks',
      meaning: 'Persona signature timestamps further off than this are refused (replay protection)',
    }),
    LEDGER_VENDOR_SANDBOX: oneOf(['true', 'false'] as const, 'false', {
      group: 'Vendor webhooks',
      meaning:
        '`true` when the deployment runs against the vendors’ sandboxes: results a vendor marks as sandbox ' +
        '(Sumsub `sandboxMode`, Onfido check `sandbox`) then count; otherwise they are parked as ' +
        '`sandbox_result` and never touch a session',
    }),
    ONFIDO_API_TOKEN: secret(
      'Onfido: API token (`Authorization: Token token=…`); unset: Onfido is not offered',
    ),
    ONFIDO_API_URL: baseUrl(
      'https://api.eu.onfido.com/v3.6',
      'Onfido: API base URL including `/v3.6` (EU, US `api.us.onfido.com`, CA `api.ca.onfido.com`)',
    ),
    ONFIDO_WORKFLOW_ID: text(undefined, /^[A-Za-z0-9-]{1,64}$/, 'must be an Onfido workflow id', {
      group: 'Vendor APIs',
      default: '—',
      meaning: 'Onfido: Studio workflow to run for each session; unset: an SDK token for the applicant',
    }),
    VERIFF_API_KEY: secret('Veriff: API key (`X-AUTH-CLIENT`); unset: Veriff is not offered'),
    VERIFF_API_SECRET: secret('Veriff: shared secret key that signs requests (`X-HMAC-SIGNATURE`)'),
    VERIFF_API_URL: baseUrl('https://stationapi.veriff.com', 'Veriff: API base URL'),
    SUMSUB_APP_TOKEN: secret('Sumsub: app token (`X-App-Token`); unset: Sumsub is not offered'),
    SUMSUB_SECRET_KEY: secret('Sumsub: secret key that signs requests (`X-App-Access-Sig`)'),
    SUMSUB_API_URL: baseUrl('https://api.sumsub.com', 'Sumsub: API base URL'),
    SUMSUB_LEVEL_NAME: text('basic-kyc-level', /^[A-Za-z0-9 _.-]{1,128}$/, 'must be a Sumsub level name', {
      group: 'Vendor APIs',
      default: '`basic-kyc-level`',
      meaning: 'Sumsub: verification level applicants are created for',
    }),
    PERSONA_API_KEY: secret('Persona: API key (`Authorization: Bearer …`); unset: Persona is not offered'),
    PERSONA_API_URL: baseUrl('https://api.withpersona.com', 'Persona: API base URL'),
    PERSONA_TEMPLATE_ID: text(
      undefined,
      /^itmpl_[A-Za-z0-9]{1,64}$/,
      'must be a Persona inquiry template id',
      {
        group: 'Vendor APIs',
        default: '—',
        meaning:
          'Persona: inquiry template (`itmpl_…`) inquiries are created from; required with the API key',
      },
    ),
    PERSONA_API_VERSION: text('2023-01-05', /^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)', {
      group: 'Vendor APIs',
      default: '`2023-01-05`',
      meaning: 'Persona: API version sent as `Persona-Version`',
    }),
    VENDOR_TIMEOUT_MS: integer(10_000, 100, 120_000, {
      group: 'Vendor APIs',
      meaning: 'each vendor request is abandoned after this long (then retried with backoff)',
    }),
    VENDOR_MAX_RESPONSE_BYTES: integer(1_048_576, 1024, 16_777_216, {
      group: 'Vendor APIs',
      meaning: 'a vendor response larger than this is refused unread',
    }),
    POLICY_DIR: text('./policies', undefined, '', {
      group: 'Policy and logging',
      default: '`./policies`',
      meaning: 'versioned policy documents',
    }),
    LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, 'info', {
      group: 'Policy and logging',
      meaning: '`debug`, `info`, `warn`, `error`',
    }),
  };
}

export type ConfigSchema = ReturnType<typeof configSchema>;

/** Parses `env` with the schema: values by name, and the problems (`NAME must …`) of the values refused. */
export function parseEnvironment<S extends Record<string, ConfigVariableSpec<unknown>>>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): { values: { [K in keyof S]: S[K] extends ConfigVariableSpec<infer T> ? T : never }; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const raw = env[name]?.trim();
    const result = spec.schema.safeParse(raw === '' ? undefined : raw);
    if (result.success) {
      values[name] = result.data;
      continue;
    }
    // The parser's own message where it wrote one (it never holds the value); else the variable's rule.
    const custom = result.error.issues.find(
      (issue) =>
        issue.code === 'custom' && (issue.params as { parser?: boolean } | undefined)?.parser === true,
    );
    problems.push(`${name} ${custom?.message ?? spec.problem}`);
    values[name] = spec.schema.safeParse(undefined).data;
  }
  return { values: values as never, problems };
}

/** The documentation of the schema, as the Markdown table docs/configuration.md holds. */
export function configurationTable(schema: Record<string, ConfigVariableSpec<unknown>>): string {
  const rows = Object.entries(schema).map(
    ([name, { doc }]) =>
      `| \`${name}\` | ${doc.group} | ${doc.default} | ${doc.meaning.replace(/\|/g, '\\|')}${doc.secret === true ? ' _(secret)_' : ''} |`,
  );
  return ['| variable | group | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

const START = '<!-- configuration:start (generated by npm run docs:config) -->';
const END = '<!-- configuration:end (generated by npm run docs:config) -->';

/** The document with its generated table replaced by the table of `schema`. */
export function applyConfigurationTable(
  markdown: string,
  schema: Record<string, ConfigVariableSpec<unknown>>,
): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END, start);
  if (start < 0 || end < 0) throw new Error('docs: no configuration section');
  return `${markdown.slice(0, start)}${START}\n\n${configurationTable(schema)}\n\n${markdown.slice(end)}`;
}
