import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESS_ROLES } from '../../src/platform/roles/process-roles';
import { WorkerSupervisor } from '../../src/platform/workers';
import { ProjectionService } from '../../src/projections/projection.service';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { consentAndStart } from '../support/journey';

interface ProcessHealth {
  readonly components: Record<string, { status?: string; details?: Record<string, unknown> } | undefined>;
}

/**
 * Two processes of one ledger (DESIGN §7a, docs/operations.md "Roles and topology"): an API-only instance and a
 * worker instance with every other role, on the same data directory. The API instance starts no background
 * work and refuses the routes of roles it lacks; the worker instance's projections serve the API instance's
 * read-your-writes queries.
 */
describe('LEDGER_ROLES: an API instance beside a worker instance', () => {
  let apiOnly: TestApp;
  let workers: TestApp;

  beforeAll(async () => {
    // One ledger: the same data directory and key-encryption key.
    const kek = randomBytes(32).toString('base64');
    apiOnly = await startTestApp({ LEDGER_ROLES: 'api', LEDGER_KEK: kek });
    workers = await startTestApp({
      LEDGER_DATA_DIR: apiOnly.dataDir,
      LEDGER_KEK: kek,
      LEDGER_ROLES: 'projections, publisher, webhooks, schedulers',
    });
  });
  afterAll(async () => {
    await workers.close();
    await apiOnly.close();
  });

  it('starts no background worker and no projection runner in the API-only instance', () => {
    const supervisor = apiOnly.app.get(WorkerSupervisor);
    expect(supervisor.roles).toEqual(['api']);
    expect(supervisor.describe().workers).toEqual([]);
    expect(supervisor.describe().notServed).toEqual(
      expect.arrayContaining([
        'checkpointer',
        'expiry',
        'retention',
        'session-closer',
        'webhook-reference-index',
      ]),
    );
    expect(
      apiOnly.app.get(ProjectionService).runners.every((runner) => runner.status().state === 'idle'),
    ).toBe(true);
    const other = workers.app.get(WorkerSupervisor).describe();
    expect(other.notServed).toEqual([]);
    expect(other.workers).toEqual(
      expect.arrayContaining(['checkpointer', 'expiry', 'webhook-reference-index']),
    );
  });

  it('answers commands on the API instance and its queries from the projections the worker instance runs', async () => {
    const api = client(apiOnly);
    const { sessionId, position } = await consentAndStart(api);
    const read = await api.get('operator', `/v1/verifications/${sessionId}`, {
      'X-Min-Position': String(position),
    });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ sessionId, status: 'initiated' });
  });

  it('refuses the routes of roles a process lacks with 421 role_not_served, without echoing the request', async () => {
    const marker = `marker_${randomBytes(6).toString('hex')}`;
    const webhook = await fetch(`${apiOnly.baseUrl}/v1/webhooks/onfido?ref=${marker}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ payload: { marker } }),
    });
    const webhookText = await webhook.text();
    expect(webhook.status).toBe(421);
    expect(webhook.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(webhookText)).toMatchObject({ status: 421, code: 'role_not_served' });
    expect(webhookText).not.toContain(marker);

    const query = await client(workers).get('operator', `/v1/verifications/ses_${marker}`);
    expect(query.status).toBe(421);
    expect(query.body).toMatchObject({ code: 'role_not_served' });
    expect(JSON.stringify(query.body)).not.toContain(marker);

    // The operators' webhook API is part of `api`, not of `webhooks`.
    const parked = await client(workers).get('admin', '/v1/webhooks/parked');
    expect(parked.status).toBe(421);
    expect((await client(apiOnly).get('admin', '/v1/webhooks/parked')).status).toBe(200);
  });

  it('answers health and metrics in every process, and names its roles and workers in /health', async () => {
    for (const [instance, roles] of [
      [apiOnly, ['api']],
      [workers, PROCESS_ROLES.filter((role) => role !== 'api')],
    ] as const) {
      expect((await fetch(`${instance.baseUrl}/health/live`)).status).toBe(200);
      expect((await fetch(`${instance.baseUrl}/metrics`)).status).toBe(200);
      const health = await client(instance).get<ProcessHealth>('admin', '/health');
      expect(health.status).toBe(200);
      expect(health.body.components.process?.details).toMatchObject({ roles });
    }
    // The webhook reference index runs with the projections: the API instance does not report it as behind.
    const webhooks = await client(apiOnly).get<ProcessHealth>('admin', '/health');
    expect(webhooks.body.components.webhooks).toMatchObject({
      status: 'up',
      details: { referenceIndex: 'not_run_here' },
    });
  });
});
