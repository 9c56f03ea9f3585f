import { createHmac } from 'node:crypto';
import { VendorCallError } from './vendor-errors';
import type { ClientCredential, OpenRequest, VendorGateway, VendorObject } from './vendor-gateway';
import { earliest, textAt, vendorIdAt } from './vendor-gateway';
import { vendorRequest, type VendorResponse } from './vendor-http';

export interface SumsubApi {
  readonly appToken: string;
  readonly secretKey: string;
  readonly baseUrl: string;
  readonly levelName: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/** Access tokens asked for live this long (Sumsub's `ttlInSecs`). */
const TOKEN_TTL_SECONDS = 1800;

/**
 * Sumsub: every request signed (`X-App-Token`, `X-App-Access-Ts`, `X-App-Access-Sig` = HMAC-SHA256 over
 * ts + METHOD + path with query + body). The applicant's `externalUserId` is our session id, so a repeated create
 * finds the applicant the first one made (docs/vendors.md).
 */
export class SumsubGateway implements VendorGateway {
  readonly vendor = 'sumsub';

  constructor(
    private readonly api: SumsubApi,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async find(request: OpenRequest, signal: AbortSignal): Promise<VendorObject | undefined> {
    const path = `/resources/applicants/-;externalUserId=${encodeURIComponent(request.sessionId)}/one`;
    try {
      const response = await this.call('find_applicant', 'GET', path, undefined, signal);
      return this.applicant(response, 'find_applicant');
    } catch (error) {
      if (error instanceof VendorCallError && error.details.httpStatus === 404) return undefined;
      throw error;
    }
  }

  async create(request: OpenRequest, signal: AbortSignal): Promise<VendorObject> {
    const path = `/resources/applicants?levelName=${encodeURIComponent(this.api.levelName)}`;
    try {
      const body = JSON.stringify({ externalUserId: request.sessionId });
      return this.applicant(
        await this.call('create_applicant', 'POST', path, body, signal),
        'create_applicant',
      );
    } catch (error) {
      // Created by an earlier attempt whose answer was lost: the applicant exists, use it.
      if (error instanceof VendorCallError && error.details.httpStatus === 409) {
        const found = await this.find(request, signal);
        if (found !== undefined) return found;
      }
      throw error;
    }
  }

  async credential(
    object: { readonly vendorReference: string },
    request: OpenRequest,
    signal: AbortSignal,
  ): Promise<ClientCredential> {
    const body = JSON.stringify({
      userId: request.sessionId,
      levelName: this.api.levelName,
      ttlInSecs: TOKEN_TTL_SECONDS,
    });
    const response = await this.call('create_sdk_token', 'POST', '/resources/accessTokens/sdk', body, signal);
    const token = textAt(response.json, 'token');
    if (token === undefined || object.vendorReference === '') {
      throw new VendorCallError(this.vendor, 'create_sdk_token', 'VendorMalformedResponseError');
    }
    const expiresAt = new Date(this.now().getTime() + TOKEN_TTL_SECONDS * 1000);
    return { clientToken: token, expiresAt: earliest(expiresAt, request.sessionExpiresAt) };
  }

  private applicant(response: VendorResponse, operation: string): VendorObject {
    const id = vendorIdAt(response.json, 'id');
    if (id === undefined) throw new VendorCallError(this.vendor, operation, 'VendorMalformedResponseError');
    return {
      vendorReference: id,
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
    const ts = Math.floor(this.now().getTime() / 1000).toString();
    const signature = createHmac('sha256', this.api.secretKey)
      .update(ts + method + path + (body ?? ''))
      .digest('hex');
    return vendorRequest({
      vendor: this.vendor,
      operation,
      method,
      url: `${this.api.baseUrl}${path}`,
      headers: { 'X-App-Token': this.api.appToken, 'X-App-Access-Ts': ts, 'X-App-Access-Sig': signature },
      ...(body === undefined ? {} : { body }),
      timeoutMs: this.api.timeoutMs,
      maxResponseBytes: this.api.maxResponseBytes,
      signal,
    });
  }
}
