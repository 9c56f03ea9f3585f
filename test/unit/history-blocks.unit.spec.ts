import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RecordedEvent } from '../../src/ledger/event-store.port';
import { HistoryBlocks } from '../../src/ledger/sqlite/history-blocks';

/** A log with the given positions (gaps allowed), read the way the store reads its file. */
function log(positions: readonly number[]) {
  const events: RecordedEvent[] = positions.map((position) => ({
    stream: `s-${position % 7}`,
    revision: position,
    position,
    eventId: `e${position}`,
    type: 'T',
    data: { at: position, nested: { list: [position] } },
    metadata: {},
    created: '2026-12-07T00:00:00.000Z',
  }));
  const calls = { range: 0, after: 0 };
  // Fresh objects on every read, like rows parsed from the file.
  const copy = (e: RecordedEvent): RecordedEvent => structuredClone(e);
  return {
    events,
    calls,
    head: (): number => events.at(-1)?.position ?? 0,
    readRange: (from: number, to: number): RecordedEvent[] => {
      calls.range += 1;
      return events.filter((e) => e.position > from && e.position <= to).map(copy);
    },
    readAfter: (after: number, count: number): RecordedEvent[] => {
      calls.after += 1;
      return events
        .filter((e) => e.position > after)
        .slice(0, count)
        .map(copy);
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe(HistoryBlocks.name, () => {
  it('hands out exactly the events a direct read would, for any position, count, head and gaps (property)', () => {
    const positions = fc
      .uniqueArray(fc.integer({ min: 1, max: 400 }), { maxLength: 200 })
      .map((p) => [...p].sort((a, b) => a - b));
    const reads = fc.array(
      fc.record({ after: fc.integer({ min: 0, max: 420 }), count: fc.integer({ min: 1, max: 120 }) }),
      {
        minLength: 1,
        maxLength: 12,
      },
    );
    fc.assert(
      fc.property(positions, reads, fc.integer({ min: 0, max: 4 }), (all, steps, capacity) => {
        const l = log(all);
        const blocks = new HistoryBlocks(25, capacity);
        for (const { after, count } of steps) {
          const expected = l.readAfter(after, count).map((e) => e.position);
          const got = blocks.read(after, count, l.head(), l.readRange, l.readAfter);
          expect(got.map((e) => e.position)).toEqual(expected);
          for (const e of got) expect(e).toEqual(l.events.find((x) => x.position === e.position));
        }
        expect(blocks.held).toBeLessThanOrEqual(capacity);
        blocks.clear();
      }),
      { numRuns: 500 },
    );
  });

  it('reads a block from the file once for every reader, and hands out frozen events', () => {
    const l = log(Array.from({ length: 100 }, (_, i) => i + 1));
    const blocks = new HistoryBlocks(25, 8);
    const first = blocks.read(0, 50, l.head(), l.readRange, l.readAfter);
    const second = blocks.read(0, 50, l.head(), l.readRange, l.readAfter);
    expect(l.calls.range).toBe(2);
    expect(blocks.stats).toEqual({ reads: 2, hits: 2, waits: 0 });
    expect(second[0]).toBe(first[0]);
    expect(Object.isFrozen(first[0])).toBe(true);
    expect(Object.isFrozen((first[0]?.data.nested as { list: number[] }).list)).toBe(true);
    blocks.clear();
  });

  it('keeps no block the log had not finished: events appended after a read are found by the next', () => {
    const l = log(Array.from({ length: 30 }, (_, i) => i + 1));
    const blocks = new HistoryBlocks(25, 8);
    expect(blocks.read(20, 100, l.head(), l.readRange, l.readAfter).map((e) => e.position)).toEqual([
      21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
    ]);
    expect(blocks.held).toBe(1); // (0, 25]; (25, 50] was not finished
    const more = log(Array.from({ length: 60 }, (_, i) => i + 1));
    const later = blocks.read(20, 100, more.head(), more.readRange, more.readAfter);
    expect(later.map((e) => e.position)).toEqual(Array.from({ length: 40 }, (_, i) => i + 21));
    blocks.clear();
  });

  it('keeps at most its capacity, letting the earliest block go first; none with capacity 0', () => {
    const l = log(Array.from({ length: 200 }, (_, i) => i + 1));
    const blocks = new HistoryBlocks(25, 2);
    blocks.read(150, 50, l.head(), l.readRange, l.readAfter); // blocks 6 and 7
    blocks.read(0, 25, l.head(), l.readRange, l.readAfter); // block 0: the earliest, it goes again at once
    expect(blocks.held).toBe(2);
    l.calls.range = 0;
    blocks.read(150, 50, l.head(), l.readRange, l.readAfter); // still there, though used before block 0
    expect(l.calls.range).toBe(0);
    blocks.read(0, 25, l.head(), l.readRange, l.readAfter);
    expect(l.calls.range).toBe(1);
    const none = new HistoryBlocks(25, 0);
    none.read(0, 200, l.head(), l.readRange, l.readAfter);
    none.read(0, 200, l.head(), l.readRange, l.readAfter);
    expect(none.held).toBe(0);
    expect(none.stats.hits).toBe(0);
    blocks.clear();
    none.clear();
  });

  describe('pacing', () => {
    const l = log(Array.from({ length: 1000 }, (_, i) => i + 1));
    const pacing = { activeMs: 5000, maxWaitMs: 60_000 };

    it('holds a reader back until its read fits between the slowest reader and the capacity', async () => {
      vi.useFakeTimers();
      const blocks = new HistoryBlocks(25, 4, 60_000, pacing);
      blocks.read(0, 25, l.head(), l.readRange, l.readAfter, 'slow'); // next block: 1
      blocks.read(0, 50, l.head(), l.readRange, l.readAfter, 'fast'); // next block: 2
      // Blocks 1 to 4 fit in 4: no wait. Blocks 1 to 6 do not.
      let paced = false;
      await blocks.pace('fast', 75, 25);
      void blocks.pace('fast', 125, 25).then(() => {
        paced = true;
      });
      await vi.advanceTimersByTimeAsync(1000);
      expect(paced).toBe(false);
      expect(blocks.stats.waits).toBeGreaterThan(0);
      // The slowest moves on to block 3: blocks 3 to 6 fit.
      blocks.read(25, 50, l.head(), l.readRange, l.readAfter, 'slow');
      await vi.advanceTimersByTimeAsync(20);
      expect(paced).toBe(true);
      // The slowest reader itself never waits.
      const waits = blocks.stats.waits;
      await blocks.pace('slow', 75, 25);
      expect(blocks.stats.waits).toBe(waits);
      blocks.clear();
    });

    it('holds no one back for a reader that stopped reading, and no one for longer than the bound', async () => {
      vi.useFakeTimers();
      const blocks = new HistoryBlocks(25, 4, 60_000, { activeMs: 5000, maxWaitMs: 3000 });
      blocks.read(0, 25, l.head(), l.readRange, l.readAfter, 'stalled');
      let paced = false;
      void blocks.pace('fast', 500, 25).then(() => {
        paced = true;
      });
      await vi.advanceTimersByTimeAsync(2900);
      expect(paced).toBe(false);
      await vi.advanceTimersByTimeAsync(200); // the bound
      expect(paced).toBe(true);
      // Past its activity window the stalled reader holds no one back at all.
      await vi.advanceTimersByTimeAsync(5000);
      const waits = blocks.stats.waits;
      await blocks.pace('fast', 500, 25);
      expect(blocks.stats.waits).toBe(waits);
      blocks.clear();
    });
  });

  it('lets its blocks go once no reader has asked for a while, not while readers still do', () => {
    vi.useFakeTimers();
    const l = log(Array.from({ length: 100 }, (_, i) => i + 1));
    const blocks = new HistoryBlocks(25, 8, 1000);
    blocks.read(0, 100, l.head(), l.readRange, l.readAfter);
    vi.advanceTimersByTime(900);
    blocks.read(0, 25, l.head(), l.readRange, l.readAfter);
    vi.advanceTimersByTime(900);
    expect(blocks.held).toBe(4);
    vi.advanceTimersByTime(1200);
    expect(blocks.held).toBe(0);
    // And it is filled again by the next reader.
    blocks.read(0, 25, l.head(), l.readRange, l.readAfter);
    expect(blocks.held).toBe(1);
    blocks.clear();
  });
});
