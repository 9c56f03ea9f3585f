import { parentPort, workerData } from 'node:worker_threads';
import type { LoadedPolicy } from '../domain/policy/policy.types';
import { createEventStore, type EventStoreSettings } from '../ledger/event-store.factory';
import { PolicyReplay, type ReplayFilter, type ReplayPartition } from './replay';
import { readVerificationLog } from './replay-runner';

/** What a replay worker is given (structured-cloned from the parent). */
export interface ReplayWorkerInput {
  readonly settings: EventStoreSettings;
  readonly candidate: LoadedPolicy;
  readonly filter: ReplayFilter;
  readonly readTo: number;
  readonly partition: ReplayPartition;
}

/** Messages a replay worker posts: progress after each page, then its partition's report (or a failure class). */
export type ReplayWorkerMessage =
  | {
      readonly kind: 'progress';
      readonly position: number;
      readonly eventsRead: number;
      readonly evaluated: number;
    }
  | { readonly kind: 'done'; readonly report: ReturnType<PolicyReplay['report']> }
  | { readonly kind: 'failed'; readonly error: string };

/**
 * One partition of a parallel replay, in its own thread with its own connection to the event store: it reads the
 * log like the single-threaded replay and folds only the streams of its partition (the others are skipped before
 * they are decoded).
 */
async function main(input: ReplayWorkerInput): Promise<void> {
  const port = parentPort;
  if (port === null) return;
  const store = await createEventStore(input.settings);
  try {
    const replay = new PolicyReplay(input.candidate, input.filter, input.partition);
    await readVerificationLog(
      store,
      input.readTo,
      (event) => {
        replay.apply(event);
      },
      {
        owns: (stream) => replay.owns(stream),
        afterPage: ({ position, eventsRead }) => {
          port.postMessage({
            kind: 'progress',
            position,
            eventsRead,
            evaluated: replay.evaluatedSoFar,
          } satisfies ReplayWorkerMessage);
        },
      },
    );
    replay.readThrough(input.readTo);
    port.postMessage({ kind: 'done', report: replay.report() } satisfies ReplayWorkerMessage);
  } catch (error) {
    port.postMessage({
      kind: 'failed',
      error: error instanceof Error ? error.name : 'Error',
    } satisfies ReplayWorkerMessage);
  } finally {
    await store.close();
  }
}

void main(workerData as ReplayWorkerInput);
