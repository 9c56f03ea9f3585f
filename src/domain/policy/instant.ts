import { InvalidDurationError } from './policy.errors';

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

/**
 * Milliseconds since the epoch of an ISO 8601 instant: a date (`2026-11-01`, midnight UTC) or a date-time with
 * an explicit offset (`2026-11-01T09:30:00Z`, `…+01:00`). Local times without an offset are ambiguous and
 * refused, as are impossible dates such as 2026-02-30 (which `Date.parse` would roll over to March).
 */
export function parseInstant(value: string): number {
  const match = INSTANT.exec(value);
  if (match === null) throw invalidInstant(value);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0));
  const ms = Date.parse(match[4] === undefined ? `${value}T00:00:00Z` : value);
  const probe = new Date(Date.UTC(2000, 0, 1));
  probe.setUTCFullYear(year ?? 0, (month ?? 0) - 1, day ?? 0);
  if (
    Number.isNaN(ms) ||
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== (month ?? 0) - 1 ||
    probe.getUTCDate() !== day ||
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59
  ) {
    throw invalidInstant(value);
  }
  return ms;
}

function invalidInstant(value: string): InvalidDurationError {
  return new InvalidDurationError(
    `${JSON.stringify(value)} is not an ISO 8601 date (YYYY-MM-DD) or date-time with an offset (YYYY-MM-DDThh:mm:ssZ)`,
    value,
  );
}
