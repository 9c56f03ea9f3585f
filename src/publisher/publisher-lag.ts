import type { EventFilter, EventStore } from '../ledger/event-store.port';
import { SUBJECT_STREAM_PREFIX, VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';

/** The streams the publisher follows: subjects and verifications (not the audit checkpoints). */
export const PUBLISHED_STREAMS: EventFilter = {
  streamPrefixes: [SUBJECT_STREAM_PREFIX, VERIFICATION_STREAM_PREFIX],
};

export interface PublisherLag {
  /** Global position of the last event the broker acknowledged (0: nothing yet). */
  readonly checkpoint: number;
  /** Global position of the last event in the ledger. */
  readonly head: number;
  /** head − checkpoint while something is waiting to be published, else 0. */
  readonly positions: number;
  /** Age of the oldest event waiting to be published (0 when none waits). */
  readonly seconds: number;
}

/** How far the publisher trails the ledger, measured on the store: two small reads. */
export async function measureLag(store: EventStore, checkpoint: number, now: Date): Promise<PublisherLag> {
  const [head, [next]] = await Promise.all([
    store.headPosition(),
    store.readAll({ after: checkpoint, maxCount: 1, filter: PUBLISHED_STREAMS }),
  ]);
  if (next === undefined) return { checkpoint, head, positions: 0, seconds: 0 };
  const recordedAt = typeof next.metadata.recordedAt === 'string' ? next.metadata.recordedAt : next.created;
  const age = (now.getTime() - Date.parse(recordedAt)) / 1000;
  return {
    checkpoint,
    head,
    positions: Math.max(0, head - checkpoint),
    seconds: Number.isFinite(age) ? Math.max(0, age) : 0,
  };
}
