import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { LedgerError } from '../../shared/ledger-error';

/** Deepest nesting of arrays and objects a request body may have. Commands are flat; vendor payloads ~10. */
export const MAX_JSON_DEPTH = 32;

export class UnsupportedMediaTypeError extends LedgerError {
  readonly code = 'unsupported_media_type';
  override readonly httpStatus = 415;
  constructor() {
    super('request bodies must be application/json');
  }
}

/** Same code and status as the body parser's own refusal of a charset it cannot decode. */
export class UnsupportedCharsetError extends LedgerError {
  readonly code = 'unsupported_encoding';
  override readonly httpStatus = 415;
  constructor() {
    super('request bodies must be JSON in UTF-8 (RFC 8259 §8.1); no other charset is accepted');
  }
}

export class JsonTooDeepError extends LedgerError {
  readonly code = 'json_too_deep';
  override readonly httpStatus = 400;
  constructor() {
    super(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`, { maxDepth: MAX_JSON_DEPTH });
  }
}

function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? '0');
  return !Number.isFinite(length) || length > 0;
}

/** Optional whitespace around header tokens (RFC 9110 §5.6.3): space and tab, nothing else. */
function trimOws(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * Every `charset` parameter of a Content-Type header, unquoted and lower-cased, in order. Each `;` starts a
 * parameter here, even one inside a quoted value: that can only find more charsets than the body parser does
 * (which reads the first), never miss the one it would decode with.
 */
export function declaredCharsets(contentType: string): string[] {
  return contentType
    .split(';')
    .slice(1)
    .flatMap((parameter) => {
      const eq = parameter.indexOf('=');
      if (eq === -1 || trimOws(parameter.slice(0, eq)).toLowerCase() !== 'charset') return [];
      const raw = trimOws(parameter.slice(eq + 1));
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(raw);
      const value = quoted ? (quoted[1] ?? '').replace(/\\(.)/g, '$1') : raw;
      return [value.toLowerCase()];
    });
}

/**
 * A body of any other type than `application/json` is refused before anything reads it (the JSON parser would
 * skip it and the handler would see no body at all). Requests without a body need no type. JSON between
 * systems is UTF-8 (RFC 8259 §8.1), and the depth limit scans the bytes as UTF-8: a body declared in any
 * other charset (UTF-16, UTF-7, …, which the parser would otherwise decode) is refused too.
 */
export function strictJsonContentType(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) {
    next();
    return;
  }
  if (req.is('application/json') !== 'application/json') {
    next(new UnsupportedMediaTypeError());
    return;
  }
  if (declaredCharsets(req.headers['content-type'] ?? '').some((charset) => charset !== 'utf-8')) {
    next(new UnsupportedCharsetError());
    return;
  }
  next();
}

/** Nesting depth of a JSON text, found by scanning its bytes (no recursion, stops at the limit). */
export function jsonDepthExceeds(raw: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const byte of raw) {
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === 0x5c) escaped = true;
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
  return false;
}

/**
 * Refuses bodies nested deeper than MAX_JSON_DEPTH, after parsing and before validation, transformation or
 * canonical hashing walk them recursively. Runs on the raw bytes the parser kept.
 */
export function jsonDepthLimit(req: Request, _res: Response, next: NextFunction): void {
  const raw = (req as Request & { rawBody?: unknown }).rawBody;
  if (Buffer.isBuffer(raw) && jsonDepthExceeds(raw, MAX_JSON_DEPTH)) {
    next(new JsonTooDeepError());
    return;
  }
  next();
}

/**
 * Security headers (helmet): a strict content security policy for the API (it serves JSON, never pages), a
 * looser one for the OpenAPI UI under /docs, no caching of API answers (they can hold personal data). The web
 * console under /console sets its own (src/app/console/console-assets.ts).
 */
export function securityHeaders(): RequestHandler {
  const api = helmet({
    // Exactly the policy SECURITY.md states: helmet's defaults (script-src 'self' and others) are not merged in.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  const docs = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    },
  });
  return (req, res, next) => {
    if (req.path === '/console' || req.path.startsWith('/console/')) {
      res.setHeader('Cache-Control', 'no-store');
      next();
      return;
    }
    if (req.path === '/docs' || req.path.startsWith('/docs/') || req.path.startsWith('/docs-')) {
      docs(req, res, next);
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    api(req, res, next);
  };
}
