import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { checkedClient, OpenApiResponses } from '../support/openapi';

const ROOT = join(__dirname, '../..');

/** The shell block of the README's tour, exactly as a newcomer copies it. */
function tourBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- tour:start -->');
  const end = readme.indexOf('<!-- tour:end -->');
  expect(start).toBeGreaterThan(0);
  const fenced = /```sh\n([\s\S]*?)```/.exec(readme.slice(start, end));
  expect(fenced).not.toBeNull();
  return fenced![1]!;
}

describe('the README tour runs as written', () => {
  let t: TestApp;
  let dataDir: string;

  beforeAll(async () => {
    t = await startTestApp();
    // The embedded profile's development keys file, with this app's keys under the README's principal names.
    dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-tour-'));
    const entries = [
      ['operator', t.keys.operator],
      ['reviewer', t.keys.reviewer],
      ['senior-reviewer', t.keys.senior],
      ['second-senior-reviewer', t.keys.senior2],
      ['auditor', t.keys.auditor],
      ['privacy-officer', t.keys.privacy],
    ].map(([principal, key]) => ({ principal, key, roles: [] }));
    writeFileSync(join(dataDir, 'dev-api-key.json'), JSON.stringify(entries));
  });

  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('walks consent → review → four-eyes override → "why approved" → verified ledger', async () => {
    const child = spawn('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', tourBlock()], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', LEDGER_URL: t.baseUrl, LEDGER_DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    // The explanation's summary names the override that approved, and the whole ledger verifies.
    expect(lines.at(-2)).toMatch(/approv/i);
    expect(lines.at(-2)).toMatch(/override/i);
    expect(lines.at(-1)).toBe('true');

    // The explanation the tour read matches its OpenAPI schema field by field (review, four-eyes override,
    // consent, rule traces): a client generated from /docs-json gets every nested type.
    const api = checkedClient(client(t), await OpenApiResponses.of(t));
    const list = await api.get<{ items: { sessionId: string }[] }>('auditor', '/v1/verifications?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const { sessionId } of list.body.items) {
      const explanation = await api.get<{ overrides: unknown[]; reviews: unknown[]; evaluations: unknown[] }>(
        'auditor',
        `/v1/verifications/${sessionId}/explanation`,
      );
      expect(explanation.status).toBe(200);
      expect(explanation.body.evaluations.length).toBeGreaterThan(0);
    }
  }, 60_000);
});
