import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { report } from './lib';
import type { LoadJob, LoadResult } from './load-generator';
import {
  firstMessage,
  forkBenchScript,
  freePort,
  resetPeakRss,
  statusMb,
  stopChild,
  waitForQuiet,
} from './processes';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const JOURNEYS = Math.max(40, Math.round(400 * SCALE));
const REQUESTS = Math.max(2000, Math.round(20_000 * SCALE));
/** Every measured run stops at its count or after this long, whichever comes first. */
const MAX_SECONDS = 60;
const SHORT_MAX_SECONDS = 15;
const WARM_UP_REQUESTS = 2000;
const WARM_UP_JOURNEYS = 40;

/** One load run from a process of its own; fails the bench on the first unexpected answer. */
async function load(job: LoadJob): Promise<LoadResult> {
  const child = forkBenchScript('load-generator.ts');
  try {
    const answer = firstMessage<LoadResult>(child, (job.maxSeconds + 30) * 1000);
    child.send(job);
    const result = await answer;
    if (result.failure !== undefined) throw new Error(`${job.mode} ${job.path}: ${result.failure}`);
    return result;
  } finally {
    await stopChild(child);
  }
}

function reportLoad(name: string, job: LoadJob, result: LoadResult, unit = 'requests/s'): void {
  report(`${name}.${unit === 'requests/s' ? 'requests' : 'commands'}`, result.requestsPerSecond, unit);
  report(`${name}.p50`, result.p50Ms, 'ms');
  report(`${name}.p99`, result.p99Ms, 'ms');
  // The run met its time bound before its count: the figure stands, over fewer operations.
  if (result.operations < job.count) report(`${name}.cut_short_at`, result.operations, 'operations');
}

/**
 * Plain Fastify on the job plain Express just ran: how much faster the bare framework answers here, the most a move
 * of the API to Fastify could gain.
 */
async function fastifyBeside(
  name: string,
  mode: 'post' | 'get',
  job: LoadJob,
  express: LoadResult,
  fastifyPid: number,
): Promise<void> {
  await waitForQuiet(fastifyPid);
  const fastify = await load(job);
  reportLoad(`${name}_${mode}`, job, fastify);
  report(`${name}_vs_express_${mode}`, fastify.requestsPerSecond / express.requestsPerSecond, 'ratio');
}

