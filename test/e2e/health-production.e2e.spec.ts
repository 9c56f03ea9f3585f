import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { type EsdbStandIn, startEsdbStandIn } from '../support/esdb-standin/esdb-standin';
import { freshDatabase } from '../support/postgres';
import { describeWithService } from '../support/services';

describeWithService(
  'DATABASE_URL',
  'GET /health (production profile: EventStoreDB stand-in + PostgreSQL)',
  (url) => {
    let standIn: EsdbStandIn;
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let t: TestApp;

    beforeAll(async () => {
      standIn = await startEsdbStandIn();
      database = await freshDatabase(url);
      t = await startTestApp({
        EVENTSTORE_CONNECTION_STRING: standIn.connectionString,
        DATABASE_URL: database.url,
        LEDGER_SIGNING_KEY: generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        LEDGER_API_KEYS: JSON.stringify([
          { key: randomBytes(24).toString('hex'), principal: 'ops', roles: ['admin'] },
        ]),
      });
    });
    afterAll(async () => {
      await t.close();
      await standIn.stop();
      await database.drop();
    });

    it('reports both production dependencies as up', async () => {
      const res = await fetch(`${t.baseUrl}/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'ok',
        profile: 'production',
        checks: {
          eventStore: { status: 'up', adapter: 'eventstoredb' },
          readModels: { status: 'up', database: 'postgres' },
        },
      });
    });

    it('turns unready, naming the event store, when EventStoreDB goes away', async () => {
      await standIn.stop();
      const res = await fetch(`${t.baseUrl}/health`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: { eventStore: { status: string; error?: string } } };
      expect(body.checks.eventStore.status).toBe('down');
      expect(JSON.stringify(body)).not.toContain(standIn.connectionString);
      expect((await fetch(`${t.baseUrl}/health/live`)).status).toBe(200);
    });
  },
);
