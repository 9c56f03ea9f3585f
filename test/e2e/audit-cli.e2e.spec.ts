import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/poll';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

/** Runs the CLI with only the given environment; returns exit code and output. */
function cli(
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('audit command line: verify, export, verify-bundle offline', () => {
  let dir: string;
  let env: Record<string, string>;
  let sessionId: string;

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-cli-'));
    const port = String(20_000 + Math.floor(Math.random() * 20_000));
    env = { LEDGER_DATA_DIR: join(dir, 'data'), POLICY_DIR: join(ROOT, 'policies') };
    const service = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env, PORT: port, HOST: '127.0.0.1', LOG_LEVEL: 'error' },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    await until(
      () =>
        fetch(`${base}/health`).then(
          (res) => res.ok,
          () => false,
        ),
      'the service to answer /health',
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const keys = JSON.parse(readFileSync(join(dir, 'data/dev-api-key.json'), 'utf8')) as { key: string }[];
    const key = keys[0]?.key ?? '';
    const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Record<string, unknown>;
    };
    await post('/v1/subjects/sub_cli/consents', {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
      evidence: { userAgent: 'cli consent agent' },
    });
    sessionId = (
      await post('/v1/verifications', { subjectId: 'sub_cli', jurisdiction: 'DE', segment: 'retail' })
    ).sessionId as string;
    await post(`/v1/verifications/${sessionId}/vendor-results`, {
      vendor: 'acme',
      vendorEventId: 'evt_cli',
      vendorCreatedAt: '2026-11-26T10:00:00Z',
      checks: [
        { kind: 'document', result: 'clear', score: 0.97 },
        { kind: 'face_match', result: 'clear', score: 0.95 },
        { kind: 'liveness', result: 'clear', score: 0.99 },
        { kind: 'sanctions', result: 'clear' },
      ],
    });
    // A second subject asks for erasure: its consent evidence is shredded at once (keys, then the event).
    await post('/v1/subjects/sub_cli_erased/consents', {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
      evidence: { userAgent: 'cli consent agent 2' },
    });
    const erasure = await post('/v1/subjects/sub_cli_erased/erasure-requests', {
      ground: 'consent_withdrawn',
    });
    expect(erasure.erased).toEqual(['consent_evidence']);
    service.kill('SIGTERM');
    await new Promise((r) => service.on('exit', r));
  }, 120_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports a session bundle that verifies offline with only the public key, and fails after an edit', () => {
    const keyFile = join(dir, 'ledger.pub.pem');
    const key = cli(['public-key'], env);
    expect(key.code, key.stderr).toBe(0);
    writeFileSync(keyFile, key.stdout);

    const bundleFile = join(dir, 'bundle.json');
    const exported = cli(['export', '--session', sessionId, '--out', bundleFile], env);
    expect(exported.code, exported.stderr).toBe(0);

    // Offline: an empty environment, another working directory, the data dir out of reach.
    const offline = mkdtempSync(join(tmpdir(), 'kyc-ledger-offline-'));
    try {
      const ok = cli(['verify-bundle', bundleFile, '--public-key', keyFile, '--json'], {}, offline);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, failures: [] });

      const text = readFileSync(bundleFile, 'utf8');
      for (const edited of [
        text.replace('"evt_cli"', '"evt_clj"'),
        text.replaceAll('"evt_cli"', '"evt_clj"'),
      ]) {
        writeFileSync(bundleFile, edited);
        const bad = cli(['verify-bundle', bundleFile, '--public-key', keyFile, '--json'], {}, offline);
        expect(bad.code).toBe(1);
        expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false });
      }
    } finally {
      rmSync(offline, { recursive: true, force: true });
    }
  });

  it('verifies chains and checkpoints of the whole ledger, and explains usage mistakes', () => {
    const verified = cli(['verify', '--json'], env);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, checkpoints: { ok: true } });
    const usage = cli(['export', '--session', sessionId], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--out <file> is required/);
  });

  it('reapply-shreds finds the recorded shred and, with the key store intact, nothing live to destroy', () => {
    const run = cli(['reapply-shreds', '--json'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ shreds: 1, keysDestroyed: 0, identityTokensRemoved: 0 });
  });
});
