import { parseInstant } from './instant';
import { InvalidDurationError } from './policy.errors';

/**
 * ISO 8601 durations as policies use them: `P5Y`, `P1Y6M`, `P3D`, `P2W`, `PT72H`, `PT30M`, `P1DT12H`.
 * Components are non-negative integers; fractions, negative durations and the alternative format
 * (`P0001-02-03`) are refused, because a retention period must mean one thing to everyone who reads it.
 */
export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
/** Days are exactly 24 hours: all arithmetic here is in UTC, which has no daylight-saving shifts. */
const DAY_MS = 24 * HOUR_MS;

export function parseDuration(value: string): Duration {
  const match = DURATION.exec(value);
  if (match === null) {
    throw new InvalidDurationError(
      `${JSON.stringify(value)} is not an ISO 8601 duration of the form PnYnMnWnDTnHnMnS with whole numbers (e.g. P5Y, P3D, PT72H)`,
      value,
    );
  }
  const part = (index: number): number => {
    const n = Number(match[index] ?? 0);
    if (!Number.isSafeInteger(n)) {
      throw new InvalidDurationError(`${JSON.stringify(value)} has a component that is too large`, value);
    }
    return n;
  };
  return {
    years: part(1),
    months: part(2),
    weeks: part(3),
    days: part(4),
    hours: part(5),
    minutes: part(6),
    seconds: part(7),
  };
}

function exactMs(d: Duration): number {
  return (d.weeks * 7 + d.days) * DAY_MS + d.hours * HOUR_MS + d.minutes * MINUTE_MS + d.seconds * SECOND_MS;
}

/**
 * Exact length in milliseconds of a duration made of weeks, days, hours, minutes and seconds. Years and months
 * have no fixed length, so they are refused here (`addDuration` adds them to an instant).
 */
export function durationToMs(value: string): number {
  const d = parseDuration(value);
  // The date part (before any T) naming Y or M, even as P0Y, is a calendar duration.
  if (/^P[^T]*[YM]/.test(value)) {
    throw new InvalidDurationError(
      `${JSON.stringify(value)} has years or months, which have no fixed length; use days or hours (e.g. P3D, PT72H)`,
      value,
    );
  }
  const ms = exactMs(d);
  if (!Number.isSafeInteger(ms))
    throw new InvalidDurationError(`${JSON.stringify(value)} is too long`, value);
  return ms;
}

/**
 * `instant` plus `duration`, as an ISO string in UTC. Years and months are calendar arithmetic in UTC (the day
 * of month is kept, or clamped to the month's last day: 2024-02-29 + P1Y = 2025-02-28, 2026-01-31 + P1M =
 * 2026-02-28); weeks, days, hours, minutes and seconds are exact.
 */
export function addDuration(instant: string, duration: string): string {
  const date = new Date(parseInstant(instant));
  const d = parseDuration(duration);
  const totalMonths = date.getUTCMonth() + d.years * 12 + d.months;
  const year = date.getUTCFullYear() + Math.floor(totalMonths / 12);
  const month = totalMonths % 12;
  const lastDay = new Date(Date.UTC(2000, 0, 1));
  lastDay.setUTCFullYear(year, month + 1, 0);
  date.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay.getUTCDate()));
  const result = new Date(date.getTime() + exactMs(d));
  if (Number.isNaN(result.getTime())) {
    throw new InvalidDurationError(`${instant} + ${duration} is outside the supported date range`, duration);
  }
  return result.toISOString();
}
