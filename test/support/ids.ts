import { randomUUID } from 'node:crypto';

let counter = 0;

/** A stream id unique within and across test runs (shared stores keep old streams). */
export function uniqueId(prefix = 't'): string {
  counter += 1;
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}_${counter}`;
}

export { randomUUID as newEventId };

let identities = 0;

/**
 * A person's document attributes made unique to one subject, keeping the base values as prefixes (so that a
 * search for the base string still finds any copy): the ledger flags an identity another subject already used
 * (`DUPLICATE_IDENTITY_SUSPECTED`), so tests that mean different people must not share one.
 */
export function distinctIdentity<T extends { fullName: string; documentNumber: string }>(base: T): T {
  identities += 1;
  const mark = `${randomUUID().replaceAll('-', '').slice(0, 6).toUpperCase()}${identities}`;
  return { ...base, fullName: `${base.fullName} N${mark}`, documentNumber: `${base.documentNumber}${mark}` };
}
