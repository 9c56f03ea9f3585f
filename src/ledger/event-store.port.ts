import type { JsonObject } from '../shared/json';

/**
 * Expected stream revision for an append, with EventStoreDB's semantics:
 * - `no_stream`: the stream must not exist yet;
 * - `stream_exists`: the stream must have at least one event;
 * - `any`: no check;
 * - a number `n`: the last event of the stream must be at revision `n` (revisions start at 0).
 */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

/** An event as handed to the store. `metadata` is stored verbatim (the ledger puts the envelope there). */
export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** An event as the store holds it. */
export interface RecordedEvent extends NewEvent {
  readonly stream: string;
  /** Position in its stream, from 0. */
  readonly revision: number;
  /** Position in the global log; strictly increasing in append order. */
  readonly position: number;
  /** When the store wrote it (ISO 8601, store clock). */
  readonly created: string;
}

/**
 * An event as the store keeps it, its data still the JSON text it was written as (the canonical JSON the
 * ledger hashed, on the embedded store), so that verification can hash those bytes without parsing them;
 * without the store's write time, which verification does not read.
 */
export interface StoredEvent extends Omit<RecordedEvent, 'data' | 'created'> {
  readonly dataJson: string;
  /** The metadata's text as stored, when the adapter keeps it (parsed in `metadata`, on first use). */
  readonly metadataJson?: string;
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  readonly nextRevision: number;
  /** Global position of the last appended event. */
  readonly position: number;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive start revision; `end` with `backwards` starts at the last event. Default: start/end by direction. */
  readonly fromRevision?: number | 'start' | 'end';
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Only events with a global position strictly greater than this (a checkpoint). Default: from the start. */
  readonly after?: number;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
  /**
   * The caller never changes the events it is given: the store may hand out frozen events shared with other
   * readers of the same part of the log (the embedded store does, for readers catching up without a filter).
   */
  readonly shared?: boolean;
  /**
   * With `shared`: who reads (a projection's name). The store may hold back a reader far ahead of the others
   * sharing the same part of the log, so that what it reads is still shared when they get there.
   */
  readonly reader?: string;
}

/** Which events a global read or subscription returns. System events of the store are never returned. */
export interface EventFilter {
  /** Streams whose name starts with one of these prefixes. */
  readonly streamPrefixes?: readonly string[];
}

export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /** The subscription has delivered everything up to `position` and now turns live. */
  | { readonly kind: 'caught_up'; readonly position: number };

export interface SubscribeAllOptions {
  readonly after?: number;
  readonly filter?: EventFilter;
}

/** A catch-up subscription: past events first, then a `caught_up` message, then live events. */
export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

/**
 * The event store port (docs/operations.md, "Guarantees and limits of the event store"). Every adapter passes the same contract suite
 * (test/contract/event-store.contract.ts).
 */
export interface EventStore {
  /**
   * Appends atomically. Appending the same event ids again at the same expected revision is a no-op that
   * returns the first result. Throws `WrongExpectedRevisionError` on a concurrency conflict.
   */
  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream; an unknown stream reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of the global log in position order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The same with each event's data as stored, when the adapter keeps JSON text (full-ledger verification). */
  readAllStored?(options?: Omit<ReadAllOptions, 'filter'>): Promise<StoredEvent[]>;
  subscribeAll(options?: SubscribeAllOptions): Subscription;
  /**
   * Wakes this process's live subscriptions now rather than at the end of a pending wake-up window (the embedded
   * store's `LEDGER_FOLLOWER_WAKE_MS`), for a reader who must not wait for it. Returns the last position this
   * process has committed (0: none), which its followers then have to reach. Adapters without a window omit it.
   */
  hurrySubscriptions?(): number;
  /** Global position of the last event, or 0 when the log is empty. */
  headPosition(): Promise<number>;
  /** Resolves when the store answers; used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** DI token for the configured event store adapter. */
export const EVENT_STORE = Symbol('EventStore');
