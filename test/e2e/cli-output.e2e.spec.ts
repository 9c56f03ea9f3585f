import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: string[], env: Record<string, string>): Run {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const cli = (args: string[], env: Record<string, string>): Run => run(process.execPath, [CLI, ...args], env);

describe('command-line output: the result alone on stdout, --json for scripts', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-cli-output-'));
    env = { LEDGER_DATA_DIR: join(dir, 'data'), POLICY_DIR: join(ROOT, 'policies') };
  }, 180_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes only the PEM through `npm run -s cli -- public-key`, and has a bin entry', () => {
    const key = run('npm', ['run', '-s', 'cli', '--', 'public-key'], env);
    expect(key.code, key.stderr).toBe(0);
    expect(key.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);

    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin?: Record<string, string>;
    };
    expect(pkg.bin?.['kyc-ledger']).toBe('dist/cli/main.js');
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const direct = cli(['public-key'], env);
    expect(direct.stdout).toBe(key.stdout);
  });

  it('verify: a summary for people by default, one JSON document with --json', () => {
    const people = cli(['verify'], env);
    expect(people.code, people.stderr).toBe(0);
    expect(people.stdout).toMatch(/^ledger verified: hash chains and signed checkpoints hold\n/);
    expect(() => JSON.parse(people.stdout) as unknown).toThrow();

    const json = cli(['verify', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      chain: { ok: true },
      checkpoints: { ok: true },
    });
  });

  it('verify-bundle: failures listed for people, the report as JSON with --json, exit 1 either way', () => {
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, cli(['public-key'], env).stdout);
    const bundle = join(dir, 'not-a-bundle.json');
    writeFileSync(bundle, 'this is not JSON');

    const people = cli(['verify-bundle', bundle, '--public-key', keyFile], {});
    expect(people.code).toBe(1);
    expect(people.stdout).toBe('bundle verification FAILED\n  - format: the file is not JSON\n');

    const json = cli(['verify-bundle', bundle, '--public-key', keyFile, '--json'], {});
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      ok: false,
      failures: [{ kind: 'format', detail: 'the file is not JSON' }],
    });
    expect(json.stderr).toBe('');
  });

  it('rotate-kek knows from the configuration, not the raw environment, whether the KEK is a data-dir file', () => {
    // The CLI reads configuration through the schema only (src/platform/config), never process.env itself.
    for (const file of readdirSync(join(ROOT, 'src/cli'))) {
      expect(readFileSync(join(ROOT, 'src/cli', file), 'utf8'), file).not.toMatch(/process\.env/);
    }
    const own = mkdtempSync(join(tmpdir(), 'kyc-ledger-cli-kek-'));
    try {
      const kek = randomBytes(32).toString('base64');
      const next = join(own, 'next.kek');
      writeFileSync(next, randomBytes(32).toString('base64'));
      const ownEnv = {
        LEDGER_DATA_DIR: join(own, 'data'),
        POLICY_DIR: join(ROOT, 'policies'),
        LEDGER_KEK: kek,
      };
      const rotated = cli(['rotate-kek', '--new-kek-file', next, '--json'], ownEnv);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(JSON.parse(rotated.stdout)).toMatchObject({ next: 'set LEDGER_KEK to the new key and restart' });
      expect(existsSync(join(own, 'data/kek.base64'))).toBe(false);

      const people = cli(['rotate-kek', '--new-kek-file', next], { ...env });
      expect(people.code, people.stderr).toBe(0);
      expect(people.stdout).toMatch(
        /^re-wrapped \d+ data keys under KEK \S+\nthe new KEK replaced .*kek\.base64\n$/,
      );
      expect(readFileSync(join(dir, 'data/kek.base64'), 'utf8').trim()).toBe(readFileSync(next, 'utf8'));
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
