import type { LedgerEvent } from '../ledger/envelope';
import type { EventStore } from '../ledger/event-store.port';
import { toLedgerEvent } from '../ledger/ledger';
import { VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';
import type { CalibrationReport, CalibrationTargets, ScoreCalibration } from './calibration';
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

/** Where a read of the log stands after a page. */
export interface PageProgress {
  /** The last position read so far (at most `readTo`). */
  readonly position: number;
  readonly readTo: number;
  readonly eventsRead: number;
}

/**
 * Reads the verification events of the log up to `readTo` (inclusive) in pages of `PAGE`, handing each to `apply`
 * as a `LedgerEvent` (personal data still encrypted), and yields to the event loop between pages so that the
 * service keeps answering. Aborted through `signal`. With `owns`, events of other streams are counted but not
 * decoded nor handed over (a partition of a parallel replay). Replays, the calibration and replay workers read
 * through it.
 */
export async function readVerificationLog(
  store: EventStore,
  readTo: number,
  apply: (event: LedgerEvent) => void,
  options: {
    readonly signal?: AbortSignal;
    readonly afterPage?: (progress: PageProgress) => void;
    readonly owns?: (stream: string) => boolean;
  } = {},
): Promise<PageProgress> {
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
      eventsRead += 1;
      if (options.owns === undefined || options.owns(recorded.stream)) apply(toLedgerEvent(recorded));
    }
    after = page.at(-1)?.position ?? readTo;
    options.afterPage?.({ position: Math.min(after, readTo), readTo, eventsRead });
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { position: Math.min(after, readTo), readTo, eventsRead };
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
  await readVerificationLog(
    store,
    readTo,
    (event) => {
      replay.apply(event);
    },
    {
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      owns: (stream) => replay.owns(stream),
      afterPage: (page) => {
        options.progress?.({ ...page, decisionsEvaluated: replay.evaluatedSoFar });
      },
    },
  );
  replay.readThrough(readTo);
  return replay.report();
}

/**
 * The calibration report over the log up to `readTo` (inclusive): read in pages like a replay, yielding between
 * them. Aborted through `signal`.
 */
export async function runCalibration(
  store: EventStore,
  calibration: ScoreCalibration,
  readTo: number,
  targets: CalibrationTargets,
  options: { readonly signal?: AbortSignal } = {},
): Promise<CalibrationReport> {
  await readVerificationLog(
    store,
    readTo,
    (event) => {
      calibration.apply(event);
    },
    options,
  );
  calibration.readThrough(readTo);
  return calibration.report(targets);
}
