import { decodeEvent, MalformedEventError, upcastEvent } from '../../events';
import { isPlainObject, type JsonObject } from '../../shared/json';
import { ProjectionEventError } from '../projection.errors';
import type { ProjectedEvent, Projection } from './projection';

/*
 * Small decoders for the fields a projection reads from event data. A stored event is a fact, but a projection
 * must not write whatever it finds: a field of the wrong shape makes the event parked (ProjectionEventError),
 * never a row with `undefined` in it. Errors name the type and field, never the value.
 */

export class EventData {
  constructor(
    private readonly type: string,
    private readonly data: JsonObject,
  ) {}

  private fail(field: string, expected: string): never {
    throw new ProjectionEventError('malformed_event', `${this.type}.data.${field}: expected ${expected}`);
  }

  string(field: string): string {
    const value = this.data[field];
    if (typeof value !== 'string' || value.length === 0) this.fail(field, 'a non-empty string');
    return value;
  }

  optionalString(field: string): string | undefined {
    const value = this.data[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(field, 'a string');
    return value;
  }

  integer(field: string): number {
    const value = this.data[field];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(field, 'an integer');
    return value;
  }

  optionalNumber(field: string): number | undefined {
    const value = this.data[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(field, 'a number');
    return value;
  }

  boolean(field: string): boolean {
    const value = this.data[field];
    if (typeof value !== 'boolean') this.fail(field, 'a boolean');
    return value;
  }

  /** An ISO 8601 instant, normalised to `toISOString()` form so that text order is time order. */
  instant(field: string): string {
    const value = this.data[field];
    const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(time)) this.fail(field, 'an ISO 8601 time');
    return new Date(time).toISOString();
  }

  strings(field: string): string[] {
    const value = this.data[field];
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
      this.fail(field, 'a list of strings');
    }
    return value;
  }

  optionalStrings(field: string): string[] | undefined {
    return this.data[field] === undefined ? undefined : this.strings(field);
  }

  object(field: string): EventData {
    const value = this.data[field];
    if (!isPlainObject(value)) this.fail(field, 'an object');
    return new EventData(`${this.type}.data.${field}`, value);
  }

  optionalObject(field: string): EventData | undefined {
    return this.data[field] === undefined ? undefined : this.object(field);
  }

  /** Objects of a list, each decoded by `decode`. */
  objects<T>(field: string, decode: (item: EventData) => T): T[] {
    const value = this.data[field];
    if (!Array.isArray(value) || !value.every(isPlainObject)) this.fail(field, 'a list of objects');
    return (value as JsonObject[]).map((item, i) =>
      decode(new EventData(`${this.type}.data.${field}[${i}]`, item)),
    );
  }

  has(field: string): boolean {
    return this.data[field] !== undefined;
  }
}

/**
 * The event as the decoding layer (src/events) reads it: lifted to the current schemaVersion of its type and, in
 * `checked` mode, checked against its schema. A malformed event is refused as `malformed_event`, which parks it.
 * `lifted` mode (the audit timeline, which records every sealed event) only lifts the version.
 */
export function decodeProjected(event: ProjectedEvent, mode: DecodeMode = 'checked'): ProjectedEvent {
  let decoded;
  try {
    decoded = mode === 'checked' ? decodeEvent(event) : upcastEvent(event);
  } catch (error) {
    if (error instanceof MalformedEventError) {
      throw new ProjectionEventError('malformed_event', `${error.type}.${error.problem}`);
    }
    throw error;
  }
  if (decoded === event) return event;
  return { ...event, ...decoded, body: new EventData(decoded.type, decoded.data) };
}

export type DecodeMode = 'checked' | 'lifted';

/** The projection with every event decoded (decodeProjected) before `keysOf` and `apply` see it. */
export function decoding(projection: Projection, mode: DecodeMode = 'checked'): Projection {
  return {
    ...projection,
    keysOf: (event) => projection.keysOf(decodeProjected(event, mode)),
    apply: (event, rows) => projection.apply(decodeProjected(event, mode), rows),
  };
}
