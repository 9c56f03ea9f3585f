import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Level, type Logger as Pino } from 'pino';

/** What a redacted value is replaced with, by the sanitizer and by pino's `redact` alike. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values are personal data or secrets, wherever they occur in a log call's fields. Matched without
 * regard to case, `-` or `_` (`documentNumber`, `document_number` and `Document-Number` are one key).
 */
export const SENSITIVE_KEYS: readonly string[] = [
  // Personal data (docs/privacy.md, "Data classes") and the request members that carry it.
  'attributes',
  'pii',
  'evidence',
  'fullName',
  'firstName',
  'lastName',
  'givenName',
  'familyName',
  'name',
  'dateOfBirth',
  'birthDate',
  'dob',
  'documentNumber',
  'nationality',
  'address',
  'email',
  'phone',
  'note',
  'justification',
  'subjectId',
  'body',
  'rawBody',
  'query',
  'params',
  'value',
  // Credentials.
  'headers',
  'authorization',
  'x-api-key',
  'apiKey',
  'cookie',
  'set-cookie',
  'password',
  'secret',
  'token',
  'kek',
];

/**
 * pino's own redaction covers the keys at the top of a log object and one level below (`req.headers`). Its cost
 * grows steeply with wildcard depth (about 20 µs a line at this depth, 160 µs at five), and every line from the
 * app logger has been through the sanitizer, which redacts at any depth, already.
 */
const REDACT_DEPTH = 1;
/** The sanitizer stops descending here; deeper values are replaced, never written. */
const MAX_DEPTH = 8;
const MAX_ENTRIES = 50;

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, '');
const SENSITIVE = new Set(SENSITIVE_KEYS.map(normalizeKey));

/** fast-redact style paths for every sensitive key at the top and under 1..REDACT_DEPTH wildcards. */
export function redactPaths(keys: readonly string[] = SENSITIVE_KEYS, depth = REDACT_DEPTH): string[] {
  return keys.flatMap((key) => {
    const plain = /^[A-Za-z_$][\w$]*$/.test(key);
    return Array.from({ length: depth + 1 }, (_, level) => {
      const prefix = '*.'.repeat(level);
      if (plain) return `${prefix}${key}`;
      return `${prefix.slice(0, -1)}["${key}"]`;
    });
  });
}

/**
 * Free text can carry what a key-based redaction cannot see. Our own messages are written without values;
 * these rules are the second net for text that comes from elsewhere (a library's message, a path).
 */
