import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const CHILD = join(__dirname, '../support/children/heap-growth-child.ts');

interface HeapRun {
  readonly peakHeapMb: number;
  readonly liveHeapMb: number;
}

/** The child's allocation run (a 70 MB live set, fast promoted garbage) under one heap-growth setting. */
async function run(percent: number): Promise<HeapRun> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', CHILD, String(percent)],
    { timeout: 60_000 },
  );
  return JSON.parse(stdout) as HeapRun;
}

describe('LEDGER_HEAP_GROWTH_PERCENT (applyHeapGrowth)', () => {
  it('keeps the reserved heap near the live heap while the process allocates fast; 0 leaves V8 its own growth', async () => {
    const [v8Own, bounded, loose] = await Promise.all([run(0), run(25), run(100)]);
    // The same work keeps the same live heap whatever the setting.
    for (const other of [bounded, loose])
      expect(Math.abs(other.liveHeapMb - v8Own.liveHeapMb)).toBeLessThan(5);
    // Left alone, V8 lets the old generation grow up to 4× what survived a collection.
    expect(v8Own.peakHeapMb).toBeGreaterThan(v8Own.liveHeapMb * 3);
    // Bounded: the live heap plus 25 %, plus the young generation (three 16 MB semi-spaces at most) and some slack.
    expect(bounded.peakHeapMb).toBeLessThan(bounded.liveHeapMb * 1.25 + 64);
    // A looser bound reserves more, and less than V8's own growth.
    expect(bounded.peakHeapMb).toBeLessThan(loose.peakHeapMb);
    expect(loose.peakHeapMb).toBeLessThan(v8Own.peakHeapMb);
  });
});
