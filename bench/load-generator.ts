import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { JOURNEY_STEPS, journeyRequest, newSubjectId } from './journey-shapes';
import { percentile } from './lib';

/**
 * The HTTP load generator, run in a process of its own (`http.bench.ts` forks it): `clients` loops over one
 * keep-alive agent, each doing one operation after another until `count` operations are done or `maxSeconds`
 * have passed. Operations: the 5-request journey (`journey`), a JSON POST of the journey's bodies in turn
 * (`post`), or a GET (`get`). It answers with one message and exits.
 */
export interface LoadJob {
  readonly base: string;
  readonly mode: 'journey' | 'post' | 'get';
  readonly path: string;
  readonly clients: number;
  readonly count: number;
  readonly maxSeconds: number;
  readonly apiKey?: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly operations: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failure?: string;
}

async function runLoad(job: LoadJob): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.clients });
  const url = new URL(job.base);
  const latencies: number[] = [];
  let failure: string | undefined;

  const send = (method: 'GET' | 'POST', path: string, body: unknown, expected: number) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const t0 = performance.now();
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: {
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...(job.apiKey === undefined ? {} : { authorization: `Bearer ${job.apiKey}` }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            latencies.push(performance.now() - t0);
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== expected) {
              reject(new Error(`${method} ${path}: ${String(res.statusCode)} ${text.slice(0, 300)}`));
              return;
            }
            resolve(JSON.parse(text) as Record<string, unknown>);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  // The plain POST sends the journey's own bodies, one after another.
  const postBodies = JOURNEY_STEPS.map((step) => journeyRequest(step, newSubjectId(), randomUUID()).body);
  const operation = async (i: number): Promise<number> => {
    switch (job.mode) {
      case 'get':
        await send('GET', job.path, undefined, 200);
        return 1;
      case 'post':
        await send('POST', job.path, postBodies[i % postBodies.length], 200);
        return 1;
      case 'journey': {
        const subjectId = newSubjectId();
        let sessionId = '';
        for (const step of JOURNEY_STEPS) {
          const { path, body, status } = journeyRequest(step, subjectId, sessionId);
          const json = await send('POST', path, body, status);
          if (step === 'start') sessionId = json.sessionId as string;
          if (step === 'vendor_result' && json.status !== 'approved') {
            throw new Error(`journey ended ${String(json.status)}`);
          }
        }
        return JOURNEY_STEPS.length;
      }
      default: {
        const never: never = job.mode;
        throw new Error(`unknown mode ${String(never)}`);
      }
    }
  };

  let next = 0;
  let operations = 0;
  let requests = 0;
  const started = performance.now();
  const deadline = started + job.maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: job.clients }, async () => {
      while (failure === undefined && next < job.count && performance.now() < deadline) {
        const i = next;
        next += 1;
        try {
          // Not `requests += await …`: that reads `requests` before the await and loses the other clients' counts.
          const sent = await operation(i);
          requests += sent;
          operations += 1;
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests,
    operations,
    seconds,
    requestsPerSecond: requests / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ...(failure === undefined ? {} : { failure }),
  };
}

process.once('message', (job: LoadJob) => {
  runLoad(job)
    .then((result) => process.send?.(result, () => process.exit(0)))
    .catch((error: unknown) => {
      process.stderr.write(`load generator failed: ${String(error)}\n`);
      process.exit(1);
    });
});
