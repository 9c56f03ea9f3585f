import { parseInstant } from '../domain/policy/instant';
import { isPlainObject } from '../shared/json';

/*
 * Narrow readers for vendor JSON. A webhook payload is untrusted input even after its signature verified (a
 * vendor can change its schema): every field is read through these, which return undefined for anything that
 * is not the expected shape instead of throwing or coercing.
 */

export type JsonRecord = Readonly<Record<string, unknown>>;

export function record(value: unknown): JsonRecord | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** `path` walked through nested objects; undefined as soon as a step is not an object. */
export function at(value: unknown, ...path: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    const object = record(current);
    if (object === undefined || !Object.hasOwn(object, key)) return undefined;
    current = object[key];
  }
  return current;
}

export function text(value: unknown, ...path: readonly string[]): string | undefined {
  const found = at(value, ...path);
  return typeof found === 'string' ? found : undefined;
}

export function integer(value: unknown, ...path: readonly string[]): number | undefined {
  const found = at(value, ...path);
  if (typeof found === 'number' && Number.isSafeInteger(found)) return found;
  if (typeof found === 'string' && /^\d{1,15}$/.test(found)) return Number(found);
  return undefined;
}

export function list(value: unknown, ...path: readonly string[]): readonly unknown[] {
  const found = at(value, ...path);
  return Array.isArray(found) ? found : [];
}

export function textList(value: unknown, ...path: readonly string[]): string[] {
  return list(value, ...path).filter((item): item is string => typeof item === 'string');
}

/** Vendor ids we keep (references, event ids): printable ASCII without spaces, bounded. */
const VENDOR_ID = /^[\x21-\x7e]{1,256}$/;

export function vendorId(value: unknown, ...path: readonly string[]): string | undefined {
  const found = text(value, ...path);
  return found !== undefined && VENDOR_ID.test(found) ? found : undefined;
}

/**
 * An instant as ISO 8601 in UTC with milliseconds, or undefined when the value is no valid time or one the
 * ledger does not take (years outside 0000–9999).
 */
export function instant(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  try {
    parseInstant(iso);
    return iso;
  } catch {
    return undefined;
  }
}
