import type { core } from 'zod';
import type { LedgerEvent } from '../ledger/envelope';
import type { JsonObject } from '../shared/json';
import { type DataSchema, SUBJECT_SCHEMAS, VERIFICATION_SCHEMAS } from './schemas';

/*
 * The one decoder between the ledger and its readers (projections, publisher, explanation). A stored event is
 * never edited, since its hash covers the bytes as written: an event stored under an older schemaVersion is
 * lifted to the current one on read by the registered upcasters, then checked against the current schema. A
 * reader sees the current version or a MalformedEventError, never a guess.
 */

/** Lifts `data` of one event type from schemaVersion `from` to `from + 1`. */
export type Upcaster = (data: JsonObject) => JsonObject;

export class MalformedEventError extends Error {
  constructor(
    readonly eventId: string,
    readonly position: number,
    readonly type: string,
    readonly problem: string,
  ) {
    super(`event ${eventId} at position ${position} (${type}): ${problem}`);
    this.name = 'MalformedEventError';
  }
}

const schemas = new Map<string, DataSchema>([
  ...Object.entries(VERIFICATION_SCHEMAS),
  ...Object.entries(SUBJECT_SCHEMAS),
]);
/** Current schemaVersion of each event type; 1 unless an upcaster raised it. */
const current = new Map<string, number>();
const upcasters = new Map<string, Upcaster>();
/** Generation of the registry: it moves whenever an upcaster or schema is registered or unregistered. */
let registry = 0;

export function currentSchemaVersion(type: string): number {
  return current.get(type) ?? 1;
}

/**
 * Registers the upcaster from `fromVersion` to `fromVersion + 1` of `type`; with `schema`, the data schema of the
 * new version. The current version of the type becomes the highest registered. Returns an unregister function
 * (for tests).
 */
export function registerUpcaster(
  type: string,
  fromVersion: number,
  upcast: Upcaster,
  schema?: DataSchema,
): () => void {
  const key = `${type}@${fromVersion}`;
  if (upcasters.has(key)) throw new Error(`an upcaster for ${key} is already registered`);
  const previousVersion = current.get(type);
  const previousSchema = schemas.get(type);
  upcasters.set(key, upcast);
  if (fromVersion + 1 > currentSchemaVersion(type)) current.set(type, fromVersion + 1);
  if (schema !== undefined) schemas.set(type, schema);
  registry += 1;
  return () => {
    registry += 1;
    upcasters.delete(key);
    if (previousVersion === undefined) current.delete(type);
    else current.set(type, previousVersion);
    if (previousSchema !== undefined) schemas.set(type, previousSchema);
  };
}

/** Whether the decoder knows the event type (subject and verification events). */
export function isKnownEventType(type: string): boolean {
  return schemas.has(type);
}

/**
 * The event lifted to the current schemaVersion of its type by the registered upcasters, not checked against
 * the schema (for a reader that records whatever was sealed, like the audit timeline). Unknown types pass
 * through unchanged. Throws MalformedEventError when the version cannot be lifted.
 */
export function upcastEvent(event: LedgerEvent): LedgerEvent {
  if (!schemas.has(event.type)) return event;
  const fail = (problem: string): never => {
    throw new MalformedEventError(event.eventId, event.position, event.type, problem);
  };
  const target = currentSchemaVersion(event.type);
  const stored = event.metadata.schemaVersion;
  if (!Number.isSafeInteger(stored) || stored < 1) fail(`schemaVersion ${String(stored)} is not valid`);
  if (stored > target) fail(`schemaVersion ${stored} is newer than this reader (${target})`);
  if (stored === target) return event;
  let data: JsonObject = structuredClone(event.data);
  for (let version = stored; version < target; version += 1) {
    const upcast = upcasters.get(`${event.type}@${version}`);
    if (upcast === undefined) fail(`no upcaster from schemaVersion ${version}`);
    else data = upcast(data);
  }
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: target } };
}

/**
 * The event at the current schemaVersion of its type (upcastEvent), its data checked against the schema.
 * Unknown types pass through unchanged (each reader decides what an unknown type means). Throws
 * MalformedEventError.
 */
export function decodeEvent(event: LedgerEvent): LedgerEvent {
  const lifted = upcastEvent(event);
  const schema = schemas.get(event.type);
  if (schema === undefined) return lifted;
  // Frozen data (an event the log tail shares among its followers) cannot change once checked: check it once.
  const memo = lifted === event && Object.isFrozen(event.data) ? `${registry}\n${event.type}` : undefined;
  if (memo !== undefined && checkedData.get(event.data) === memo) return lifted;
  const result = schema.safeParse(lifted.data);
  if (!result.success) {
    // Names the field and what was expected, never the value (it may be personal data).
    const issue = result.error.issues[0];
    const where = issue === undefined ? '' : issue.path.map(String).join('.');
    throw new MalformedEventError(
      event.eventId,
      event.position,
      event.type,
      `data.${where}: expected ${issue === undefined ? 'a valid value' : expected(issue)}`,
    );
  }
  if (memo !== undefined) checkedData.set(event.data, memo);
  return lifted;
}

/**
 * Frozen data objects that passed the schema check, with the registry generation and type they passed under: a
 * change of the upcasters or schemas (a new generation) checks them again. Failures are not remembered.
 */
const checkedData = new WeakMap<object, string>();

/** What the schema expected, in words that never quote the value found. */
function expected(issue: core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return `a value of type ${issue.expected}`;
  if (issue.code === 'too_small') return 'a non-empty value';
  if (issue.code === 'custom') return issue.message;
  return 'a valid value';
}
