import { canonicalJson, NotCanonicalJsonError } from '../shared/canonical-json';
import { isPlainObject } from '../shared/json';
import {
  EventTooLargeError,
  InvalidEventError,
  InvalidExpectedRevisionError,
  InvalidStreamNameError,
} from './event-store.errors';
import type { ExpectedRevision, NewEvent } from './event-store.port';
import { isValidStreamName } from './stream-names';

/** Default limit for one event (type + data + metadata as canonical JSON). Configurable per adapter. */
export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
/** Most events one append may carry. */
export const MAX_EVENTS_PER_APPEND = 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

export interface SerializedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export function assertExpectedRevision(expected: unknown): asserts expected is ExpectedRevision {
  if (expected === 'no_stream' || expected === 'any' || expected === 'stream_exists') return;
  if (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0) return;
  throw new InvalidExpectedRevisionError(expected);
}

/**
 * Checks an append before any adapter touches storage, and returns the events serialised. Every adapter
 * calls this, so bad input is refused the same way everywhere and nothing is written.
 */
export function validateAppend(
  stream: string,
  events: readonly NewEvent[],
  expected: unknown,
  maxEventBytes: number = DEFAULT_MAX_EVENT_BYTES,
): SerializedEvent[] {
  if (typeof stream !== 'string' || !isValidStreamName(stream))
    throw new InvalidStreamNameError(typeof stream === 'string' ? stream : typeof stream);
  assertExpectedRevision(expected);
  if (!Array.isArray(events) || events.length === 0) throw new InvalidEventError('an append needs events', 0);
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidEventError(`at most ${MAX_EVENTS_PER_APPEND} events per append`, MAX_EVENTS_PER_APPEND);
  }
  const ids = new Set<string>();
  return events.map((event, index) => {
    if (!isPlainObject(event)) throw new InvalidEventError('not an object', index);
    const { eventId, type, data, metadata } = event as Partial<NewEvent>;
    if (typeof eventId !== 'string' || !UUID.test(eventId)) {
      throw new InvalidEventError('eventId must be a lower-case UUID', index);
    }
    if (ids.has(eventId)) throw new InvalidEventError('eventId repeated within the append', index);
    ids.add(eventId);
    if (typeof type !== 'string' || !EVENT_TYPE.test(type)) {
      throw new InvalidEventError('type must match [A-Za-z][A-Za-z0-9_.-]{0,127}', index);
    }
    if (!isPlainObject(data)) throw new InvalidEventError('data must be a JSON object', index);
    if (!isPlainObject(metadata)) throw new InvalidEventError('metadata must be a JSON object', index);
    let dataJson: string;
    let metadataJson: string;
    try {
      dataJson = canonicalJson(data);
      metadataJson = canonicalJson(metadata);
    } catch (error) {
      if (error instanceof NotCanonicalJsonError) {
        throw new InvalidEventError(`${error.reason} at ${error.path}`, index);
      }
      throw error;
    }
    const bytes = Buffer.byteLength(type) + Buffer.byteLength(dataJson) + Buffer.byteLength(metadataJson);
    if (bytes > maxEventBytes) throw new EventTooLargeError(index, bytes, maxEventBytes);
    return { eventId, type, data: dataJson, metadata: metadataJson };
  });
}
