import { setFlagsFromString } from 'node:v8';
import type { AppConfig } from '../platform/config/config';

/**
 * Bounds how far V8 lets the JavaScript heap grow past what survived the last full collection
 * (`--heap-growing-percent`). Left to itself, V8 grows it by up to 4× while the process allocates fast, so under
 * load the resident set follows the allocation rate rather than the live data: about 300 MB here where the live
 * heap is about 75 MB (`docs/benchmarks.md`). The flag is read at every full collection, so setting it at start-up,
 * before the load, is enough. `0` leaves V8's heuristics alone.
 */
export function applyHeapGrowth(config: Pick<AppConfig, 'heapGrowthPercent'>): void {
  if (config.heapGrowthPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent}`);
}
