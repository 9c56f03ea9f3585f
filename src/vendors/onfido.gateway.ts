import type { DefaultApi } from '@onfido/api';
import type { ClientCredential, OpenRequest, VendorGateway, VendorObject } from './vendor-gateway';
import { earliest, textAt, vendorIdAt } from './vendor-gateway';
import { retryAfter } from './vendor-http';
import { ApplicantNameRequiredError, VendorCallError } from './vendor-errors';

export interface OnfidoApi {
  readonly apiToken: string;
  /** Including `/v3.6`. */
  readonly baseUrl: string;
  /** A Studio workflow to run for each session; without one, an SDK token for the applicant. */
  readonly workflowId?: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

export interface FetchedCheck {
  readonly applicantId: string;
  readonly complete: boolean;
  readonly sandbox: boolean;
  readonly vendorRequestId?: string;
  readonly reports: readonly unknown[];
}

/** Onfido SDK tokens are valid for 90 minutes. */
const SDK_TOKEN_MS = 90 * 60_000;

/**
 * Onfido through its official Node SDK (`@onfido/api`, API v3.6): an applicant with the two names Onfido requires
 * and nothing else, then an SDK token for it (or a Studio workflow run, whose `sdk_token` the app uses). Onfido
 * cannot look an applicant up by our reference: a create whose answer was lost leaves an unused applicant.
 */
export class OnfidoGateway implements VendorGateway {
  readonly vendor = 'onfido';
  readonly requiresApplicantName = true;
  /** The SDK client, made at the first call: the SDK (with axios, about 2 MB of heap) is loaded only if used. */
  private client: Promise<DefaultApi> | undefined;

