import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';

/** Why a signature did not verify; a metric label, never part of a response. */
export type SignatureFailure =
  'not_configured' | 'missing_header' | 'malformed_header' | 'mismatch' | 'stale_timestamp';

export class SignatureCheckFailed extends Error {
  constructor(readonly reason: SignatureFailure) {
    super(`webhook signature check failed: ${reason}`);
  }
}

export function hmac(
  algorithm: HmacAlgorithm,
  secret: string,
  ...parts: readonly (string | Buffer)[]
): Buffer {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Compares a presented hex signature with the expected digest in constant time. Only the length of the
 * expected digest (public: it is the algorithm's) shapes the early exit; the value never does.
 */
export function hexMatches(presented: string, expected: Buffer): boolean {
  if (presented.length !== expected.length * 2 || !/^[0-9a-fA-F]+$/.test(presented)) return false;
  return timingSafeEqual(Buffer.from(presented, 'hex'), expected);
}

/** One header value; a header sent twice is refused (ambiguous), as is an absent one. */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' || trimmed.length > 2048 ? undefined : trimmed;
}

/** The value of a required header, or the failure to report. */
export function requireHeader(headers: IncomingHttpHeaders, name: string): string {
  const value = singleHeader(headers, name);
  if (value === undefined) throw new SignatureCheckFailed('missing_header');
  return value;
}
