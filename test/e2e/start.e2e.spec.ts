import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/poll';

const ROOT = join(__dirname, '../..');

interface Run {
  readonly output: () => string;
  readonly exit: Promise<number | null>;
  readonly exitSignal: Promise<NodeJS.Signals | null>;
  readonly kill: (signal: NodeJS.Signals) => void;
}

/** `node dist/main.js` as `npm start` runs it, with only the given environment. */
function startService(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  return {
    output: () => output,
    exit: exited.then((e) => e.code),
    exitSignal: exited.then((e) => e.signal),
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

async function waitForHealth(url: string, run: Run, timeoutMs = 20_000): Promise<Response> {
  return eventually(
    () => fetch(url).catch(() => undefined),
    (res) => res !== undefined,
    `the service to answer (output: ${run.output().slice(-500)})`,
    { timeoutMs, intervalMs: 100 },
  ) as Promise<Response>;
}

const port = (): string => String(20_000 + Math.floor(Math.random() * 20_000));

describe('the service process (npm start)', () => {
  const dirs: string[] = [];
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-start-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }, 120_000);
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('starts on the embedded profile with no environment, serves /health and stops cleanly', async () => {
    const dataDir = tempDir();
    const p = port();
    const run = startService({ LEDGER_DATA_DIR: dataDir, PORT: p, HOST: '127.0.0.1' });
    const res = await waitForHealth(`http://127.0.0.1:${p}/health`, run);
    expect(res.status).toBe(200);
    // Without credentials the bare status; the generated developer key (every role) sees the details.
    expect(await res.json()).toEqual({ status: 'ok' });

    const devKeyFile = join(dataDir, 'dev-api-key.json');
    const [devKey] = JSON.parse(readFileSync(devKeyFile, 'utf8')) as { key: string }[];
    const detailed = await fetch(`http://127.0.0.1:${p}/health`, {
      headers: { authorization: `Bearer ${devKey!.key}` },
    });
    expect(await detailed.json()).toMatchObject({ status: 'ok', profile: 'embedded' });
    expect(run.output()).toContain(devKeyFile);
    expect(run.output()).not.toContain(devKey!.key);
    expect(run.output()).not.toContain(readFileSync(join(dataDir, 'kek.base64'), 'utf8').trim());

    // Nest closes the app on SIGTERM, then re-raises the signal. A clean close of the event store removes its
    // write-ahead log file, which a killed process would leave behind.
    run.kill('SIGTERM');
    expect(await run.exitSignal).toBe('SIGTERM');
    expect(existsSync(join(dataDir, 'events.sqlite-wal'))).toBe(false);
  }, 60_000);

  it('refuses a bad configuration with a message naming the variable', async () => {
    const run = startService({ LEDGER_DATA_DIR: tempDir(), PORT: 'eighty' });
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/PORT must be an integer/);
  }, 30_000);

  it('refuses to start with a bad policy, naming the file and the field', async () => {
    const policyDir = tempDir();
    const original = readFileSync(join(ROOT, 'policies/kyc-default/2026-11-01.yaml'), 'utf8');
    writeFileSync(
      join(policyDir, 'broken.yaml'),
      original.replace('defaultTier: standard', 'defaultTier: gold'),
    );
    const run = startService({ LEDGER_DATA_DIR: tempDir(), PORT: port(), POLICY_DIR: policyDir });
    expect(await run.exit).toBe(1);
    expect(run.output()).toMatch(/broken\.yaml: \/jurisdictions\/DE\/retail\/defaultTier: "gold"/);
  }, 30_000);

  it('refuses to start with a KEK other than the one its keys were wrapped with', async () => {
    const dataDir = tempDir();
    const p = port();
    const first = startService({
      LEDGER_DATA_DIR: dataDir,
      PORT: p,
      HOST: '127.0.0.1',
      LEDGER_KEK: randomBytes(32).toString('base64'),
    });
    await waitForHealth(`http://127.0.0.1:${p}/health`, first);
    first.kill('SIGTERM');
    await first.exit;

    const wrongKek = randomBytes(32).toString('base64');
    const second = startService({
      LEDGER_DATA_DIR: dataDir,
      PORT: port(),
      HOST: '127.0.0.1',
      LEDGER_KEK: wrongKek,
    });
    expect(await second.exit).toBe(1);
    expect(second.output()).toMatch(/LEDGER_KEK is not the key this key store was created with/);
    expect(second.output()).not.toContain(wrongKek);
  }, 60_000);
});