const TEXT_RULES: readonly (readonly [RegExp, string | ((match: string) => string)])[] = [
  [/\bBearer\s+[^\s,;"']+/gi, `Bearer ${REDACTED}`],
  // JSON Web Tokens.
  [/\beyJ[\w-]{4,}\.[\w-]{4,}(?:\.[\w-]*)?/g, REDACTED],
  // E-mail addresses.
  [/[^\s@"'<>(),;:[\]]+@[^\s@"'<>(),;:[\]]+\.[A-Za-z]{2,}/g, REDACTED],
  // Subject ids are pseudonymous, still not for logs: in stream names and in API paths.
  [/\bkyc-subject-[A-Za-z0-9][\w-]*/g, 'kyc-subject-:subjectId'],
  [/\/subjects\/(?!:)[^/\s?#"']+/g, '/subjects/:subjectId'],
  // Long opaque tokens with digits: API keys, base64 or hex key material.
  [/[\w+/]{32,}={0,2}/g, (match) => (/\d/.test(match) ? REDACTED : match)],
];

/** Applies the text rules to a message or a string field. */
export function scrubText(text: string): string {
  return TEXT_RULES.reduce(
    (out, [pattern, replacement]) =>
      typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement),
    text,
  );
}

const IDENTIFIER = /^[A-Za-z_$][\w$]{0,63}$/;
const SAFE_CODE = /^[\w.:-]{1,64}$/;
const STACK_FRAME = /^\s+at .+/;

/** Only the frames of a stack: its first line repeats the error's message, which may quote input. */
function stackFrames(stack: string): string[] {
  return stack.split('\n').filter((line) => STACK_FRAME.test(line));
}

function isStack(value: unknown): value is string {
  return typeof value === 'string' && /^.+\n\s+at .+:\d+:\d+/.test(value);
}

export interface LoggedError {
  readonly type: string;
  readonly code?: string | number;
  readonly cause?: LoggedError;
  readonly stack?: readonly string[];
}

/**
 * An error as it may be logged: its class name and its code. Never its message: our own errors' messages
 * name ids (a subject id, a stream), and foreign errors' messages can echo input. Stack frames only at debug.
 */
export function describeError(error: Error, withStack: boolean, depth = 0): LoggedError {
  const name = error.constructor.name;
  const code = (error as { code?: unknown }).code;
  const cause = error.cause;
  return {
    type: IDENTIFIER.test(name) ? name : 'Error',
    ...((typeof code === 'string' && SAFE_CODE.test(code)) ||
    (typeof code === 'number' && Number.isFinite(code))
      ? { code }
      : {}),
    ...(cause instanceof Error && depth < 3 ? { cause: describeError(cause, false, depth + 1) } : {}),
    ...(withStack && error.stack !== undefined ? { stack: stackFrames(error.stack) } : {}),
  };
}

/**
 * A copy of a log call's fields that may be written: sensitive keys redacted at any depth, errors reduced to
 * class and code, strings scrubbed, binary data and functions left out, depth and breadth bounded.
 */
export function sanitize(value: unknown, withStack = false, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (value instanceof Error) return describeError(value, withStack);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return '[binary]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) {
    return value.slice(0, MAX_ENTRIES).map((item: unknown) => sanitize(item, withStack, depth + 1));
  }
  if (value instanceof Map || value instanceof Set) return `[${value.constructor.name}]`;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_ENTRIES)) {
    out[scrubText(key)] = SENSITIVE.has(normalizeKey(key)) ? REDACTED : sanitize(item, withStack, depth + 1);
  }
  return out;
}

export type LogLevelName = Level | 'silent';

export interface LedgerLoggerOptions {
  /** Least severe level written (`LOG_LEVEL`); Nest's `verbose` is pino's `trace`. */
  readonly level: LogLevelName;
  /** Where JSON lines go: stdout unless given (tests pass an in-memory stream). */
  readonly destination?: DestinationStream;
}

/**
 * The pino instance behind the app logger: one JSON object per line with `level` (a name), `time` (ISO 8601),
 * the fields, and `msg`; sensitive keys redacted by pino itself as a second net under the sanitizer.
 */
export function createPino(options: LedgerLoggerOptions): Pino {
  return pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(), censor: REDACTED },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

const NEST_TO_PINO: Readonly<Record<LogLevel, Level>> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** Keys that the line itself owns; a field of the same name would make a second, forged one. */
const RESERVED = new Set(['level', 'time', 'msg', 'context']);

/**
 * Nest's logger, backed by pino. Nest and every `new Logger('X')` call it as `(message, ...params, context)`;
 * a message may be a string, an Error or an object of fields (`msg` inside it becomes the message).
 */
export class LedgerLogger implements LoggerService {
  readonly pino: Pino;

  constructor(options: LedgerLoggerOptions) {
    this.pino = createPino(options);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes the enabled levels; pino needs the least severe of them. */
  setLogLevels(levels: LogLevel[]): void {
    const order: readonly LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
    const least = order.find((level) => levels.includes(level));
    this.pino.level = least === undefined ? 'silent' : NEST_TO_PINO[least];
  }

  private write(level: Level, message: unknown, params: readonly unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const withStack = this.pino.isLevelEnabled('debug');
    const rest = [...params];
    // Nest appends the context last; `error` may have a stack before it (or last, from a Logger without one).
    const last = rest.at(-1);
    const context = typeof last === 'string' && !isStack(last) ? (rest.pop() as string) : undefined;
    const stack = rest.find(isStack);
    const fields: Record<string, unknown> = {};
    const extra: unknown[] = [];
    let msg: string | undefined;

    const absorb = (value: unknown): void => {
      if (value === undefined || value === stack) return;
      if (value instanceof Error) {
        fields.err ??= describeError(value, withStack);
        msg ??= describeError(value, false).type;
        return;
      }
      const clean = sanitize(value, withStack);
      if (typeof clean === 'object' && clean !== null && !Array.isArray(clean)) {
        const { msg: inner, ...others } = clean as Record<string, unknown>;
        if (typeof inner === 'string') msg ??= inner;
        for (const [key, item] of Object.entries(others)) if (!RESERVED.has(key)) fields[key] = item;
        return;
      }
      if (msg === undefined && typeof clean === 'string') msg = clean;
      else extra.push(clean);
    };
    absorb(message);
    rest.forEach(absorb);
    if (extra.length > 0) fields.args = extra;
    if (stack !== undefined && withStack) fields.stack = stackFrames(stack);
    this.pino[level](
      { context: context === undefined ? 'kyc-ledger' : scrubText(context), ...fields },
      msg ?? '',
    );
  }
}
