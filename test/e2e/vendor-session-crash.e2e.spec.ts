import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PRINCIPALS, type PrincipalName, type TestApp } from '../support/app';
import { client } from '../support/http';
import { consentAndStart } from '../support/journey';
import { until } from '../support/poll';
import { freePort } from '../support/service-process';
import { startPersonaStandIn } from '../support/vendors/persona';
import type { FaultQueue, RecordedRequest } from '../support/vendors/stand-in-server';
import { startSumsubStandIn } from '../support/vendors/sumsub';

const ROOT = join(__dirname, '../..');
const CHILD = join(__dirname, '../support/children/service-child.ts');

type Body = Record<string, unknown>;

/** A vendor's stand-in as this test needs it: where the service finds it, and the objects it made per session. */
interface Vendor {
  readonly name: 'sumsub' | 'persona';
  /** The route that creates the vendor's object (applicant, inquiry). */
  readonly createRoute: string;
  /** The service's configuration pointing at the stand-in. */
  readonly env: Readonly<Record<string, string>>;
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultQueue;
  /** Ids of the vendor objects made for our session id. */
  objectsFor(sessionId: string): string[];
  close(): Promise<void>;
}

const VENDORS: Readonly<Record<Vendor['name'], () => Promise<Vendor>>> = {
  sumsub: async () => {
    const credentials = { appToken: 'sbx:sumsub-crash-token', secretKey: 'sumsub-crash-secret' };
    const standIn = await startSumsubStandIn({ ...credentials, levels: ['crash-kyc-level'] });
    return {
      name: 'sumsub',
      createRoute: 'createApplicant',
      env: {
        SUMSUB_APP_TOKEN: credentials.appToken,
        SUMSUB_SECRET_KEY: credentials.secretKey,
        SUMSUB_API_URL: standIn.baseUrl,
        SUMSUB_LEVEL_NAME: 'crash-kyc-level',
      },
      requests: standIn.requests,
      faults: standIn.faults,
      objectsFor: (sessionId) =>
        [...standIn.applicants.values()].filter((a) => a.externalUserId === sessionId).map((a) => a.id),
      close: () => standIn.close(),
    };
  },
  persona: async () => {
    const credentials = { apiKey: 'persona_sandbox_crash', templateId: 'itmpl_Crash123' };
    const standIn = await startPersonaStandIn({
      apiKey: credentials.apiKey,
      templateIds: [credentials.templateId],
    });
    return {
      name: 'persona',
      createRoute: 'createInquiry',
      env: {
        PERSONA_API_KEY: credentials.apiKey,
        PERSONA_TEMPLATE_ID: credentials.templateId,
        PERSONA_API_URL: standIn.baseUrl,
      },
      requests: standIn.requests,
      faults: standIn.faults,
      objectsFor: (sessionId) =>
        [...standIn.inquiries.values()]
          .filter((i) => i.attributes['reference-id'] === sessionId)
          .map((i) => i.id),
      close: () => standIn.close(),
    };
  },
};

/** The service running as its own process (`src/main.ts`, embedded profile), to be killed like a real one. */
interface Service {
  readonly app: Pick<TestApp, 'baseUrl' | 'keys'>;
  readonly exited: Promise<NodeJS.Signals | number | null>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<NodeJS.Signals | number | null>;
}

/** Every byte the service wrote to its data dir (event store with its WAL, read models, keys), as one string. */
function everythingStored(dataDir: string): string {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return walk(dataDir)
    .map((path) => readFileSync(path).toString('latin1'))
    .join('\n');
}

/**
 * `POST /v1/verifications/{id}/vendor-session` when the process dies between the vendor's create and the
 * `VendorSessionOpened` event: the vendor made its applicant (inquiry), the service never heard, nothing is
 * recorded. After a restart on the same data dir, the retry must find the vendor's object by our reference
 * (Sumsub `externalUserId`, Persona `reference-id`) and record it, not create a second one.
 */
