import { VendorCallError } from './vendor-errors';
import type {
  ClientCredential,
  FetchedObject,
  OpenRequest,
  VendorGateway,
  VendorObject,
} from './vendor-gateway';
import { earliest, field, textAt, vendorIdAt } from './vendor-gateway';
import { vendorRequest, type VendorResponse } from './vendor-http';

export interface PersonaApi {
  readonly apiKey: string;
  readonly templateId: string;
  readonly baseUrl: string;
  readonly version: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** How long the ledger hands out one one-time link for (a new one is asked for after). */
const LINK_MS = 3_600_000;
/** Inquiry statuses a person can still complete. */
const OPEN = new Set(['created', 'pending']);

/**
 * Persona: `Authorization: Bearer`, `Persona-Version`; an inquiry from the configured template with
 * `reference-id` = our session id and no prefilled personal data; a one-time link as the client credential
 * (Persona recommends them over session-token links). A repeated open finds the inquiry by reference id. A
 * result an event only announces is read from the inquiry with its verifications.
 */
export class PersonaGateway implements VendorGateway {
  readonly vendor = 'persona';

  constructor(
    private readonly api: PersonaApi,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async find(request: OpenRequest, signal: AbortSignal): Promise<VendorObject | undefined> {
    const query = `filter[reference-id]=${encodeURIComponent(request.sessionId)}`;
    const response = await this.call('find_inquiry', 'GET', `/api/v1/inquiries?${query}`, undefined, signal);
    const list = field(response.json, 'data');
    if (!Array.isArray(list))
      throw new VendorCallError(this.vendor, 'find_inquiry', 'VendorMalformedResponseError');
    for (const item of list) {
      const id = vendorIdAt(item, 'id');
      const status = textAt(item, 'attributes', 'status');
      if (id !== undefined && status !== undefined && OPEN.has(status)) {
        return {
          vendorReference: id,
          ...(response.vendorRequestId === undefined ? {} : { vendorRequestId: response.vendorRequestId }),
        };
      }
    }
    return undefined;
  }

  async create(request: OpenRequest, signal: AbortSignal): Promise<VendorObject> {
    const body = JSON.stringify({
      data: { attributes: { 'inquiry-template-id': this.api.templateId, 'reference-id': request.sessionId } },
    });
    const response = await this.call('create_inquiry', 'POST', '/api/v1/inquiries', body, signal);
    const id = vendorIdAt(response.json, 'data', 'id');
    if (id === undefined)
      throw new VendorCallError(this.vendor, 'create_inquiry', 'VendorMalformedResponseError');
    return {
      vendorReference: id,
      ...(response.vendorRequestId === undefined ? {} : { vendorRequestId: response.vendorRequestId }),
    };
  }

  async credential(
    object: { readonly vendorReference: string },
    request: OpenRequest,
    signal: AbortSignal,
  ): Promise<ClientCredential> {
    const path = `/api/v1/inquiries/${encodeURIComponent(object.vendorReference)}/generate-one-time-link`;
    const response = await this.call('create_one_time_link', 'POST', path, undefined, signal);
    const url = textAt(response.json, 'meta', 'one-time-link');
    if (url === undefined || !/^https?:\/\//.test(url)) {
      throw new VendorCallError(this.vendor, 'create_one_time_link', 'VendorMalformedResponseError');
    }
    return { url, expiresAt: earliest(new Date(this.now().getTime() + LINK_MS), request.sessionExpiresAt) };
  }

  /**
   * The inquiry with its verifications (`GET /api/v1/inquiries/{id}?include=verifications`, "Retrieve an
   * Inquiry"): the inquiry's status and its verifications' statuses and checks are what the webhook mapping reads.
   * The answer also holds personal data (names, birthdate, address): it is handed to the mapping in memory only.
   */
  async fetchResult(inquiryId: string, signal: AbortSignal): Promise<FetchedObject> {
    const path = `/api/v1/inquiries/${encodeURIComponent(inquiryId)}?include=verifications`;
    const response = await this.call('retrieve_inquiry', 'GET', path, undefined, signal);
    const included = field(response.json, 'included');
    if (
      vendorIdAt(response.json, 'data', 'id') !== inquiryId ||
      textAt(response.json, 'data', 'attributes', 'status') === undefined ||
      (included !== undefined && !Array.isArray(included))
    ) {
      throw new VendorCallError(this.vendor, 'retrieve_inquiry', 'VendorMalformedResponseError', {
        httpStatus: response.status,
        ...(response.vendorRequestId === undefined ? {} : { vendorRequestId: response.vendorRequestId }),
      });
    }
    return {
      json: response.json,
      httpStatus: response.status,
      ...(response.vendorRequestId === undefined ? {} : { vendorRequestId: response.vendorRequestId }),
    };
  }

  private call(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<VendorResponse> {
    return vendorRequest({
      vendor: this.vendor,
      operation,
      method,
      url: `${this.api.baseUrl}${path}`,
      headers: { Authorization: `Bearer ${this.api.apiKey}`, 'Persona-Version': this.api.version },
      ...(body === undefined ? {} : { body }),
      timeoutMs: this.api.timeoutMs,
      maxResponseBytes: this.api.maxResponseBytes,
      signal,
    });
  }
}
