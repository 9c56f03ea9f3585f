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
 * misses an event appended later. Events are frozen, since many readers share each one. At most `capacity`
 * blocks are kept (the earliest goes first) while readers use them, and all are let go once no reader has asked
 * for a block for `releaseAfterMs`: catch-up ends, and the memory is not held for the life of the process.
 *
 * Readers that give their name are paced (`pace`): one far ahead waits for the slowest, so that the blocks
 * between them fit in the capacity and the slowest still finds them (readers differ in their work per event).
 */
export class HistoryBlocks {
  private readonly blocks = new Map<number, readonly RecordedEvent[]>();

  /**
   * Counters for tests and benchmarks: blocks read from the file, blocks handed out from memory, and 10 ms
   * waits of readers held back for others (`pace`).
   */
  readonly stats = { reads: 0, hits: 0, waits: 0 };

  private used = false;
  private releaseTimer: NodeJS.Timeout | undefined;
  /** The block each named reader reads next, and when it last read. */
  private readonly readers = new Map<string, { block: number; at: number }>();

  constructor(
    readonly size = 500,
    private readonly capacity = 32,
    private readonly releaseAfterMs = 2000,
    private readonly pacing: { readonly activeMs: number; readonly maxWaitMs: number } = {
      activeMs: 5000,
      maxWaitMs: 2000,
    },
  ) {}

  /**
   * Waits while the read of `reader` after `after` (up to `maxCount` events) would reach past the blocks the
   * slowest other active reader still needs: from that reader's next block to this read's last must fit in the
   * capacity. A reader is active for `activeMs` after its last read, so one that stopped holds no one back; a
   * wait ends after `maxWaitMs` in any case; the slowest reader never waits.
   */
  async pace(reader: string, after: number, maxCount: number): Promise<void> {
    const last = Math.floor((after + maxCount) / this.size);
    const deadline = Date.now() + this.pacing.maxWaitMs;
    for (;;) {
      const slowest = this.slowestOther(reader);
      if (slowest === undefined || last - slowest < this.capacity || Date.now() >= deadline) return;
      this.stats.waits += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private slowestOther(reader: string): number | undefined {
    const activeSince = Date.now() - this.pacing.activeMs;
    let slowest: number | undefined;
    for (const [name, { block, at }] of this.readers) {
      if (name === reader) continue;
      if (at < activeSince) {
        this.readers.delete(name);
        continue;
      }
      if (slowest === undefined || block < slowest) slowest = block;
    }
    return slowest;
  }

  /** Blocks held now. */
  get held(): number {
    return this.blocks.size;
  }

  /** Lets every block go (the store closing, or no reader for a while). */
  clear(): void {
    this.blocks.clear();
    this.readers.clear();
    clearTimeout(this.releaseTimer);
    this.releaseTimer = undefined;
  }

  /**
   * Every event after `after` up to `maxCount` of them (until the head), from blocks: `readRange(from, to)`
   * reads the events with a position in `(from, to]` from the file, `readAfter(after, count)` the first
   * `count` after `after` (for the last, unfinished block), `head` is the log's head read before. A named
   * `reader` is remembered for pacing.
   */
  read(
    after: number,
    maxCount: number,
    head: number,
    readRange: (from: number, to: number) => RecordedEvent[],
    readAfter: (after: number, count: number) => RecordedEvent[],
    reader?: string,
  ): RecordedEvent[] {
    const out = this.readBlocks(after, maxCount, head, readRange, readAfter);
    if (reader !== undefined) {
      const next = out.at(-1)?.position ?? after;
      this.readers.set(reader, { block: Math.floor(next / this.size), at: Date.now() });
    }
    return out;
  }

  private readBlocks(
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
      return kept;
    }
    this.stats.reads += 1;
    const block = readRange(index * this.size, (index + 1) * this.size).map(deepFreeze);
    this.blocks.set(index, block);
    if (this.blocks.size > this.capacity) {
      // The earliest block goes: readers move forward, so it is behind the others (the most recently used one
      // may be behind the slowest reader, and the least recently used the next one it needs).
      let earliest = index;
      for (const held of this.blocks.keys()) if (held < earliest) earliest = held;
      this.blocks.delete(earliest);
    }
    return block;
  }
}
