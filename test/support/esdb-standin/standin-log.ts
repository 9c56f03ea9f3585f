/**
 * The in-memory log behind the EventStoreDB test stand-in (see esdb-standin.ts for what the stand-in is and is
 * not). It holds the append rules: the expected-revision check and idempotent re-append, written after
 * EventStoreDB's documented behaviour and its server's commit check.
 */

export type StandInExpected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: number };

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface LoggedEvent extends ProposedEvent {
  readonly stream: string;
  readonly revision: number;
  /** Log position; commit and prepare position are the same, as for EventStoreDB's implicit transactions. */
  readonly position: number;
  /** .NET ticks (100 ns) since the Unix epoch, as EventStoreDB sends `created`. */
  readonly createdTicks: bigint;
}

export type AppendOutcome =
  /** `position` is the last event's position; undefined only for an append without events. */
  | { readonly kind: 'written' | 'idempotent'; readonly lastRevision: number; readonly position?: number }
  /** `current` is the stream's last revision, undefined when the stream does not exist. */
  | { readonly kind: 'wrong_expected_version'; readonly current: number | undefined };

/** Fixed overhead per record, so positions advance like byte offsets in a transaction file. */
const RECORD_OVERHEAD = 96;

export class StandInLog {
  private readonly log: LoggedEvent[] = [];
  private readonly streams = new Map<string, { events: LoggedEvent[]; byId: Map<string, LoggedEvent> }>();
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  private nextPosition = 0;

  append(stream: string, expected: StandInExpected, proposed: readonly ProposedEvent[]): AppendOutcome {
    const entry = this.streams.get(stream);
    const events = entry?.events ?? [];
    const current = events.length - 1;
    const wrong: AppendOutcome = {
      kind: 'wrong_expected_version',
      current: current < 0 ? undefined : current,
    };

    if (!entry || events.length === 0) {
      // A stream that never existed: only `any` and `no_stream` may create it.
      return expected.kind === 'any' || expected.kind === 'no_stream'
        ? this.write(stream, -1, proposed)
        : wrong;
    }

    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      // Idempotence without a revision: decided by whether the first event id is already in this stream.
      const first = proposed[0];
      if (!first || !entry.byId.has(first.id)) return this.write(stream, current, proposed);
      const found = proposed.map((p) => entry.byId.get(p.id));
      const last = found[found.length - 1];
      if (found.some((e) => e === undefined) || !last) return wrong;
      return { kind: 'idempotent', lastRevision: last.revision, position: last.position };
    }

    const revision = expected.kind === 'no_stream' ? -1 : expected.revision;
    if (revision === current) return this.write(stream, current, proposed);
    if (revision > current || proposed.length === 0) return wrong;
    // The expected revision is behind: a repeat of an append that succeeded is a no-op, anything else a conflict.
    for (let i = 0; i < proposed.length; i += 1) {
      if (events[revision + 1 + i]?.id !== proposed[i]?.id) return wrong;
    }
    const last = events[revision + proposed.length];
    if (!last) return wrong;
    return { kind: 'idempotent', lastRevision: last.revision, position: last.position };
  }

  private write(stream: string, current: number, proposed: readonly ProposedEvent[]): AppendOutcome {
    let entry = this.streams.get(stream);
    if (!entry) {
      entry = { events: [], byId: new Map() };
      this.streams.set(stream, entry);
    }
    const createdTicks = BigInt(Date.now()) * 10_000n;
    const written: LoggedEvent[] = proposed.map((p, i) => {
      const event: LoggedEvent = {
        ...p,
        stream,
        revision: current + 1 + i,
        position: this.nextPosition,
        createdTicks,
      };
      this.nextPosition +=
        RECORD_OVERHEAD + stream.length + p.type.length + p.data.length + p.customMetadata.length;
      return event;
    });
    for (const event of written) {
      entry.events.push(event);
      entry.byId.set(event.id, event);
      this.log.push(event);
    }
    for (const event of written) for (const listener of this.listeners) listener(event);
    const last = written[written.length - 1];
    return last
      ? { kind: 'written', lastRevision: last.revision, position: last.position }
      : { kind: 'written', lastRevision: current };
  }

  /** The events of one stream, or undefined when it does not exist. */
  stream(name: string): readonly LoggedEvent[] | undefined {
    const events = this.streams.get(name)?.events;
    return events && events.length > 0 ? events : undefined;
  }

  /** Every event in log order. */
  all(): readonly LoggedEvent[] {
    return this.log;
  }

  /** The position the next record will get: the end of the log. */
  endPosition(): number {
    return this.nextPosition;
  }

  /** Whether `position` is one a reader may start from: the start, a record boundary or the end. */
  isValidPosition(position: number): boolean {
    if (position === 0 || position === this.nextPosition) return true;
    return this.log[this.indexAtOrAfter(position)]?.position === position;
  }

  /** Index of the first event whose position is >= `position` (binary search; positions increase). */
  indexAtOrAfter(position: number): number {
    let low = 0;
    let high = this.log.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.log[mid]?.position ?? Number.POSITIVE_INFINITY) < position) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Called synchronously for every event written from now on. Returns the unsubscribe function. */
  onAppend(listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}
