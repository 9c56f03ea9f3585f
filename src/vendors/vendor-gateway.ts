/** What the person's app needs to capture at the vendor: a short-lived SDK token and/or a URL. Never recorded. */
export interface ClientCredential {
  readonly clientToken?: string;
  readonly url?: string;
  readonly expiresAt: Date;
}

/** The vendor object (applicant, session, inquiry) that stands for one of our verification sessions. */
export interface VendorObject {
  readonly vendorReference: string;
  readonly vendorRequestId?: string;
  /** Some vendors hand the client credential out with the object (Veriff's session URL). */
  readonly credential?: ClientCredential;
}

/** A vendor object fetched for its result: its parsed JSON (kept in memory only, never stored or logged) and the vendor's request id. */
export interface FetchedObject {
  readonly json: unknown;
  readonly vendorRequestId?: string;
  readonly httpStatus: number;
}

export interface OpenRequest {
  /** Our verification session: the vendor's reference to us (external user id, reference id, vendor data). */
  readonly sessionId: string;
  /** The verification session's own expiry: no credential outlives it. */
  readonly sessionExpiresAt: Date;
  /** Only for vendors that refuse an applicant without a name (Onfido); sent to the vendor, kept nowhere. */
  readonly applicant?: { readonly firstName: string; readonly lastName: string };
}

/**
 * One vendor's outbound API, each call one step that the caller guards (timeout, retries, breaker) and records:
 * find the object that stands for our session (where the vendor can look it up by our reference), create it,
 * hand out a client credential for it, and (where a delivery only announces a result) fetch the object that holds
 * it. Sends the least personal data the vendor accepts.
 */
export interface VendorGateway {
  readonly vendor: string;
  /** The vendor refuses an applicant without a name (Onfido): the caller must give one. */
  readonly requiresApplicantName?: boolean;
  /** The vendor's object for our session, if the vendor can find it by our reference; else undefined. */
  find?(request: OpenRequest, signal: AbortSignal): Promise<VendorObject | undefined>;
  create(request: OpenRequest, signal: AbortSignal): Promise<VendorObject>;
  /** A new client credential for an existing object; undefined when the vendor cannot issue one again. */
  credential(
    object: { readonly vendorReference: string },
    request: OpenRequest,
    signal: AbortSignal,
  ): Promise<ClientCredential | undefined>;
  /** Fetches the object a delivery named (Persona inquiry with its verifications, Veriff session decision). */
  fetchResult?(vendorReference: string, signal: AbortSignal): Promise<FetchedObject>;
}

/** The earlier of two instants. */
export function earliest(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

/** A field of a JSON object, or undefined. */
export function field(value: unknown, ...path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A vendor id we keep: printable ASCII without spaces, bounded; undefined otherwise. */
export function vendorIdAt(value: unknown, ...path: readonly string[]): string | undefined {
  const found = field(value, ...path);
  return typeof found === 'string' && /^[\x21-\x7e]{1,256}$/.test(found) ? found : undefined;
}

export function textAt(value: unknown, ...path: readonly string[]): string | undefined {
  const found = field(value, ...path);
  return typeof found === 'string' && found.length > 0 ? found : undefined;
}
