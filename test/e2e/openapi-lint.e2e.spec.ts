import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_STATUS, type ProblemCode } from '../../src/platform/http/openapi';
import { ProblemDetailsFilter } from '../../src/platform/http/problem-details.filter';
import { LedgerError } from '../../src/shared/ledger-error';
import { startTestApp, type TestApp } from '../support/app';
import { fetchOpenApiDocument, type OpenApiDocument } from '../support/openapi';

/*
 * The served document is the contract: Redocly's recommended ruleset passes with no error and no warning, and
 * the typed client's types checked into test/support/openapi-types.ts are exactly what openapi-typescript makes
 * of it today, so a controller change that alters the document fails here until the types are regenerated
 * (npm run openapi:types), and a change that breaks the client's journey (openapi-client.e2e.spec.ts) fails
 * typecheck. `npm run openapi:lint` runs this file alone; `npm test` runs it with the other e2e tests.
 */

const ROOT = join(__dirname, '../..');
const TYPES_FILE = join(ROOT, 'test/support/openapi-types.ts');
const REDOCLY = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');

let t: TestApp;
let document: OpenApiDocument;
let dir: string;

beforeAll(async () => {
  t = await startTestApp();
  document = await fetchOpenApiDocument(t);
  dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-openapi-'));
});
afterAll(async () => {
  await t.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The types file as openapi-typescript generates it from the document, formatted like the repository. */
async function generatedTypes(): Promise<string> {
  const ast = await openapiTS(document as never, { alphabetize: true });
  const header =
    '/* Generated from the served /docs-json by openapi-typescript: do not edit. ' +
    'Regenerate with npm run openapi:types. */\n';
  const options = (await resolveConfig(TYPES_FILE)) ?? {};
  return format(header + astToString(ast), { ...options, filepath: TYPES_FILE });
}

describe('OpenAPI document', () => {
  it("passes Redocly's recommended ruleset with no error and no warning", () => {
    // OPENAPI_OUT=path keeps the linted document (e.g. to publish it or diff it by hand).
    const file = process.env.OPENAPI_OUT ?? join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const run = spawnSync(
      process.execPath,
      [REDOCLY, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
      {
        encoding: 'utf8',
        cwd: ROOT,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    const report = JSON.parse(run.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = report.problems.map(
      (p) => `${p.ruleId}: ${p.message} (${p.location[0]?.pointer ?? ''})`,
    );
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('every operation has a summary, an operationId, its security, a 2xx body and problem answers', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const op = operation as Record<string, unknown> & { responses: Record<string, unknown> };
        const where = `${method.toUpperCase()} ${path}`;
        expect(op.summary, where).toEqual(expect.any(String));
        expect(op.operationId, where).toEqual(expect.any(String));
        expect(op.security, where).toBeDefined();
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((s) => s.startsWith('2')),
          where,
        ).toBe(true);
        if ((op.security as unknown[]).length > 0) expect(statuses, where).toContain('401');
        // Every operation lists its 4xx answers, but the probes: no input, no credentials read, never
        // rate-limited, none to list. /health and /health/ready read credentials when given (401, then 429).
        const probe = ['/health/live', '/metrics'].includes(path);
        expect(
          statuses.some((s) => s.startsWith('4')),
          where,
        ).toBe(!probe);
      }
    }
  });

  it('the checked-in client types are what openapi-typescript makes of the served document', async () => {
    const fresh = await generatedTypes();
    if (process.env.OPENAPI_WRITE === '1') writeFileSync(TYPES_FILE, fresh);
    expect(readFileSync(TYPES_FILE, 'utf8'), 'regenerate: npm run openapi:types').toBe(fresh);
  });

  it('documents each problem code with the status the problem-details filter gives it', () => {
    /** The status the filter answers for an error of `code` that sets no status of its own. */
    const statusOf = (code: string): number => {
      class Probe extends LedgerError {
        readonly code = code;
      }
      let status = 0;
      const response = {
        setHeader: () => response,
        status: (s: number) => {
          status = s;
          return response;
        },
        type: () => response,
        send: () => response,
      };
      const host = {
        switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ path: '/' }) }),
      };
      new ProblemDetailsFilter().catch(new Probe('probe'), host as never);
      return status;
    };
    const mismatches = (Object.keys(PROBLEM_STATUS) as ProblemCode[])
      .map((code) => ({ code, documented: PROBLEM_STATUS[code], filter: statusOf(code) }))
      // 400 is the filter's default: codes it does not list get their status from their own error class.
      .filter(({ documented, filter }) => filter !== 400 && filter !== documented);
    expect(mismatches).toEqual([]);
  });
});
