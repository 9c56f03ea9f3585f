import { randomUUID } from 'node:crypto';

let counter = 0;

/** A stream id unique within and across test runs (shared stores keep old streams). */
export function uniqueId(prefix = 't'): string {
  counter += 1;
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}_${counter}`;
}

export { randomUUID as newEventId };
