import type { RecordedEvent } from '../event-store.port';
import { deepFreeze } from './log-tail';

/**
 * Blocks of the log behind the tail, read once and shared by the readers that catch up through them: when a
 * service starts on an empty or old read-model database, every projection reads the log from its checkpoint at
 * the same time, and without these blocks each would read and parse every event again (and check its schema
 * again: frozen data is checked once, `decodeEvent`).
 *
 * Block `k` holds every event with a position in `(k × size, (k + 1) × size]`, nothing else; only blocks the
 * log has completely written are kept (their end at or below the head read before them), so a block never
 * misses an event appended later. Events are frozen, since many readers share each one. The most recently used
 * `capacity` blocks are kept while readers use them, and let go once no reader has asked for a block for
 * `releaseAfterMs`: catch-up ends, and the memory is not held for the life of the process.
 */
export class HistoryBlocks {
  private readonly blocks = new Map<number, readonly RecordedEvent[]>();

  /** Counters for tests and benchmarks: blocks read from the file, blocks handed out from memory. */
  readonly stats = { reads: 0, hits: 0 };

  private used = false;
  private releaseTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly size = 500,
    private readonly capacity = 32,
    private readonly releaseAfterMs = 2000,
  ) {}

  /** Blocks held now. */
  get held(): number {
    return this.blocks.size;
  }

  /** Lets every block go (the store closing, or no reader for a while). */
  clear(): void {
    this.blocks.clear();
    clearTimeout(this.releaseTimer);
    this.releaseTimer = undefined;
  }

  /**
   * Every event after `after` up to `maxCount` of them (until the head), from blocks: `readRange(from, to)`
   * reads the events with a position in `(from, to]` from the file, `readAfter(after, count)` the first
   * `count` after `after` (for the last, unfinished block), `head` is the log's head read before.
   */
  read(
    after: number,
    maxCount: number,
    head: number,
    readRange: (from: number, to: number) => RecordedEvent[],
    readAfter: (after: number, count: number) => RecordedEvent[],
  ): RecordedEvent[] {
    this.used = true;
    this.releaseTimer ??= setTimeout(() => {
      this.releaseIfUnused();
    }, this.releaseAfterMs).unref();
    const out: RecordedEvent[] = [];
    let at = after;
    while (out.length < maxCount && at < head) {
      const index = Math.floor(at / this.size);
      const end = (index + 1) * this.size;
      if (this.capacity === 0 || end > head) {
        for (const event of readAfter(at, maxCount - out.length)) out.push(event);
        break;
      }
      for (const event of this.block(index, readRange)) {
        if (event.position <= at) continue;
        out.push(event);
        if (out.length === maxCount) break;
      }
      at = end;
    }
    return out;
  }

  private releaseIfUnused(): void {
    this.releaseTimer = undefined;
    if (this.used) {
      this.used = false;
      this.releaseTimer = setTimeout(() => {
        this.releaseIfUnused();
      }, this.releaseAfterMs).unref();
      return;
    }
    this.blocks.clear();
  }

  private block(
    index: number,
    readRange: (from: number, to: number) => RecordedEvent[],
  ): readonly RecordedEvent[] {
    const kept = this.blocks.get(index);
    if (kept !== undefined) {
      this.stats.hits += 1;
      // Most recently used last: a Map keeps insertion order.
      this.blocks.delete(index);
      this.blocks.set(index, kept);
      return kept;
    }
    this.stats.reads += 1;
    const block = readRange(index * this.size, (index + 1) * this.size).map(deepFreeze);
    this.blocks.set(index, block);
    if (this.blocks.size > this.capacity) {
      const oldest = this.blocks.keys().next().value as number;
      this.blocks.delete(oldest);
    }
    return block;
  }
}
