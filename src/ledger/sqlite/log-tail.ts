import type { EventFilter, RecordedEvent } from '../event-store.port';

/** What a read of the tail handed out and how far it speaks for the log. */
export interface TailRead {
  /** The matching events after the requested position, in order, at most the requested count. */
  readonly events: readonly RecordedEvent[];
  /** Every matching event up to this position is in `events` (or before the requested position). */
  readonly through: number;
}

/**
 * The newest events of the log, read once and shared by every live subscription of the process: the projections,
 * the publisher, the reference index and the schedulers all follow the head, so without it each of them would
 * read and parse every new event again. It holds a contiguous range: every event with a position in
 * `(from, to]`, nothing else, at most `capacity` of them (the oldest leave first). Events are frozen, since many
 * followers share each one.
 */
export class LogTail {
  private events: RecordedEvent[] = [];
  private from = 0;
  private to = 0;

  constructor(private readonly capacity = 4096) {}

  /** Counters for tests and benchmarks: reads the tail answered and events it handed out. */
  readonly stats = { hits: 0, served: 0 };

  /**
   * The events after `after` that match `filter`, at most `limit`, if the tail holds that position; undefined
   * when it does not (read the log).
   */
  read(after: number, limit: number, filter: EventFilter | undefined): TailRead | undefined {
    if (after < this.from || after >= this.to || this.events.length === 0) return undefined;
    const prefixes = filter?.streamPrefixes;
    const matches =
      prefixes === undefined || prefixes.length === 0
        ? undefined
        : (event: RecordedEvent) => prefixes.some((prefix) => event.stream.startsWith(prefix));
    const out: RecordedEvent[] = [];
    for (let i = this.indexAfter(after); i < this.events.length; i += 1) {
      const event = this.events[i] as RecordedEvent;
      if (matches !== undefined && !matches(event)) continue;
      out.push(event);
      if (out.length === limit) {
        this.count(out.length);
        return { events: out, through: event.position };
      }
    }
    this.count(out.length);
    return { events: out, through: this.to };
  }

  /**
   * Takes a page read from the log after `after` without a filter: it holds every event in
   * `(after, last position]`. Kept when it continues (or overlaps) the range held; otherwise the range starts
   * again from it.
   */
  add(after: number, page: readonly RecordedEvent[]): void {
    if (this.capacity === 0) return;
    const last = page.at(-1);
    if (last === undefined || last.position <= this.to) return;
    if (this.events.length > 0 && after >= this.from && after <= this.to) {
      for (const event of page) if (event.position > this.to) this.events.push(deepFreeze(event));
    } else {
      this.events = page.map(deepFreeze);
      this.from = after;
    }
    this.to = last.position;
    const excess = this.events.length - this.capacity;
    if (excess > 0) {
      this.from = (this.events[excess - 1] as RecordedEvent).position;
      this.events = this.events.slice(excess);
    }
  }

  /** Index of the first event with a position above `after` (positions increase). */
  private indexAfter(after: number): number {
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.events[mid] as RecordedEvent).position <= after) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private count(served: number): void {
    this.stats.hits += 1;
    this.stats.served += served;
  }
}

/**
 * Freezes a value and every object and array inside it (own enumerable members). Walks the members in place
 * rather than through `Object.values`, which made an array per object: a catch-up freezes every event it shares.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  if (Array.isArray(value)) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i += 1) {
      const inner = items[i];
      if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
    }
    return value;
  }
  const members = value as Record<string, unknown>;
  for (const key in members) {
    if (!Object.hasOwn(members, key)) continue;
    const inner = members[key];
    if (typeof inner === 'object' && inner !== null) deepFreeze(inner);
  }
  return value;
}
