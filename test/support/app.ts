import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp, type CreateAppOptions } from '../../src/app/app.factory';
import { applyServerTimeouts } from '../../src/app/server-timeouts';
import type { AppOverrides } from '../../src/app/app.module';
import { loadConfig, type Role } from '../../src/platform/config/config';
import { withEmbeddedSecrets } from '../../src/platform/config/embedded-secrets';

/** Principals every test app knows, each with its own API key. */
export const PRINCIPALS = {
  operator: ['operator'],
  reviewer: ['reviewer'],
  reviewer2: ['reviewer'],
  senior: ['senior_reviewer', 'reviewer'],
  senior2: ['senior_reviewer'],
  auditor: ['auditor'],
  privacy: ['privacy_officer'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type PrincipalName = keyof typeof PRINCIPALS;

export interface TestApp {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly dataDir: string;
  /** API key of each test principal. */
  readonly keys: Readonly<Record<PrincipalName, string>>;
  /** The JSON log lines written so far, as written (empty unless started with `captureLogs`). */
  logLines(): readonly string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Log through the app's JSON logger at level debug into memory instead of staying silent. */
  readonly captureLogs?: boolean;
}

/** A real Nest app on an ephemeral loopback port, embedded profile in a temporary data dir unless env says otherwise. */
export async function startTestApp(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-e2e-'));
  const keys = Object.fromEntries(
    Object.keys(PRINCIPALS).map((name) => [name, `test_${name}_${randomBytes(16).toString('hex')}`]),
  ) as Record<PrincipalName, string>;
  const apiKeys = Object.entries(PRINCIPALS).map(([name, roles]) => ({
    key: keys[name as PrincipalName],
    principal: name,
    roles,
  }));
  const { config } = withEmbeddedSecrets(
    loadConfig({
      LEDGER_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LEDGER_KEK: randomBytes(32).toString('base64'),
      LEDGER_API_KEYS: JSON.stringify(apiKeys),
      POLICY_DIR: join(__dirname, '../../policies'),
      ...env,
      ...(options.captureLogs ? { LOG_LEVEL: 'debug' } : {}),
    }),
  );
  const lines: string[] = [];
  const memory = {
    write: (chunk: string): void => {
      lines.push(...chunk.split('\n').filter((line) => line !== ''));
    },
  };
  const logging: CreateAppOptions = options.captureLogs
    ? { logDestination: memory }
    : process.env.TEST_LOGS
      ? {}
      : { logger: false };
  const app = await createApp(config, { ...logging, overrides });
  const server = app.getHttpServer() as Server;
  // Before listen, as in main.ts: Node starts checking the timeouts when the server starts listening.
  applyServerTimeouts(server, config);
  await app.listen(0, '127.0.0.1');
  const address = server.address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    dataDir,
    keys,
    logLines: () => [...lines],
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
