import { VendorCallError } from './vendor-errors';

export interface VendorRequest {
  readonly vendor: string;
  /** What the call is for, in events and metrics: `create_applicant`, `create_sdk_token`, … */
  readonly operation: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is (already serialised: signatures cover these exact bytes). */
  readonly body?: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Aborts the call (the caller gave up). */
  readonly signal?: AbortSignal;
}

export interface VendorResponse {
  readonly status: number;
  readonly json: unknown;
  readonly vendorRequestId: string | undefined;
}

/** Response headers vendors name their request ids in (Persona `Request-Id`; others `X-Request-Id`). */
const REQUEST_ID_HEADERS = ['request-id', 'x-request-id', 'x-correlation-id'];

/**
 * One JSON request to a vendor (Node's fetch): abandoned after `timeoutMs`, a body over `maxResponseBytes`
 * refused unread beyond the limit, anything but JSON with a 2xx status refused. Failures are `VendorCallError`s
 * that name a class and status, never the body: vendor answers can hold personal data.
 */
export async function vendorRequest(request: VendorRequest): Promise<VendorResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
  const fail = (
    errorClass: ConstructorParameters<typeof VendorCallError>[2],
    details: ConstructorParameters<typeof VendorCallError>[3] = {},
  ): VendorCallError => new VendorCallError(request.vendor, request.operation, errorClass, details);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      redirect: 'error',
    });
  } catch {
    throw fail(timeout.aborted ? 'VendorTimeoutError' : 'VendorUnreachableError');
  }
  const vendorRequestId = requestIdOf(response.headers);
  const base = {
    httpStatus: response.status,
    ...(vendorRequestId === undefined ? {} : { vendorRequestId }),
  };
  let text: string;
  try {
    text = await readLimited(response, request.maxResponseBytes);
  } catch (error) {
    if (error instanceof TooLarge) throw fail('VendorResponseTooLargeError', base);
    throw fail(timeout.aborted ? 'VendorTimeoutError' : 'VendorUnreachableError', base);
  }
  if (response.status < 200 || response.status >= 300) {
    const retryAfterMs = retryAfter(response.headers.get('retry-after'));
    throw fail('VendorHttpError', { ...base, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail('VendorMalformedResponseError', base);
  }
  return { status: response.status, json, vendorRequestId };
}

function requestIdOf(headers: Headers): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers.get(name);
    if (value !== null && /^[\x21-\x7e]{1,128}$/.test(value)) return value;
  }
  return undefined;
}

/** `Retry-After` as milliseconds: seconds or an HTTP date; undefined when absent or unreadable; at most 1 h. */
export function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = /^\d{1,6}$/.test(header.trim()) ? Number(header.trim()) : undefined;
  const ms = seconds !== undefined ? seconds * 1000 : Date.parse(header) - Date.now();
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), 3_600_000);
}

class TooLarge extends Error {}

async function readLimited(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new TooLarge();
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = (await reader.read()) as { done: boolean; value?: Uint8Array };
    const value = next.value;
    if (next.done || value === undefined) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
