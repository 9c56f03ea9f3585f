import type { EventStore, RecordedEvent, StoredEvent } from '../ledger/event-store.port';
import { isEventMetadata, readCanonicalEnvelope } from '../ledger/envelope';
import { NotCanonicalJsonError } from '../shared/canonical-json';
import { isPlainObject, type JsonObject } from '../shared/json';
import {
  computeEventHash,
  computeEventHashOverCanonicalJson,
  computeEventHashOverJson,
  GENESIS_HASH,
  type HashInput,
} from '../ledger/hash-chain';

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
    let tip = this.tips.get(event.stream);
    if (tip === undefined) {
      tip = { revision: -1, hash: GENESIS_HASH, broken: false };
      this.tips.set(event.stream, tip);
    }
    if (tip.broken) return undefined;
    const verified = this.hashOfStoredText(event, tip);
    if (verified !== undefined) {
      tip.revision = event.revision;
      tip.hash = verified;
      return undefined;
    }
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

  /**
   * The recorded hash of an event stored as the ledger writes it (canonical envelope text, read without
   * parsing) when that event is the next link and right: its envelope's fields agree and its bytes hash to the
   * recorded hash. `undefined` for anything else; `failureOf` then judges the event field by field.
   */
  private hashOfStoredText(event: RecordedEvent | StoredEvent, tip: StreamTip): string | undefined {
    if (!('metadataJson' in event) || event.metadataJson === undefined) return undefined;
    if (event.revision !== tip.revision + 1) return undefined;
    const envelope = readCanonicalEnvelope(event.metadataJson);
    if (envelope === undefined || envelope.eventId !== event.eventId || envelope.prevHash !== tip.hash) {
      return undefined;
    }
    const right = computeEventHashOverCanonicalJson(tip.hash, event, envelope.unsealedJson) === envelope.hash;
    return right ? envelope.hash : undefined;
  }

  private failureOf(event: RecordedEvent | StoredEvent, tip: StreamTip): ChainFailure | undefined {
    if (event.revision !== tip.revision + 1) {
      return failure(event, 'revision_gap', String(tip.revision + 1), String(event.revision));
    }
    const metadata = metadataOf(event);
    if (metadata === undefined) return failure(event, 'malformed_envelope', 'JSON', 'metadata is not JSON');
    if (!isEventMetadata(metadata) || metadata.eventId !== event.eventId) {
      return failure(event, 'malformed_envelope', 'ledger envelope', 'missing or invalid fields');
    }
    if (metadata.prevHash !== tip.hash) {
      return failure(event, 'prev_hash_mismatch', tip.hash, metadata.prevHash);
    }
    // Stored bytes first: when they hash to the recorded hash they are the canonical bytes the ledger hashed.
    if ('dataJson' in event && computeEventHashOverJson(tip.hash, event) === metadata.hash) return undefined;
    let recomputed: string;
    try {
      recomputed = computeEventHash(tip.hash, 'dataJson' in event ? parsed(event) : event);
    } catch (error) {
      if (!(error instanceof NotCanonicalJsonError)) throw error;
      return failure(event, 'malformed_envelope', 'JSON', error.reason);
    }
    if (recomputed !== metadata.hash) {
      return failure(event, 'hash_mismatch', recomputed, metadata.hash);
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

/** The event's metadata; `undefined` when a store that parses it on first use finds its text is not JSON. */
function metadataOf(event: RecordedEvent | StoredEvent): JsonObject | undefined {
  try {
    return event.metadata;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

function failure(
  event: RecordedEvent | StoredEvent,
  reason: ChainFailureReason,
  expected: string,
  actual: string,
): ChainFailure {
  const { stream, revision, eventId, position } = event;
  return { stream, revision, eventId, position, reason, expected, actual };
}

/** A stored event with its data parsed, for the canonical recomputation. */
function parsed(event: StoredEvent): HashInput {
  let data: unknown;
  try {
    data = JSON.parse(event.dataJson);
  } catch {
    throw new NotCanonicalJsonError('$.data', 'not JSON');
  }
  if (!isPlainObject(data)) throw new NotCanonicalJsonError('$.data', 'not an object');
  // Field by field: a store may give its events as class instances whose metadata is read through a getter.
  return {
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    data: data as JsonObject,
    metadata: event.metadata,
  };
}
