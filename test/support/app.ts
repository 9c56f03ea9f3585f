import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app.factory';
import { loadConfig } from '../../src/config/config';
import { withEmbeddedSecrets } from '../../src/config/embedded-secrets';

export interface TestApp {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** A real Nest app on an ephemeral loopback port, embedded profile in a temporary data dir unless env says otherwise. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-e2e-'));
  const { config } = withEmbeddedSecrets(
    loadConfig({
      LEDGER_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LEDGER_KEK: randomBytes(32).toString('base64'),
      ...env,
    }),
  );
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as import('node:http').Server;
  const address = server.address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    dataDir,
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
