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
  try {
    return write(value, []);
  } catch (error) {
    if (error instanceof Refusal) throw new NotCanonicalJsonError(`$${error.path}`, error.reason);
    throw error;
  }
}

/**
 * A value that has no exact JSON form; its path is built while the refusal travels up, so that the common case
 * (nothing refused) builds no path strings at all.
 */
class Refusal extends Error {
  path = '';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** `open`: the objects and arrays being written, outermost first (a cycle meets one of them again). */
function write(value: unknown, open: object[]): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Refusal('non-finite number');
      return Object.is(value, -0) ? '0' : JSON.stringify(value);
    case 'object':
      break;
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new Refusal(`type ${typeof value}`);
  }
  const obj = value;
  if (open.includes(obj)) throw new Refusal('cycle');
  if (Array.isArray(obj)) {
    open.push(obj);
    let out = '[';
    for (let i = 0; i < obj.length; i += 1) {
      if (i > 0) out += ',';
      try {
        out += write(obj[i], open);
      } catch (error) {
        if (error instanceof Refusal) error.path = `[${i}]${error.path}`;
        throw error;
      }
    }
    open.pop();
    return `${out}]`;
  }
  if (!isPlainObject(obj)) throw new Refusal('not a plain object');
  open.push(obj);
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    if (i > 0) out += ',';
    try {
      out += `${JSON.stringify(key)}:${write(obj[key], open)}`;
    } catch (error) {
      if (error instanceof Refusal) error.path = `.${key}${error.path}`;
      throw error;
    }
  }
  open.pop();
  return `${out}}`;
}
