import type { EventStore, RecordedEvent, StoredEvent } from '../ledger/event-store.port';
import { isEventMetadata } from '../ledger/envelope';
import { NotCanonicalJsonError } from '../shared/canonical-json';
import { isPlainObject, type JsonObject } from '../shared/json';
import { computeEventHash, computeEventHashOverJson, GENESIS_HASH } from '../ledger/hash-chain';

export type ChainFailureReason =
  'malformed_envelope' | 'revision_gap' | 'prev_hash_mismatch' | 'hash_mismatch';

/** The first broken link of a stream, precisely. Carries hashes and ids only, never event content. */
export interface ChainFailure {
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly position: number;
  readonly reason: ChainFailureReason;
  readonly expected: string;
  readonly actual: string;
}

export interface ChainReport {
  readonly ok: boolean;
  readonly streamsChecked: number;
  readonly eventsChecked: number;
  /** Global position the check ran up to. */
  readonly throughPosition: number;
  /** The first failure of each broken stream, in global order. */
  readonly failures: readonly ChainFailure[];
}

interface StreamTip {
  revision: number;
  hash: string;
  broken: boolean;
}

/** Follows any number of streams event by event and reports the first broken link of each. */
export class ChainVerifier {
  private readonly tips = new Map<string, StreamTip>();
  private events = 0;
  readonly failures: ChainFailure[] = [];

  check(event: RecordedEvent | StoredEvent): ChainFailure | undefined {
    this.events += 1;
    const tip = this.tips.get(event.stream) ?? { revision: -1, hash: GENESIS_HASH, broken: false };
    this.tips.set(event.stream, tip);
    if (tip.broken) return undefined;
    const failure = this.failureOf(event, tip);
    if (failure) {
      tip.broken = true;
      this.failures.push(failure);
      return failure;
    }
    tip.revision = event.revision;
    tip.hash = (event.metadata as { hash: string }).hash;
    return undefined;
  }

  private failureOf(event: RecordedEvent | StoredEvent, tip: StreamTip): ChainFailure | undefined {
    const at = {
      stream: event.stream,
      revision: event.revision,
      eventId: event.eventId,
      position: event.position,
    };
    if (event.revision !== tip.revision + 1) {
      return {
        ...at,
        reason: 'revision_gap',
        expected: String(tip.revision + 1),
        actual: String(event.revision),
      };
    }
    const metadata = event.metadata;
    if (!isEventMetadata(metadata) || metadata.eventId !== event.eventId) {
      return {
        ...at,
        reason: 'malformed_envelope',
        expected: 'ledger envelope',
        actual: 'missing or invalid fields',
      };
    }
    if (metadata.prevHash !== tip.hash) {
      return { ...at, reason: 'prev_hash_mismatch', expected: tip.hash, actual: metadata.prevHash };
    }
    // Stored bytes first: when they hash to the recorded hash they are the canonical bytes the ledger hashed.
    if ('dataJson' in event && computeEventHashOverJson(tip.hash, event) === metadata.hash) return undefined;
    let recomputed: string;
    try {
      recomputed = computeEventHash(tip.hash, 'dataJson' in event ? parsed(event) : event);
    } catch (error) {
      if (!(error instanceof NotCanonicalJsonError)) throw error;
      return { ...at, reason: 'malformed_envelope', expected: 'JSON', actual: error.reason };
    }
    if (recomputed !== metadata.hash) {
      return { ...at, reason: 'hash_mismatch', expected: recomputed, actual: metadata.hash };
    }
    return undefined;
  }

  report(throughPosition: number): ChainReport {
    return {
      ok: this.failures.length === 0,
      streamsChecked: this.tips.size,
      eventsChecked: this.events,
      throughPosition,
      failures: [...this.failures],
    };
  }
}

/** Verifies one stream, or with no stream every stream in the ledger, reading the store directly. */
export async function verifyLedger(
  store: EventStore,
  options: { stream?: string; pageSize?: number } = {},
): Promise<ChainReport> {
  const verifier = new ChainVerifier();
  const pageSize = options.pageSize ?? 1000;
  let through = 0;
  if (options.stream !== undefined) {
    let from = 0;
    for (;;) {
      const page = await store.readStream(options.stream, { fromRevision: from, maxCount: pageSize });
      for (const event of page) {
        verifier.check(event);
        through = Math.max(through, event.position);
        from = event.revision + 1;
      }
      if (page.length < pageSize) break;
    }
    return verifier.report(through);
  }
  for (;;) {
    const page = store.readAllStored
      ? await store.readAllStored({ after: through, maxCount: pageSize })
      : await store.readAll({ after: through, maxCount: pageSize });
    for (const event of page) {
      verifier.check(event);
      through = event.position;
    }
    if (page.length < pageSize) break;
  }
  return verifier.report(through);
}

/** A stored event with its data parsed, for the canonical recomputation. */
function parsed(event: StoredEvent): RecordedEvent {
  const { dataJson, ...rest } = event;
  let data: unknown;
  try {
    data = JSON.parse(dataJson);
  } catch {
    throw new NotCanonicalJsonError('$.data', 'not JSON');
  }
  if (!isPlainObject(data)) throw new NotCanonicalJsonError('$.data', 'not an object');
  return { ...rest, data: data as JsonObject };
}
