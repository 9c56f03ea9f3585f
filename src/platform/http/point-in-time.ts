import type { LedgerEvent } from '../../ledger/envelope';
import { RequestValidationError } from './validation';

/** "As the ledger stood then": at or before a global position, or recorded at or before a time. */
export interface PointInTime {
  readonly throughPosition?: number;
  /** ISO 8601 instant in UTC with milliseconds, comparable with stored `recordedAt` values. */
  readonly recordedBy?: string;
}

/** Parses `?asOf=` / `?atPosition=` (at most one of them); undefined when neither is given. */
export function parsePointInTime(
  asOf: string | undefined,
  atPosition: string | undefined,
): PointInTime | undefined {
  if (asOf !== undefined && atPosition !== undefined) {
    throw new RequestValidationError([
      { field: 'asOf', problems: ['give either asOf or atPosition, not both'] },
    ]);
  }
  if (atPosition !== undefined) {
    if (!/^\d{1,15}$/.test(atPosition)) {
      throw new RequestValidationError([
        { field: 'atPosition', problems: ['atPosition must be a non-negative integer'] },
      ]);
    }
    return { throughPosition: Number(atPosition) };
  }
  if (asOf !== undefined) {
    const time = Date.parse(asOf);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(asOf) || Number.isNaN(time)) {
      throw new RequestValidationError([{ field: 'asOf', problems: ['asOf must be an ISO 8601 date-time'] }]);
    }
    return { recordedBy: new Date(time).toISOString() };
  }
  return undefined;
}

/** Whether an event belongs to the ledger as it stood at `point`. */
export function stoodAt(point: PointInTime | undefined): (e: LedgerEvent) => boolean {
  if (point?.throughPosition !== undefined) {
    const limit = point.throughPosition;
    return (e) => e.position <= limit;
  }
  if (point?.recordedBy !== undefined) {
    const limit = Date.parse(point.recordedBy);
    return (e) => Date.parse(e.metadata.recordedAt) <= limit;
  }
  return () => true;
}
