import { parseInstant } from '../policy/instant';
import { DomainValidationError } from '../shared/domain-error';

/*
 * Checks on command inputs shared by the subject and verification deciders. Errors name the field and never
 * echo the value, because free text may hold personal data.
 */

/** Trimmed, non-empty text of at most `max` characters (`min` when a short answer is not enough). */
export function requireText(value: string, field: string, max: number, min = 1): string {
  const text = value.trim();
  if (text.length < min || text.length > max) {
    throw new DomainValidationError(`${field} must be ${min}..${max} characters`, {
      field,
      min,
      max,
      length: text.length,
    });
  }
  return text;
}

/** An ISO 8601 instant, normalised to UTC with milliseconds (`2026-11-26T10:00:00.000Z`). */
export function requireInstant(value: string, field: string): string {
  try {
    return new Date(parseInstant(value)).toISOString();
  } catch {
    throw new DomainValidationError(`${field} must be an ISO 8601 date-time with an offset`, { field });
  }
}

/** Milliseconds since the epoch of an instant already normalised by `requireInstant` or read from an event. */
export function epochMs(instant: string): number {
  return parseInstant(instant);
}
