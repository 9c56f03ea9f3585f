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
    /** The one key of this app: an admin's, who sees the details (anyone else gets the bare status). */
    const opsKey = randomBytes(24).toString('hex');
    const asAdmin = { headers: { authorization: `Bearer ${opsKey}` } };

    beforeAll(async () => {
      standIn = await startEsdbStandIn();
      database = await freshDatabase(url);
      t = await startTestApp({
        EVENTSTORE_CONNECTION_STRING: standIn.connectionString,
        DATABASE_URL: database.url,
        LEDGER_SIGNING_KEY: generateKeyPairSync('ed25519')
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        LEDGER_API_KEYS: JSON.stringify([{ key: opsKey, principal: 'ops', roles: ['admin'] }]),
      });
    });
    afterAll(async () => {
      await t.close();
      await standIn.stop();
      await database.drop();
    });

    it('reports both production dependencies as up', async () => {
      const res = await fetch(`${t.baseUrl}/health`, asAdmin);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        status: 'ok',
        profile: 'production',
        checks: {
          eventStore: { status: 'up', adapter: 'eventstoredb' },
          readModels: { status: 'up', database: 'postgres' },
        },
      });
      const anonymous = await fetch(`${t.baseUrl}/health`);
      expect(anonymous.status).toBe(200);
      expect(await anonymous.json()).toEqual({ status: 'ok' });
    });

    it('turns unready, naming the event store, when EventStoreDB goes away', async () => {
      await standIn.stop();
      const res = await fetch(`${t.baseUrl}/health`, asAdmin);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: { eventStore: { status: string; error?: string } } };
      expect(body.checks.eventStore.status).toBe('down');
      expect(JSON.stringify(body)).not.toContain(standIn.connectionString);
      const anonymous = await fetch(`${t.baseUrl}/health`);
      expect(anonymous.status).toBe(503);
      expect(await anonymous.json()).toEqual({ status: 'unavailable' });
      expect((await fetch(`${t.baseUrl}/health/live`)).status).toBe(200);
    });
  },
);
