import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_WEBHOOK_SECRETS } from '../../src/platform/config/embedded-secrets';
import { until } from '../support/poll';
import { signedHeaders } from '../support/webhook-signing';

const ROOT = join(__dirname, '../..');

interface Service {
  readonly base: string;
  readonly dataDir: string;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** The built service as a newcomer starts it: no environment but a data dir (and a port for the test). */
async function startService(dir: string, extra: Record<string, string> = {}): Promise<Service> {
  const port = String(20_000 + Math.floor(Math.random() * 20_000));
  const dataDir = join(dir, 'data');
  let out = '';
  const child: ChildProcess = spawn(process.execPath, ['dist/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      LEDGER_DATA_DIR: dataDir,
      POLICY_DIR: join(ROOT, 'policies'),
      PORT: port,
      HOST: '127.0.0.1',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const base = `http://127.0.0.1:${port}`;
  await until(
    () =>
      fetch(`${base}/health`).then(
        (res) => res.ok,
        () => false,
      ),
    'the service to answer /health',
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return {
    base,
    dataDir,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    },
  };
}

interface DevKey {
  readonly key: string;
  readonly principal: string;
  readonly roles: readonly string[];
}

describe('first run of the embedded profile', () => {
  let dir: string;
  let service: Service;
  let keys: DevKey[];

  beforeAll(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-first-run-'));
    service = await startService(dir);
    keys = JSON.parse(readFileSync(join(service.dataDir, 'dev-api-key.json'), 'utf8')) as DevKey[];
  }, 180_000);
  afterAll(async () => {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = (principal: string) => {
    const key = keys.find((k) => k.principal === principal)?.key;
    if (key === undefined) throw new Error(`no development key for ${principal}`);
    return async (path: string, body: unknown = {}) => {
      const res = await fetch(`${service.base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
  };

  it('generates one key per role and two senior reviewers, and says where they are without printing a key', () => {
    expect(keys.map((k) => [k.principal, k.roles])).toEqual([
      ['local-developer', ['operator', 'reviewer', 'senior_reviewer', 'auditor', 'privacy_officer', 'admin']],
      ['operator', ['operator']],
      ['reviewer', ['reviewer']],
      ['senior-reviewer', ['senior_reviewer', 'reviewer']],
      ['second-senior-reviewer', ['senior_reviewer', 'reviewer']],
      ['auditor', ['auditor']],
      ['privacy-officer', ['privacy_officer']],
    ]);
    const log = service.output();
    expect(log).toContain(join(service.dataDir, 'dev-api-key.json'));
    for (const k of keys) {
      expect(log).toContain(k.principal);
      expect(log).not.toContain(k.key);
    }
    expect(log).toContain('Send a key in the Authorization header (scheme Bearer)');
    expect(log).toContain('second-senior-reviewer (four eyes)');
    expect(log).toMatch(/webhooks of onfido, veriff, sumsub, persona use the documented local secrets/);
  });

  it('lets one senior reviewer approve the override another requested (four eyes), not their own', async () => {
    const consent = await as('operator')('/v1/subjects/sub_first_run/consents', {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
      evidence: { userAgent: 'first run agent' },
    });
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
    const started = await as('operator')('/v1/verifications', {
      subjectId: 'sub_first_run',
      jurisdiction: 'DE',
      segment: 'retail',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const sessionId = started.body.sessionId as string;
    const result = await as('operator')(`/v1/verifications/${sessionId}/vendor-results`, {
      vendor: 'acme',
      vendorEventId: 'evt_first_run',
      vendorCreatedAt: '2026-11-26T10:00:00Z',
      checks: [
        { kind: 'document', result: 'clear', score: 0.97 },
        { kind: 'face_match', result: 'clear', score: 0.95 },
        { kind: 'liveness', result: 'clear', score: 0.99 },
        { kind: 'sanctions', result: 'clear' },
      ],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const evidence = await as('operator')(`/v1/verifications/${sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'acme',
      vendorReference: 'doc_first_run',
    });
    expect(evidence.body, JSON.stringify(evidence.body)).toMatchObject({ status: 'approved' });

    const requested = await as('senior-reviewer')(`/v1/verifications/${sessionId}/overrides`, {
      outcome: 'reject',
      justification: 'Trying four eyes on the first run of the embedded profile.',
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const approval = `/v1/verifications/${sessionId}/overrides/${requested.body.overrideId as string}/approval`;
    const own = await as('senior-reviewer')(approval);
    expect(own.body).toMatchObject({ code: 'four_eyes_violation' });
    const other = await as('second-senior-reviewer')(approval);
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    expect(other.body).toMatchObject({ status: 'rejected' });
  });

  it('accepts a callback signed with the documented local webhook secret', async () => {
    const body = Buffer.from(JSON.stringify({ id: 'evt_local', feature: 'selfid' }));
    const res = await fetch(`${service.base}/v1/webhooks/veriff`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signedHeaders('veriff', body, { secret: LOCAL_WEBHOOK_SECRETS.veriff }),
      },
      body,
    });
    expect([200, 202]).toContain(res.status);
  });

  it('keeps LEDGER_API_KEYS as the only keys when it is set, with no development keys file', async () => {
    const own = mkdtempSync(join(tmpdir(), 'kyc-ledger-first-run-keys-'));
    const key = 'own_key_for_the_first_run_test_0001';
    const configured = await startService(own, {
      LEDGER_API_KEYS: JSON.stringify([{ key, principal: 'ops-team', roles: ['auditor'] }]),
    });
    try {
      const res = await fetch(`${configured.base}/v1/verifications`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      expect(existsSync(join(configured.dataDir, 'dev-api-key.json'))).toBe(false);
      expect(configured.output()).not.toContain('local development keys');
      const devKey = keys[0]?.key ?? '';
      const refused = await fetch(`${configured.base}/v1/verifications`, {
        headers: { authorization: `Bearer ${devKey}` },
      });
      expect(refused.status).toBe(401);
    } finally {
      await configured.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
