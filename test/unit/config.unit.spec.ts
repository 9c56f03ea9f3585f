import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config/config';
import { withEmbeddedSecrets } from '../../src/platform/config/embedded-secrets';
import { configProblems } from '../support/config-problems';

const kek = randomBytes(32).toString('base64');
const signingPem = generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const apiKeys = JSON.stringify([{ key: 'k'.repeat(32), principal: 'svc', roles: ['operator'] }]);

const problemsOf = configProblems;

describe(loadConfig.name, () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the embedded profile with nothing set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      profile: 'embedded',
      port: 3000,
      sqliteSynchronous: 'full',
      kafkaBrokers: undefined,
    });
    expect(config.dataDir.endsWith('data')).toBe(true);
  });

  it('requires every production secret once EventStoreDB is configured', () => {
    const problems = problemsOf({ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' });
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/LEDGER_KEK/);
    expect(problems.join('\n')).toMatch(/LEDGER_SIGNING_KEY/);
    expect(problems.join('\n')).toMatch(/LEDGER_API_KEYS/);
    const ok = loadConfig({
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      DATABASE_URL: 'postgres://u@localhost/db',
      LEDGER_KEK: kek,
      LEDGER_SIGNING_KEY: signingPem,
      LEDGER_API_KEYS: apiKeys,
      KAFKA_BROKERS: 'kafka:9092, other:9093',
    });
    expect(ok.profile).toBe('production');
    expect(ok.kafkaBrokers).toEqual(['kafka:9092', 'other:9093']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['LEDGER_SQLITE_SYNCHRONOUS', 'off'],
    ['LEDGER_MAX_EVENT_BYTES', '12'],
    ['DATABASE_URL', 'mysql://x'],
    ['KAFKA_BROKERS', 'no-port'],
    ['LEDGER_KEK', 'c2hvcnQ='],
    ['LEDGER_SIGNING_KEY', '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----'],
    ['LEDGER_API_KEYS', '[{"key":"short","principal":"p","roles":["operator"]}]'],
    ['LEDGER_API_KEYS', '[{"key":"kkkkkkkkkkkkkkkkkkkk","principal":"p","roles":["janitor"]}]'],
    ['LEDGER_JWKS_URL', 'https://issuer.example/jwks'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(name);
  });

  it('never echoes a secret value in its messages', () => {
    const secret = 'SuperSecretKeyMaterial-1234567890';
    const problems = problemsOf({
      LEDGER_API_KEYS: JSON.stringify([{ key: secret, principal: 'bad principal', roles: ['admin'] }]),
      LEDGER_KEK: secret,
    });
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('generates embedded secrets once, private to the owner, and reuses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-config-'));
    dirs.push(dir);
    const first = withEmbeddedSecrets(loadConfig({ LEDGER_DATA_DIR: dir }));
    expect(first.notice.generated.map((f) => f.slice(dir.length + 1)).sort()).toEqual([
      'dev-api-key.json',
      'kek.base64',
      'signing-key.pem',
    ]);
    expect(statSync(join(dir, 'kek.base64')).mode & 0o777).toBe(0o600);
    expect(first.config.apiKeys?.[0]?.roles).toContain('admin');
    // One principal per role besides, and two senior reviewers: four eyes can be tried locally.
    const principals = first.config.apiKeys?.map((k) => k.principal) ?? [];
    expect(principals).toEqual([
      'local-developer',
      'operator',
      'reviewer',
      'senior-reviewer',
      'second-senior-reviewer',
      'auditor',
      'privacy-officer',
    ]);
    expect(new Set(first.config.apiKeys?.map((k) => k.key)).size).toBe(principals.length);
    const seniors = first.config.apiKeys?.filter(
      (k) => k.roles.includes('senior_reviewer') && !k.roles.includes('admin'),
    );
    expect(seniors).toHaveLength(2);
    const second = withEmbeddedSecrets(loadConfig({ LEDGER_DATA_DIR: dir }));
    expect(second.notice.generated).toEqual([]);
    expect(second.config.kek?.id).toBe(first.config.kek?.id);
    const stored = JSON.parse(readFileSync(join(dir, 'dev-api-key.json'), 'utf8')) as { key: string }[];
    expect(second.config.apiKeys?.[0]?.key).toBe(stored[0]?.key);
  });

  it('does not generate anything in the production profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-config-'));
    dirs.push(dir);
    const config = loadConfig({
      LEDGER_DATA_DIR: dir,
      EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      DATABASE_URL: 'postgres://u@localhost/db',
      LEDGER_KEK: kek,
      LEDGER_SIGNING_KEY: signingPem,
      LEDGER_API_KEYS: apiKeys,
    });
    expect(withEmbeddedSecrets(config).notice.generated).toEqual([]);
    expect(existsSync(join(dir, 'kek.base64'))).toBe(false);
  });
});
