import type { EventStore } from '../ledger/event-store.port';
import { toLedgerEvent } from '../ledger/ledger';
import { VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';
import type { PolicyReplay, ReplayReport } from './replay';

/** Events read per page of the log. */
const PAGE = 2000;

export interface ReplayProgress {
  /** The last position read so far, and the position the replay reads to. */
  readonly position: number;
  readonly readTo: number;
  readonly eventsRead: number;
  readonly decisionsEvaluated: number;
}

/**
 * Reads the verification events of the log up to `readTo` (inclusive) in pages, feeding `replay`, and
 * yields to the event loop between pages so that the service keeps answering. Shared by the API's background
 * job and the CLI. Aborted through `signal` (the report so far is dropped).
 */
export async function runReplay(
  store: EventStore,
  replay: PolicyReplay,
  readTo: number,
  options: { readonly signal?: AbortSignal; readonly progress?: (progress: ReplayProgress) => void } = {},
): Promise<ReplayReport> {
  let after = 0;
  let eventsRead = 0;
  while (after < readTo) {
    options.signal?.throwIfAborted();
    const page = await store.readAll({
      after,
      maxCount: PAGE,
      filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX] },
    });
    if (page.length === 0) break;
    for (const recorded of page) {
      if (recorded.position > readTo) break;
      replay.apply(toLedgerEvent(recorded));
      eventsRead += 1;
    }
    after = page.at(-1)?.position ?? readTo;
    options.progress?.({
      position: Math.min(after, readTo),
      readTo,
      eventsRead,
      decisionsEvaluated: replay.evaluatedSoFar,
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  replay.readThrough(readTo);
  return replay.report();
}