  constructor(
    private readonly api: OnfidoApi,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private sdkClient(): Promise<DefaultApi> {
    this.client ??= import('@onfido/api').then(
      ({ Configuration, DefaultApi }) =>
        new DefaultApi(
          new Configuration({
            apiToken: this.api.apiToken,
            basePath: this.api.baseUrl,
            baseOptions: {
              timeout: this.api.timeoutMs,
              maxContentLength: this.api.maxResponseBytes,
              maxRedirects: 0,
              // A body that is not JSON stays a string (then refused below) rather than being guessed at.
              transitional: { silentJSONParsing: true },
            },
          }),
        ),
    );
    return this.client;
  }

  async create(request: OpenRequest, signal: AbortSignal): Promise<VendorObject> {
    if (request.applicant === undefined) throw new ApplicantNameRequiredError(this.vendor);
    const response = await this.sdk('create_applicant', (client) =>
      client.createApplicant(
        { first_name: request.applicant?.firstName ?? '', last_name: request.applicant?.lastName ?? '' },
        { signal },
      ),
    );
    const id = vendorIdAt(response.data, 'id');
    if (id === undefined) throw this.malformed('create_applicant', response.status);
    const requestId = requestIdOf(response.headers);
    return { vendorReference: id, ...(requestId === undefined ? {} : { vendorRequestId: requestId }) };
  }

  async credential(
    object: { readonly vendorReference: string },
    request: OpenRequest,
    signal: AbortSignal,
  ): Promise<ClientCredential> {
    const expiresAt = earliest(new Date(this.now().getTime() + SDK_TOKEN_MS), request.sessionExpiresAt);
    if (this.api.workflowId !== undefined) {
      const workflowId = this.api.workflowId;
      const response = await this.sdk('create_workflow_run', (client) =>
        client.createWorkflowRun(
          { workflow_id: workflowId, applicant_id: object.vendorReference },
          { signal },
        ),
      );
      const token = textAt(response.data, 'sdk_token');
      if (token === undefined) throw this.malformed('create_workflow_run', response.status);
      return { clientToken: token, expiresAt };
    }
    const response = await this.sdk('create_sdk_token', (client) =>
      client.generateSdkToken({ applicant_id: object.vendorReference, referrer: '*://*/*' }, { signal }),
    );
    const token = textAt(response.data, 'token');
    if (token === undefined) throw this.malformed('create_sdk_token', response.status);
    return { clientToken: token, expiresAt };
  }

  /**
   * A Check and its Reports, as `check.completed` only announces them: the check's applicant (our vendor
   * reference), whether it is complete and a sandbox check, and the reports as Onfido returns them (read by the
   * webhook mapping tables; their `properties` are never kept).
   */
  async fetchCheck(checkId: string, signal: AbortSignal): Promise<FetchedCheck> {
    const check = await this.sdk('find_check', (client) => client.findCheck(checkId, { signal }));
    const applicantId = vendorIdAt(check.data, 'applicant_id');
    const status = textAt(check.data, 'status');
    if (applicantId === undefined || status === undefined) throw this.malformed('find_check', check.status);
    const requestId = requestIdOf(check.headers);
    const base = {
      applicantId,
      complete: status === 'complete',
      sandbox: (check.data as { sandbox?: unknown }).sandbox === true,
      ...(requestId === undefined ? {} : { vendorRequestId: requestId }),
    };
    if (!base.complete) return { ...base, reports: [] };
    const reports = await this.sdk('list_reports', (client) => client.listReports(checkId, { signal }));
    const list = (reports.data as { reports?: unknown }).reports;
    if (!Array.isArray(list)) throw this.malformed('list_reports', reports.status);
    return { ...base, reports: list as unknown[] };
  }

  private malformed(operation: string, httpStatus: number): VendorCallError {
    return new VendorCallError(this.vendor, operation, 'VendorMalformedResponseError', { httpStatus });
  }

  /** The SDK's call, its axios failures turned into `VendorCallError`s (class and status, never the body). */
  private async sdk<T extends { status: number; data: unknown; headers: unknown }>(
    operation: string,
    call: (client: DefaultApi) => Promise<T>,
  ): Promise<T> {
    const client = await this.sdkClient();
    let response: T;
    try {
      response = await call(client);
    } catch (error) {
      throw this.failure(operation, error);
    }
    // silentJSONParsing leaves a non-JSON body as a string.
    if (typeof response.data !== 'object' || response.data === null) {
      throw this.malformed(operation, response.status);
    }
    return response;
  }

  private failure(operation: string, error: unknown): VendorCallError {
    const e = error as {
      isAxiosError?: boolean;
      code?: string;
      message?: string;
      response?: { status: number; headers?: Record<string, unknown> };
    };
    if (e.isAxiosError !== true) {
      return new VendorCallError(this.vendor, operation, 'VendorUnreachableError');
    }
    const status = e.response?.status;
    const headers = e.response?.headers;
    const requestId = requestIdOf(headers);
    const details = {
      ...(status === undefined ? {} : { httpStatus: status }),
      ...(requestId === undefined ? {} : { vendorRequestId: requestId }),
    };
    if (typeof e.message === 'string' && e.message.includes('maxContentLength')) {
      return new VendorCallError(this.vendor, operation, 'VendorResponseTooLargeError', details);
    }
    if (status !== undefined) {
      const header = headers?.['retry-after'];
      const wait = retryAfter(typeof header === 'string' ? header : null);
      return new VendorCallError(this.vendor, operation, 'VendorHttpError', {
        ...details,
        ...(wait === undefined ? {} : { retryAfterMs: wait }),
      });
    }
    const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || e.code === 'ERR_CANCELED';
    return new VendorCallError(
      this.vendor,
      operation,
      timedOut ? 'VendorTimeoutError' : 'VendorUnreachableError',
    );
  }
}

function requestIdOf(headers: unknown): string | undefined {
  for (const name of ['x-request-id', 'request-id']) {
    const value = (headers as Record<string, unknown> | undefined)?.[name];
    if (typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value)) return value;
  }
  return undefined;
}