/** The compiled app as `npm start` runs it (`node dist/main.js`), embedded profile, own process and data dir. */
async function startAppProcess(): Promise<{
  child: ChildProcess;
  base: string;
  key: string;
  close: () => Promise<void>;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-http-'));
  const key = `bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  // The embedded profile, whatever this shell points at.
  const external = new Set(['EVENTSTORE_CONNECTION_STRING', 'DATABASE_URL', 'KAFKA_BROKERS']);
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !external.has(name)));
  const child = spawn(process.execPath, [join(__dirname, '../dist/main.js')], {
    cwd: join(__dirname, '..'),
    env: {
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LEDGER_DATA_DIR: dataDir,
      LEDGER_API_KEYS: JSON.stringify([{ key, principal: 'bench', roles: ['operator'] }]),
      LEDGER_RATE_LIMIT_PER_MINUTE: '10000000',
      POLICY_DIR: join(__dirname, '../policies'),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const close = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await close();
      throw new Error(`the app exited (${child.exitCode}) before it served: ${output}`);
    }
    const live = await fetch(`${base}/health/live`).then(
      (res) => res.ok,
      () => false,
    );
    if (live) return { child, base, key, close };
    if (performance.now() > deadline) {
      await close();
      throw new Error(`the app did not serve /health/live within 60 s: ${output}`);
    }
    await sleep(100);
  }
}

/**
 * HTTP with the load from a separate process (keep-alive node:http agent): the journey at 16 clients against the
 * compiled app in a process of its own, beside plain Express's JSON POST echo at the same concurrency with the
 * same load generator (and plain Fastify's, to tell what Fastify could gain); `GET /health/live` at 64 clients
 * beside the plain Express GET (and Fastify's); the app's peak RSS
 * during the 64-client load.
 */
export async function benchHttp(): Promise<void> {
  // Both servers run side by side; each figure is taken right after its peer's, while the other server idles,
  // so a change in the machine's load between them moves the ratio as little as it can.
  const plain = forkBenchScript('plain-express-server.ts');
  const fastify = forkBenchScript('plain-fastify-server.ts');
  try {
    const { port } = await firstMessage<{ port: number }>(plain, 30_000);
    const plainPid = plain.pid!;
    const fastifyBase = `http://127.0.0.1:${(await firstMessage<{ port: number }>(fastify, 30_000)).port}`;
    const fastifyPid = fastify.pid!;
    const app = await startAppProcess();
    try {
      const pid = app.child.pid!;
      const plainBase = `http://127.0.0.1:${port}`;
      const post = {
        base: plainBase,
        mode: 'post',
        path: '/echo',
        clients: 16,
        maxSeconds: SHORT_MAX_SECONDS,
      } as const;
      const get = {
        base: plainBase,
        mode: 'get',
        path: '/live',
        clients: 64,
        maxSeconds: SHORT_MAX_SECONDS,
      } as const;
      const journey = {
        base: app.base,
        mode: 'journey',
        path: '/v1',
        clients: 16,
        apiKey: app.key,
        maxSeconds: MAX_SECONDS,
      } as const;
      const health = {
        base: app.base,
        mode: 'get',
        path: '/health/live',
        clients: 64,
        maxSeconds: SHORT_MAX_SECONDS,
      } as const;

      // Warm-ups: JIT, connection set-up, the app's statement caches.
      await load({ ...post, count: WARM_UP_REQUESTS });
      await load({ ...post, base: fastifyBase, count: WARM_UP_REQUESTS });
      await load({ ...journey, count: WARM_UP_JOURNEYS });

      // The journey at 16 clients beside plain Express's JSON POST at 16 clients.
      await waitForQuiet(pid);
      await waitForQuiet(plainPid);
      const postJob = { ...post, count: REQUESTS };
      const plainPost = await load(postJob);
      reportLoad('http.c16.peer.plain_express_post', postJob, plainPost);
      await fastifyBeside(
        'http.c16.peer.plain_fastify',
        'post',
        { ...postJob, base: fastifyBase },
        plainPost,
        fastifyPid,
      );
      await waitForQuiet(pid);
      const journeyJob = { ...journey, count: JOURNEYS };
      const journeys = await load(journeyJob);
      reportLoad('http.c16.journey', journeyJob, journeys, 'commands/s');
      report('http.c16.journey.journeys', journeys.operations / journeys.seconds, 'journeys/s');
      // Goal ≥ 0.5: each command is one POST, against plain Express's JSON POST at the same concurrency.
      report(
        'http.c16.journey.vs_plain_express_post',
        journeys.requestsPerSecond / plainPost.requestsPerSecond,
        'ratio',
      );
      // What the answered commands set off (projections, outbox) still runs after the last answer.
      report('http.app.busy_after_journey', await waitForQuiet(pid), 's');
      report('http.app.rss_peak_after_journey', statusMb(pid, 'VmHWM'), 'MB');
      await reportMemory('http.app.memory_after_journey', app.base);

      // `GET /health/live` at 64 clients beside plain Express's GET at 64 clients.
      await load({ ...get, count: WARM_UP_REQUESTS });
      await load({ ...health, count: WARM_UP_REQUESTS });
      await waitForQuiet(plainPid);
      const getJob = { ...get, count: REQUESTS };
      const plainGet = await load(getJob);
      reportLoad('http.c64.peer.plain_express_get', getJob, plainGet);
      await load({ ...get, base: fastifyBase, count: WARM_UP_REQUESTS });
      await fastifyBeside(
        'http.c64.peer.plain_fastify',
        'get',
        { ...getJob, base: fastifyBase },
        plainGet,
        fastifyPid,
      );
      await waitForQuiet(pid);
      const reset = resetPeakRss(pid);
      const liveJob = { ...health, count: REQUESTS };
      const live = await load(liveJob);
      reportLoad('http.c64.health_live', liveJob, live);
      // Goal ≥ 0.8.
      report(
        'http.c64.health_live.vs_plain_express_get',
        live.requestsPerSecond / plainGet.requestsPerSecond,
        'ratio',
      );
      await reportMemory('http.c64.app_memory_after_load', app.base);
      // VmHWM since the reset: the peak during the 64-client load (without a reset, the process's whole life).
      const peak = statusMb(pid, 'VmHWM');
      report(reset ? 'http.c64.app_rss_peak' : 'http.app.rss_peak_lifetime', peak, 'MB');
      // Goal < 1 (200 MB).
      report(
        reset ? 'http.c64.app_rss_peak.vs_200mb' : 'http.app.rss_peak_lifetime.vs_200mb',
        peak / 200,
        'ratio',
      );
    } finally {
      await app.close();
    }
  } finally {
    await stopChild(plain);
    await stopChild(fastify);
  }
}

/**
 * Where the app's resident memory is, from its own `/metrics` (prom-client's default metrics): the JavaScript
 * heap (total reserved and used), memory outside it that JavaScript objects hold (`external`: buffers) and the
 * resident set, so that an RSS figure can be split into the heap and the rest (native: SQLite, code, stacks).
 */
async function reportMemory(name: string, base: string): Promise<void> {
  const text = await fetch(`${base}/metrics`).then((res) => res.text());
  const value = (metric: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`kyc_ledger_${metric} `));
    if (line === undefined) throw new Error(`no ${metric} in /metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1)) / 1024 / 1024;
  };
  const rss = value('process_resident_memory_bytes');
  const heapTotal = value('nodejs_heap_size_total_bytes');
  report(`${name}.rss`, rss, 'MB');
  report(`${name}.heap_total`, heapTotal, 'MB');
  report(`${name}.heap_used`, value('nodejs_heap_size_used_bytes'), 'MB');
  report(`${name}.external`, value('nodejs_external_memory_bytes'), 'MB');
  report(`${name}.outside_heap`, rss - heapTotal, 'MB');
}
