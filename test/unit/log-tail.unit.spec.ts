import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/ledger/event-store.port';
import { LogTail } from '../../src/ledger/sqlite/log-tail';

const STREAMS = ['kyc-verification-a', 'kyc-subject-b', 'kyc-ledger-checkpoints'];

function logOf(length: number, streamOf: (i: number) => number): RecordedEvent[] {
  return Array.from({ length }, (_, i) => ({
    stream: STREAMS[streamOf(i) % STREAMS.length] as string,
    revision: i,
    position: i + 1,
    eventId: `e${i + 1}`,
    type: 'Something',
    data: { n: i, nested: { list: [i] } },
    metadata: { correlationId: `c${i}` },
    created: '2026-12-07T00:00:00.000Z',
  }));
}

/** What the file answers: every event after `after` (matching), at most `limit`. */
function fromLog(log: readonly RecordedEvent[], after: number, limit: number, prefixes?: readonly string[]) {
  return log
    .filter((e) => e.position > after)
    .filter((e) => prefixes === undefined || prefixes.some((p) => e.stream.startsWith(p)))
    .slice(0, limit);
}

describe(LogTail.name, () => {
  it('answers every read exactly as the log would, whatever pages it was given (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.func(fc.nat()),
        fc.integer({ min: 3, max: 40 }),
        // Pages the store read (after, size) and reads subscriptions make (after, limit, filtered?).
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('add' as const),
              after: fc.nat(130),
              size: fc.integer({ min: 0, max: 50 }),
            }),
            fc.record({
              kind: fc.constant('read' as const),
              after: fc.nat(130),
              limit: fc.integer({ min: 1, max: 50 }),
              filtered: fc.boolean(),
            }),
          ),
          { maxLength: 60 },
        ),
        (length, streamOf, capacity, steps) => {
          const log = logOf(length, streamOf);
          const tail = new LogTail(capacity);
          for (const step of steps) {
            if (step.kind === 'add') {
              tail.add(step.after, fromLog(log, step.after, step.size));
              continue;
            }
            const prefixes = step.filtered ? ['kyc-verification-'] : undefined;
            const read = tail.read(step.after, step.limit, prefixes && { streamPrefixes: prefixes });
            if (read === undefined) continue;
            // Every matching event in (after, through] and nothing else, in order.
            const expected = fromLog(log, step.after, step.limit, prefixes).filter(
              (e) => e.position <= read.through,
            );
            expect(read.events).toEqual(expected);
            expect(read.through).toBeGreaterThan(step.after);
            expect(read.through).toBeLessThanOrEqual(length);
            // A short answer speaks for everything up to `through`.
            if (read.events.length < step.limit) {
              expect(
                fromLog(log, step.after, Number.MAX_SAFE_INTEGER, prefixes).filter(
                  (e) => e.position <= read.through,
                ),
              ).toEqual(read.events);
            }
          }
        },
      ),
    );
  });

  it('keeps the newest events when a reader far behind hands it older pages', () => {
    const log = logOf(100, (i) => i);
    const tail = new LogTail(30);
    tail.add(80, fromLog(log, 80, 50));
    tail.add(0, fromLog(log, 0, 50));
    expect(tail.read(90, 100, undefined)?.events.map((e) => e.position)).toEqual(
      Array.from({ length: 10 }, (_, i) => 91 + i),
    );
    expect(tail.read(10, 100, undefined)).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const log = logOf(100, (i) => i);
    const tail = new LogTail(25);
    for (let after = 0; after < 100; after += 10) tail.add(after, fromLog(log, after, 10));
    expect(tail.read(74, 100, undefined)).toBeUndefined();
    expect(tail.read(75, 100, undefined)?.events).toHaveLength(25);
  });

  it('hands out frozen events, so one follower cannot change what the others see', () => {
    const log = logOf(5, (i) => i);
    const tail = new LogTail();
    tail.add(0, log);
    const [first] = tail.read(0, 10, undefined)?.events ?? [];
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.data.nested)).toBe(true);
    expect(() => {
      (first?.data as { n: number }).n = 99;
    }).toThrow(TypeError);
  });
});
