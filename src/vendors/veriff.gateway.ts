import { createHmac } from 'node:crypto';
import { VendorCallError } from './vendor-errors';
import type {
  ClientCredential,
  FetchedObject,
  OpenRequest,
  VendorGateway,
  VendorObject,
} from './vendor-gateway';
import { earliest, field, textAt, vendorIdAt } from './vendor-gateway';
import { vendorRequest } from './vendor-http';

export interface VeriffApi {
  readonly apiKey: string;
  readonly secret: string;
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** Veriff session URLs stay valid this long (7 days, Veriff's documented session lifetime). */
const SESSION_URL_MS = 7 * 86_400_000;

/**
 * Veriff: `POST /v1/sessions` with `X-AUTH-CLIENT` (session creation needs no signature), `vendorData` = our
 * session id and no `person` data; the answer's session URL is the client credential. Veriff cannot look a
 * session up by our reference nor issue its URL again, so a reused session hands out a new Veriff session. A
 * decision an event only announces (`submitted`) is read from `GET /v1/sessions/{id}/decision`.
 */
export class VeriffGateway implements VendorGateway {
  readonly vendor = 'veriff';

  constructor(
    private readonly api: VeriffApi,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(request: OpenRequest, signal: AbortSignal): Promise<VendorObject> {
    const response = await vendorRequest({
      vendor: this.vendor,
      operation: 'create_session',
      method: 'POST',
      url: `${this.api.baseUrl}/v1/sessions`,
      headers: { 'X-AUTH-CLIENT': this.api.apiKey },
      body: JSON.stringify({ verification: { vendorData: request.sessionId } }),
      timeoutMs: this.api.timeoutMs,
      maxResponseBytes: this.api.maxResponseBytes,
      signal,
    });
    const id = vendorIdAt(response.json, 'verification', 'id');
    const url = textAt(response.json, 'verification', 'url');
    if (id === undefined || url === undefined || !/^https?:\/\//.test(url)) {
      throw new VendorCallError(this.vendor, 'create_session', 'VendorMalformedResponseError', {
        httpStatus: response.status,
      });
    }
    const expiresAt = earliest(new Date(this.now().getTime() + SESSION_URL_MS), request.sessionExpiresAt);
    return {
      vendorReference: id,
      ...(response.vendorRequestId === undefined ? {} : { vendorRequestId: response.vendorRequestId }),
      credential: { url, expiresAt },
    };
  }

  credential(): Promise<ClientCredential | undefined> {
    return Promise.resolve(undefined);
  }

  /**
   * The session's decision (`GET /v1/sessions/{id}/decision`): `{status: 'success', verification: null}` until
   * Veriff has decided, then the decision object the decision webhook carries. A GET is signed over the session
   * id (`X-HMAC-SIGNATURE` = hex HMAC-SHA256 of the id under the shared secret). The decision holds personal data
   * (`person`, `document`): it is handed to the mapping in memory only.
   */
  async fetchResult(sessionId: string, signal: AbortSignal): Promise<FetchedObject> {
    const response = await vendorRequest({
      vendor: this.vendor,
      operation: 'get_decision',
      method: 'GET',
      url: `${this.api.baseUrl}/v1/sessions/${encodeURIComponent(sessionId)}/decision`,
      headers: {
        'X-AUTH-CLIENT': this.api.apiKey,
        'X-HMAC-SIGNATURE': createHmac('sha256', this.api.secret).update(sessionId).digest('hex'),
      },
      timeoutMs: this.api.timeoutMs,
      maxResponseBytes: this.api.maxResponseBytes,
      signal,
    });
    const verification = field(response.json, 'verification');
    const decided = verification !== null && verification !== undefined;
    if (
      textAt(response.json, 'status') !== 'success' ||
      verification === undefined ||
      (decided && vendorIdAt(verification, 'id') !== sessionId)
    ) {
      throw new VendorCallError(this.vendor, 'get_decision', 'VendorMalformedResponseError', {
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
}
