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

/**
 * A body of any other type than `application/json` is refused before anything reads it (the JSON parser would
 * skip it and the handler would see no body at all). Requests without a body need no type.
 */
export function strictJsonContentType(req: Request, _res: Response, next: NextFunction): void {
  if (hasBody(req) && req.is('application/json') !== 'application/json') {
    next(new UnsupportedMediaTypeError());
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
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
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
