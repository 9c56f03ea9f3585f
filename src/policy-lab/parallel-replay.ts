import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadedPolicy } from '../domain/policy/policy.types';
import type { EventStoreSettings } from '../ledger/event-store.factory';
import { mergeReplayReports, type ReplayFilter, type ReplayReport } from './replay';
import type { ReplayProgress } from './replay-runner';
import type { ReplayWorkerInput, ReplayWorkerMessage } from './replay-worker';

/** The most threads a replay uses (each reads the log; the fold and the evaluations are split). */
const MAX_WORKERS = 4;

/** How many threads a replay uses here: one per core, at least one, at most `MAX_WORKERS`. */
export function replayWorkers(): number {
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism()));
}

/**
 * A replay split over worker threads by session (streams hashed into `workers` partitions): each thread opens the
 * event store itself, reads the log to `readTo` and folds and evaluates only its sessions; the partitions'
 * reports are merged into the one report a single thread would give. On the compiled service the worker is
 * `replay-worker.js`; run from sources (tests, `tsx`) it is loaded through tsx.
 */
export async function runParallelReplay(
  settings: EventStoreSettings,
  candidate: LoadedPolicy,
  filter: ReplayFilter,
  readTo: number,
  options: {
    readonly workers?: number;
    readonly signal?: AbortSignal;
    readonly progress?: (progress: ReplayProgress) => void;
  } = {},
): Promise<ReplayReport> {
  const count = Math.max(1, options.workers ?? replayWorkers());
  const fromSources = __filename.endsWith('.ts');
  const file = join(__dirname, fromSources ? 'replay-worker.ts' : 'replay-worker.js');
  const progress = Array.from({ length: count }, () => ({ position: 0, eventsRead: 0, evaluated: 0 }));
  const workers: Worker[] = [];
  const abort = (): void => {
    for (const worker of workers) void worker.terminate();
  };
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const reports = await Promise.all(
      Array.from({ length: count }, (_, index) => {
        const input: ReplayWorkerInput = {
          settings: {
            dataDir: settings.dataDir,
            sqliteSynchronous: settings.sqliteSynchronous,
            maxEventBytes: settings.maxEventBytes,
            ...(settings.sqliteCacheMib === undefined ? {} : { sqliteCacheMib: settings.sqliteCacheMib }),
            ...(settings.eventStoreConnectionString === undefined
              ? {}
              : { eventStoreConnectionString: settings.eventStoreConnectionString }),
          },
          candidate,
          filter,
          readTo,
          partition: { index, count },
        };
        // From sources, a small CommonJS bootstrap registers tsx in the thread and loads the TypeScript worker.
        const worker = fromSources
          ? new Worker(`require('tsx/cjs');require(${JSON.stringify(file)});`, {
              eval: true,
              workerData: input,
            })
          : new Worker(file, { workerData: input });
        workers.push(worker);
        return new Promise<ReplayReport>((resolve, reject) => {
          worker.on('message', (message: ReplayWorkerMessage) => {
            if (message.kind === 'progress') {
              progress[index] = message;
              options.progress?.({
                position: Math.min(...progress.map((p) => p.position)),
                readTo,
                eventsRead: Math.max(...progress.map((p) => p.eventsRead)),
                decisionsEvaluated: progress.reduce((sum, p) => sum + p.evaluated, 0),
              });
            } else if (message.kind === 'done') {
              resolve(message.report);
            } else {
              reject(new ReplayWorkerError(message.error));
            }
          });
          worker.on('error', (error) => {
            reject(error);
          });
          worker.on('exit', (code) => {
            if (code !== 0) reject(new ReplayWorkerError(`exit ${String(code)}`));
          });
        });
      }),
    );
    options.signal?.throwIfAborted();
    return mergeReplayReports(reports);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    abort();
  }
}

/** A replay thread failed (its class only, never data). */
export class ReplayWorkerError extends Error {
  constructor(what: string) {
    super(`a replay worker failed: ${what}`);
    this.name = 'ReplayWorkerError';
  }
}
