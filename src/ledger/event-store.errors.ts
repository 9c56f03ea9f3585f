import { LedgerError } from '../shared/ledger-error';
import type { ExpectedRevision } from './event-store.port';

export class WrongExpectedRevisionError extends LedgerError {
  readonly code = 'concurrency_conflict';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** Current last revision, or -1 when the stream does not exist; undefined when the store did not say. */
    readonly actual: number | undefined,
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${actual ?? 'unknown'}`, {
      stream,
      expected: String(expected),
      actual,
    });
  }
}

export class InvalidStreamNameError extends LedgerError {
  readonly code = 'invalid_stream_name';
  constructor(stream: string) {
    // Stream names hold pseudonymous ids only, never personal data; still bounded so a hostile value stays short.
    super(`stream name does not follow the naming scheme: ${JSON.stringify(stream.slice(0, 80))}`, {
      stream: stream.slice(0, 80),
    });
  }
}

export class InvalidExpectedRevisionError extends LedgerError {
  readonly code = 'invalid_expected_revision';
  constructor(value: unknown) {
    super(`expected revision must be "no_stream", "stream_exists", "any" or an integer >= 0`, {
      received: typeof value === 'string' ? value.slice(0, 40) : typeof value,
    });
  }
}

export class InvalidEventError extends LedgerError {
  readonly code = 'invalid_event';
  constructor(reason: string, index: number) {
    super(`event ${index} is not valid: ${reason}`, { index, reason });
  }
}

export class EventTooLargeError extends LedgerError {
  readonly code = 'event_too_large';
  constructor(index: number, bytes: number, limit: number) {
    super(`event ${index} is ${bytes} bytes; the limit is ${limit}`, { index, bytes, limit });
  }
}

export class DuplicateEventIdError extends LedgerError {
  readonly code = 'duplicate_event_id';
  constructor(eventId: string) {
    super(`event id ${eventId} is already used by another event`, { eventId });
  }
}

export class EventStoreUnavailableError extends LedgerError {
  readonly code = 'event_store_unavailable';
  constructor(reason: string) {
    super(`event store unavailable: ${reason}`, { reason });
  }
}
