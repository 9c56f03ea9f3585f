import { randomUUID } from 'node:crypto';
import { startCompiledApp } from './compiled-app';
import { consentBody, JOURNEY_STEPS, journeyRequest, newSubjectId } from './journey-shapes';
import { percentile, report } from './lib';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const JOURNEYS = Math.max(20, Math.round(400 * SCALE));

/**
 * The full journey over HTTP on the embedded profile, in one process: consent → start → capture → evidence →
 * vendor result → approved (5 commands). The app is the compiled one (`dist/`), as `npm start` runs it, because
 * Nest's dependency injection needs the decorator metadata that the TypeScript compiler emits.
 */
/** Earlier attempts of one subject that the start-slot figure walks past. */
const PRIOR_ATTEMPTS = 50;

export async function benchJourney(): Promise<void> {
  const bench = await startCompiledApp('journey');
  const latencies: number[] = [];
  const post = async (path: string, body: unknown, expected: number): Promise<Record<string, unknown>> => {
    const t0 = performance.now();
    const json = await bench.post(path, body, expected);
    latencies.push(performance.now() - t0);
    return json;
  };

  const journey = async (): Promise<void> => {
    const subjectId = newSubjectId();
    let sessionId = '';
    for (const step of JOURNEY_STEPS) {
      const { path, body, status } = journeyRequest(step, subjectId, sessionId);
      const json = await post(path, body, status);
      if (step === 'start') sessionId = json.sessionId as string;
      if (step === 'vendor_result' && json.status !== 'approved') {
        throw new Error(`journey ended ${String(json.status)}`);
      }
    }
  };

  try {
    for (const concurrency of [1, 16]) {
      latencies.length = 0;
      let next = 0;
      const count = concurrency === 1 ? Math.max(10, Math.round(JOURNEYS / 4)) : JOURNEYS;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) {
            next += 1;
            await journey();
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      report(`journey.http.c${concurrency}.commands`, (count * 5) / seconds, 'commands/s');
      report(`journey.http.c${concurrency}.journeys`, count / seconds, 'journeys/s');
      report(`journey.http.c${concurrency}.command_p50`, percentile(latencies, 50), 'ms');
      report(`journey.http.c${concurrency}.command_p99`, percentile(latencies, 99), 'ms');
    }

    // A start looks through the subject's earlier attempts for this jurisdiction and segment (one stream read
    // each) so that a retry never creates a second session. Its peer: the start of a subject with none.
    for (const earlier of [0, PRIOR_ATTEMPTS]) {
      const starts: number[] = [];
      for (let s = 0; s < 20; s += 1) {
        const subjectId = `bench_slots_${randomUUID().slice(0, 12)}`;
        await bench.post(`/v1/subjects/${subjectId}/consents`, consentBody(), 201);
        // Embargoed starts are decided at once: each fills a slot the next start walks past.
        for (let k = 0; k < earlier; k += 1) {
          await bench.post('/v1/verifications', { subjectId, jurisdiction: 'KP', segment: 'retail' }, 201);
        }
        const t0 = performance.now();
        await bench.post('/v1/verifications', { subjectId, jurisdiction: 'KP', segment: 'retail' }, 201);
        starts.push(performance.now() - t0);
      }
      starts.sort((a, b) => a - b);
      report(`journey.start.after_${earlier}_attempts.p50`, percentile(starts, 50), 'ms');
    }
  } finally {
    await bench.close();
  }
}
