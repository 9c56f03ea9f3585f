import { isPlainObject } from './json';

export class NotCanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`value at ${path} is not JSON: ${reason}`);
  }
}

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no insignificant
 * whitespace, ECMAScript number and string serialisation. Anything that has no exact JSON form (undefined,
 * NaN, Infinity, bigint, functions, symbols, class instances such as Date, cycles) is refused rather than
 * silently coerced, because a hash over coerced data would not match the data a reader sees.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new NotCanonicalJsonError(path, 'non-finite number');
      return JSON.stringify(Object.is(value, -0) ? 0 : value);
    case 'object':
      break;
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new NotCanonicalJsonError(path, `type ${typeof value}`);
  }
  const obj = value;
  if (seen.has(obj)) throw new NotCanonicalJsonError(path, 'cycle');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      return `[${obj.map((item: unknown, i) => write(item, `${path}[${i}]`, seen)).join(',')}]`;
    }
    if (!isPlainObject(obj)) throw new NotCanonicalJsonError(path, 'not a plain object');
    const keys = Object.keys(obj).sort();
    const parts: string[] = [];
    for (const key of keys) {
      parts.push(`${JSON.stringify(key)}:${write(obj[key], `${path}.${key}`, seen)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(obj);
  }
}