describe('vendor session across a crash (SIGKILL between the vendor call and its event)', () => {
  /** Service processes still running, with their exit. */
  const children = new Map<ChildProcess, Promise<unknown>>();
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const child of children.keys()) child.kill('SIGKILL');
    await Promise.all(children.values());
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startService(
    dataDir: string,
    env: Readonly<Record<string, string>>,
    keys: Readonly<Record<PrincipalName, string>>,
  ): Promise<Service> {
    const port = await freePort();
    const apiKeys = Object.entries(PRINCIPALS).map(([principal, roles]) => ({
      key: keys[principal as PrincipalName],
      principal,
      roles,
    }));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TZ: 'UTC',
        LEDGER_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        POLICY_DIR: join(ROOT, 'policies'),
        LEDGER_API_KEYS: JSON.stringify(apiKeys),
        // Longer than the whole test: the held create must be cut short by the kill, not by a client timeout
        // (which would retry the create in the same process).
        VENDOR_TIMEOUT_MS: '120000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => {
      child.on('exit', (code, signal) => {
        children.delete(child);
        resolve(signal ?? code);
      });
    });
    children.set(child, exited);
    let gone = false;
    void exited.then(() => (gone = true));
    const baseUrl = `http://127.0.0.1:${port}`;
    await until(
      async () => {
        if (gone) throw new Error(`the service exited during start-up:\n${output.slice(-2000)}`);
        return fetch(`${baseUrl}/health`).then(
          (res) => res.ok,
          () => false,
        );
      },
      'the service to answer /health',
      { timeoutMs: 45_000, intervalMs: 100 },
    );
    return {
      app: { baseUrl, keys },
      exited,
      output: () => output,
      kill: (signal) => {
        child.kill(signal);
        return exited;
      },
    };
  }

  /** The event types of the session's audit timeline, read at `position` or later. */
  async function timelineTypes(
    api: ReturnType<typeof client>,
    sessionId: string,
    position: unknown,
  ): Promise<string[]> {
    const res = await api.get<{ entries: { type: string }[] }>(
      'auditor',
      `/v1/verifications/${sessionId}/timeline`,
      { 'X-Min-Position': String(position) },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.entries.map((entry) => entry.type);
  }

  it.each(['sumsub', 'persona'] as const)(
    '%s: a retry after the restart finds the vendor object the killed process created, and creates none',
    async (name) => {
      const vendor = await VENDORS[name]();
      cleanups.push(() => vendor.close());
      const dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-vendor-crash-'));
      cleanups.push(() => {
        rmSync(dataDir, { recursive: true, force: true });
      });
      const env = { ...vendor.env, LEDGER_KEK: randomBytes(32).toString('base64') };
      const keys = Object.fromEntries(
        Object.keys(PRINCIPALS).map((p) => [p, `crash_${p}_${randomBytes(16).toString('hex')}`]),
      ) as Record<PrincipalName, string>;
      const path = (sessionId: string): string => `/v1/verifications/${sessionId}/vendor-session`;
      const creates = (): number => vendor.requests.filter((r) => r.route === vendor.createRoute).length;

      // First life: the vendor creates its object, then holds the answer; the service dies waiting for it.
      const first = await startService(dataDir, env, keys);
      // `client` reads only the base URL and the keys of a test app.
      const firstApi = client(first.app as TestApp);
      const { sessionId } = await consentAndStart(firstApi);
      vendor.faults.enqueue(vendor.createRoute, { holdAnswerMs: 120_000 });
      const lost = firstApi.post('operator', path(sessionId), { vendor: name }).then(
        (res) => `answered ${res.status}`,
        () => 'no answer',
      );
      await until(() => vendor.objectsFor(sessionId).length === 1, `the ${name} object to exist`, {
        timeoutMs: 20_000,
      });
      expect(await first.kill('SIGKILL')).toBe('SIGKILL');
      expect(await lost).toBe('no answer');
      expect(creates()).toBe(1);
      const [objectId] = vendor.objectsFor(sessionId);

      // Second life, same data dir: the retry finds the object.
      const second = await startService(dataDir, env, keys);
      const api = client(second.app as TestApp);
      const retried = await api.post<Body>('operator', path(sessionId), { vendor: name });
      expect(retried.status, JSON.stringify(retried.body)).toBe(200);
      expect(retried.body).toMatchObject({ vendor: name, vendorReference: objectId });
      expect(vendor.objectsFor(sessionId)).toEqual([objectId]);
      expect(creates()).toBe(1);
      const opened = (types: string[]): number => types.filter((t) => t === 'VendorSessionOpened').length;
      expect(opened(await timelineTypes(api, sessionId, retried.body.position))).toBe(1);

      // A third call reuses the recorded vendor session.
      const reused = await api.post<Body>('operator', path(sessionId), { vendor: name });
      expect(reused.status, JSON.stringify(reused.body)).toBe(200);
      expect(reused.body).toMatchObject({ vendor: name, vendorReference: objectId });
      expect(vendor.objectsFor(sessionId)).toEqual([objectId]);
      expect(creates()).toBe(1);
      expect(opened(await timelineTypes(api, sessionId, reused.body.position))).toBe(1);

      // The client token (Sumsub) or one-time link (Persona) is in the answers only: not in any byte stored.
      const credentials = [retried.body, reused.body].map((b) => b.clientToken ?? b.url);
      for (const credential of credentials) expect(typeof credential).toBe('string');
      const stored = everythingStored(dataDir);
      const logged = first.output() + second.output();
      for (const credential of credentials as string[]) {
        expect(stored.includes(credential)).toBe(false);
        expect(logged.includes(credential)).toBe(false);
      }
      // The search does see the stored events: the vendor's id is there (VendorSessionOpened records it).
      expect(stored.includes(objectId ?? '\u0000')).toBe(true);
    },
    180_000,
  );
});
