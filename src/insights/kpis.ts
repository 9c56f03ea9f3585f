/* The arithmetic of the KPIs (docs/insights.md), apart from the SQL that gathers their inputs. */

/**
 * The nearest-rank quantile of ascending `sorted` values: the value at rank ⌈q·n⌉ (1-based), so always one of the
 * observed values; null without values.
 */
export function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** part / whole, or null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** The key of a (day, group) cell. */
export function cellKey(day: string, group: string | null): string {
  return JSON.stringify([day, group]);
}

/** Rows in day order, then group order with the unknown group (null) last. */
export function byDayThenGroup(
  a: { readonly day: string; readonly group: string | null },
  b: { readonly day: string; readonly group: string | null },
): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  if (a.group === b.group) return 0;
  if (a.group === null) return 1;
  if (b.group === null) return -1;
  return a.group < b.group ? -1 : 1;
}
