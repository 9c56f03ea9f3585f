import { getHeapStatistics } from 'node:v8';
import { applyHeapGrowth } from '../../../src/app/heap-growth';

/*
 * A process that keeps a fixed live set while it allocates fast, objects that live long enough to be promoted
 * before they die (the shape of a busy server's garbage), under `LEDGER_HEAP_GROWTH_PERCENT` = argv[2]. It prints
 * one JSON line: the largest heap it reserved, and the live heap left after a full collection at the end.
 */
const percent = Number(process.argv[2]);
applyHeapGrowth({ heapGrowthPercent: percent });

const MB = 1024 * 1024;
const live: { id: number; text: string; items: number[] }[] = [];
for (let i = 0; i < 300_000; i += 1) live.push({ id: i, text: `live-${i}`, items: [i, i + 1, i + 2] });

const ring: unknown[] = new Array<unknown>(100_000);
let peak = 0;
for (let i = 0; i < 3_000_000; i += 1) {
  ring[i % ring.length] = { id: i, text: `churn-${i}`, items: [i, i * 2, i * 3, i * 4] };
  if (i % 5_000 === 0) peak = Math.max(peak, getHeapStatistics().total_heap_size);
}
(globalThis as { gc?: () => void }).gc?.();
const liveAfter = getHeapStatistics().used_heap_size;
process.stdout.write(
  `${JSON.stringify({ peakHeapMb: peak / MB, liveHeapMb: liveAfter / MB, kept: live.length + ring.length })}\n`,
);
