import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { CheckKind } from '../../domain/policy/policy.types';
import { ID_PATTERN } from '../../ledger/stream-names';
import type { NormalisedDelivery, WebhookVendor } from '../delivery';

/**
 * One vendor's webhook: how its signature is checked over the raw body, and how its documented payload maps to
 * the ledger's check results and reason codes. Where a delivery only announces its result, `resultOf` maps the
 * vendor object fetched for it (the gateway's `fetchResult`) with the same tables. All pure (time comes in as an
 * argument).
 */
export interface VendorAdapter {
  readonly vendor: WebhookVendor;
  /** Throws `SignatureCheckFailed`; returns only for an authentic delivery. */
  verify(raw: Buffer, headers: IncomingHttpHeaders, now: Date): void;
  /** Throws `UnrecognisedPayload` for a payload that is not what the vendor documents. */
  normalise(payload: unknown, raw: Buffer): NormalisedDelivery;
  /** The result a fetched vendor object holds, as the announcing delivery would have carried it; undefined while the vendor has not decided. Throws UnrecognisedPayload when the object is not what the vendor documents. */
  resultOf?(fetched: unknown, announced: NormalisedDelivery): NormalisedDelivery | undefined;
}

/** A verified payload whose shape the vendor does not document: parked, never guessed at. */
export class UnrecognisedPayload extends Error {
  constructor(readonly what: string) {
    super(`unrecognised webhook payload: ${what}`);
  }
}

/**
 * The checks a vendor's overall decision stands for when the payload does not say check by check: the identity
 * verification these vendors perform (document, face match, liveness). Screenings (sanctions, PEP), address and
 * age are only recorded when the vendor reports on them explicitly.
 */
export const IDV_COVERAGE: readonly CheckKind[] = ['document', 'face_match', 'liveness'];

export function sha256Hex(raw: Buffer): string {
  return createHash('sha256').update(raw).digest('hex');
}

/** A pass-through value is used as our session id only when it can be one. */
export function sessionHint(value: string | undefined): string | undefined {
  return value !== undefined && ID_PATTERN.test(value) ? value : undefined;
}

/** Event ids are bounded (the ledger keeps them per session for dedupe). */
export function eventId(...parts: readonly string[]): string {
  const id = parts.join(':');
  return id.length <= 256 ? id : `sha256:${createHash('sha256').update(id).digest('hex')}`;
}
