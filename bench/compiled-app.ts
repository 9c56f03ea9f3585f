import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type * as AppFactory from '../src/app/app.factory';
import type * as Config from '../src/platform/config/config';
import type * as Secrets from '../src/platform/config/embedded-secrets';

export interface BenchApp {
  readonly app: INestApplication;
  readonly base: string;
  readonly key: string;
  /** POSTs JSON as the bench operator; throws unless the status is `expected` (default: any 2xx). */
  post: (path: string, body: unknown, expected?: number) => Promise<Record<string, unknown>>;
  close: () => Promise<void>;
}

/**
 * The compiled app (`dist/`, as `npm start` runs it: Nest's dependency injection needs the decorator metadata
 * that the TypeScript compiler emits and tsx does not) on loopback, embedded profile in a temporary data dir,
 * with one operator key and no rate limit in the way. `npm run bench` builds first.
 */
export async function startCompiledApp(name: string, env: Record<string, string> = {}): Promise<BenchApp> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the compiled app, loaded at run time */
  const { createApp } = require('../dist/app/app.factory') as typeof AppFactory;
  const { loadConfig } = require('../dist/platform/config/config') as typeof Config;
  const { withEmbeddedSecrets } = require('../dist/platform/config/embedded-secrets') as typeof Secrets;
  /* eslint-enable @typescript-eslint/no-require-imports */

  const dataDir = mkdtempSync(join(tmpdir(), `kyc-ledger-bench-${name}-`));
  const key = `bench_${randomBytes(16).toString('hex')}`;
  const { config } = withEmbeddedSecrets(
    loadConfig({
      LEDGER_DATA_DIR: dataDir,
      LEDGER_API_KEYS: JSON.stringify([{ key, principal: 'bench', roles: ['operator'] }]),
      LEDGER_RATE_LIMIT_PER_MINUTE: '10000000',
      POLICY_DIR: join(__dirname, '../policies'),
      LOG_LEVEL: 'error',
      ...env,
    }),
  );
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as { port: number }).port}`;
  return {
    app,
    base,
    key,
    post: async (path, body, expected) => {
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      const ok = expected === undefined ? res.status >= 200 && res.status < 300 : res.status === expected;
      if (!ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
