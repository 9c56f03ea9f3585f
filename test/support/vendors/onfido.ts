import { randomUUID } from 'node:crypto';
import { signedHeaders, WEBHOOK_SECRETS } from '../webhook-signing';
import {
  type FaultQueue,
  field,
  postWebhook,
  type RecordedRequest,
  sameSecret,
  startStandIn,
  type StandInRequest,
  type StandInResponse,
  stringField,
  type PreparedWebhook,
} from './stand-in-server';

/**
 * A stand-in for the Onfido API v3.6 (not Onfido): applicants, SDK tokens, Studio workflow runs, checks and
 * reports, with Onfido's token authentication and error body, and signed `check.completed` webhooks. Follows
 * https://documentation.onfido.com/api/latest and https://github.com/onfido/onfido-openapi-spec (v3.6).
 * The official Node SDK `@onfido/api` can use it with `basePath: standIn.apiBase`.
 */

export type OnfidoReportName =
  | 'document'
  | 'facial_similarity_photo'
  | 'facial_similarity_video'
  | 'facial_similarity_motion'
  | 'watchlist_standard'
  | 'watchlist_aml';

export type OnfidoResult = 'clear' | 'consider';

/** A report as the check's outcome should carry it. */
export interface OnfidoReportSpec {
  readonly name: OnfidoReportName;
  /** Default `complete`; `awaiting_data` leaves result and sub_result null. */
  readonly status?: 'complete' | 'awaiting_data' | 'awaiting_approval' | 'cancelled' | 'withdrawn';
  readonly result?: OnfidoResult | 'unidentified' | null;
  /** Document reports only: `clear`, `rejected`, `suspected`, `caution`. */
  readonly subResult?: 'clear' | 'rejected' | 'suspected' | 'caution' | null;
  readonly breakdown?: Record<string, unknown>;
  /** Extracted data as Onfido returns it (made-up personal data lets tests prove it is dropped). */
  readonly properties?: Record<string, unknown>;
}

export interface OnfidoApplicant {
  readonly id: string;
  readonly created_at: string;
  readonly href: string;
  readonly sandbox: boolean;
  readonly first_name: string;
  readonly last_name: string;
  readonly [field: string]: unknown;
}

export interface OnfidoReport {
  readonly id: string;
  readonly name: OnfidoReportName;
  readonly status: string;
  readonly result: string | null;
  readonly sub_result: string | null;
  readonly breakdown: Record<string, unknown>;
  readonly properties: Record<string, unknown>;
  readonly check_id: string;
  readonly created_at: string;
  readonly href: string;
  readonly documents: readonly unknown[];
}

export interface OnfidoCheck {
  readonly id: string;
  readonly applicant_id: string;
  readonly status: 'in_progress' | 'complete';
  readonly result: OnfidoResult | null;
  readonly report_ids: readonly string[];
  readonly href: string;
  readonly created_at: string;
  readonly sandbox: boolean;
  readonly tags: readonly string[];
}

export interface OnfidoWorkflowRun {
  readonly id: string;
  readonly applicant_id: string;
  readonly workflow_id: string;
  readonly workflow_version_id: number;
  status: string;
  readonly sdk_token: string | null;
  readonly dashboard_url: string;
  readonly customer_user_id?: string;
  readonly created_at: string;
  updated_at: string;
}

/**
 * A check the stand-in completed, and its `check.completed` webhook.
 * Body: The webhook body as Onfido sends it: `{payload: {resource_type, action, object: {id, status, completed_at_iso8601, href}}}`.
 * Headers: Its headers: `X-SHA2-Signature` (hex HMAC-SHA256 of the body with the webhook token).
 */
export interface CompletedOnfidoCheck extends PreparedWebhook {
  readonly checkId: string;
  readonly reportIds: readonly string[];
}

export interface OnfidoStandInOptions {
  /** The API token the stand-in accepts (`Authorization: Token token=<apiToken>`). */
  readonly apiToken: string;
  /** The webhook token signing webhooks (default: the test apps' Onfido webhook token). */
  readonly webhookToken?: string;
  /** The `sandbox` flag on applicants and checks (default false: a live account; the ledger parks sandbox results). */
  readonly sandbox?: boolean;
}

export interface OnfidoStandIn {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** `<baseUrl>/v3.6`: the SDK's `basePath`. */
  readonly apiBase: string;
  /** Every request received (route names: createApplicant, getApplicant, createSdkToken, createWorkflowRun, getWorkflowRun, getCheck, listReports, getReport). */
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultQueue;
  readonly applicants: ReadonlyMap<string, OnfidoApplicant>;
  readonly workflowRuns: ReadonlyMap<string, OnfidoWorkflowRun>;
  readonly checks: ReadonlyMap<string, OnfidoCheck>;
  /** SDK tokens issued, with the applicant each was issued for. */
  readonly sdkTokens: ReadonlyMap<string, { readonly applicantId: string; readonly referrer?: string }>;
  down(): void;
  up(): void;
  /**
   * Runs a check for `applicantId` with the given reports (as if the applicant finished the SDK flow) and
   * prepares its `check.completed` webhook. The check's result is `consider` when any report is. When a report
   * is not `complete` (e.g. `awaiting_data`) the check stays `in_progress` with a null result; the webhook is
   * still prepared, so a test can deliver it ahead of the results (a read racing the vendor).
   */
  completeCheck(
    applicantId: string,
    outcome: { readonly reports: readonly OnfidoReportSpec[]; readonly result?: OnfidoResult },
  ): CompletedOnfidoCheck;
  close(): Promise<void>;
}

/** Onfido's error `type` per status (the body shape `{error: {type, message, fields}}` is the spec's). */
function errorType(status: number): string {
  if (status === 401) return 'authorization_error';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'resource_not_found';
  if (status === 413) return 'request_too_large';
  if (status === 422) return 'validation_error';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'internal_server_error';
  return 'bad_request';
}

function onfidoError(status: number, message: string, fields: Record<string, unknown> = {}): StandInResponse {
  return { status, body: { error: { type: errorType(status), message, fields } } };
}

/** Starts an Onfido stand-in on loopback. */
export async function startOnfidoStandIn(options: OnfidoStandInOptions): Promise<OnfidoStandIn> {
  const webhookToken = options.webhookToken ?? WEBHOOK_SECRETS.onfido;
  const sandbox = options.sandbox ?? false;
  const applicants = new Map<string, OnfidoApplicant>();
  const workflowRuns = new Map<string, OnfidoWorkflowRun>();
  const checks = new Map<string, OnfidoCheck>();
  const reports = new Map<string, OnfidoReport>();
  const sdkTokens = new Map<string, { applicantId: string; referrer?: string }>();
  let apiBase = '';

  const sdkToken = (applicantId: string): string => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(
      JSON.stringify({ app: applicantId, exp: Math.floor(Date.now() / 1000) + 90 * 60, standIn: true }),
    ).toString('base64url');
    const token = `${header}.${claims}.stand-in-${randomUUID()}`;
    return token;
  };

  const createApplicant = (req: StandInRequest): StandInResponse => {
    const firstName = stringField(req.json, 'first_name');
    const lastName = stringField(req.json, 'last_name');
    // The v3.6 spec (schemas/applicants/definitions.yaml, applicant_create) requires both names on create.
    const missing: Record<string, string[]> = {};
    if (firstName === undefined) missing.first_name = ["can't be blank"];
    if (lastName === undefined) missing.last_name = ["can't be blank"];
    if (Object.keys(missing).length > 0)
      return onfidoError(422, 'There was a validation error on this request', missing);
    const id = randomUUID();
    const extra: Record<string, unknown> = {};
    for (const name of ['email', 'dob', 'phone_number', 'address', 'location', 'id_numbers', 'consents']) {
      const value = field(req.json, name);
      if (value !== undefined) extra[name] = value;
    }
    const applicant: OnfidoApplicant = {
      ...extra,
      id,
      created_at: new Date().toISOString(),
      delete_at: null,
      href: `/v3.6/applicants/${id}`,
      sandbox,
      first_name: firstName!,
      last_name: lastName!,
    };
    applicants.set(id, applicant);
    return { status: 201, body: applicant };
  };

  const standIn = await startStandIn({
    vendor: 'onfido',
    requestIdHeader: 'x-request-id',
    errorBody: (status, message) => onfidoError(status, message).body,
    authenticate(req) {
      const header = req.header('authorization');
      if (header === undefined)
        return onfidoError(401, 'Please provide your API token in the Authorization header');
      if (!sameSecret(header, `Token token=${options.apiToken}`)) return onfidoError(401, 'Invalid token');
      return undefined;
    },
    routes: [
      { name: 'createApplicant', method: 'POST', pattern: /^\/v3\.6\/applicants$/, handle: createApplicant },
      {
        name: 'getApplicant',
        method: 'GET',
        pattern: /^\/v3\.6\/applicants\/(?<id>[^/]+)$/,
        handle(req) {
          const applicant = applicants.get(req.params.id ?? '');
          return applicant === undefined
            ? onfidoError(404, 'The resource could not be found')
            : { status: 200, body: applicant };
        },
      },
      {
        name: 'createSdkToken',
        method: 'POST',
        pattern: /^\/v3\.6\/sdk_token$/,
        handle(req) {
          const applicantId = stringField(req.json, 'applicant_id');
          if (applicantId === undefined)
            return onfidoError(422, 'There was a validation error on this request', {
              applicant_id: ["can't be blank"],
            });
          if (!applicants.has(applicantId)) return onfidoError(404, 'The resource could not be found');
          const referrer = stringField(req.json, 'referrer');
          const token = sdkToken(applicantId);
          sdkTokens.set(token, referrer === undefined ? { applicantId } : { applicantId, referrer });
          return { status: 200, body: { token } };
        },
      },
      {
        name: 'createWorkflowRun',
        method: 'POST',
        pattern: /^\/v3\.6\/workflow_runs$/,
        handle(req) {
          const applicantId = stringField(req.json, 'applicant_id');
          const workflowId = stringField(req.json, 'workflow_id');
          const missing: Record<string, string[]> = {};
          if (applicantId === undefined) missing.applicant_id = ["can't be blank"];
          if (workflowId === undefined) missing.workflow_id = ["can't be blank"];
          if (applicantId === undefined || workflowId === undefined)
            return onfidoError(422, 'There was a validation error on this request', missing);
          if (!applicants.has(applicantId)) return onfidoError(404, 'The resource could not be found');
          const id = randomUUID();
          const now = new Date().toISOString();
          const token = sdkToken(applicantId);
          sdkTokens.set(token, { applicantId });
          const customerUserId = stringField(req.json, 'customer_user_id');
          const run: OnfidoWorkflowRun = {
            id,
            applicant_id: applicantId,
            workflow_id: workflowId,
            workflow_version_id: 1,
            status: 'awaiting_input',
            sdk_token: token,
            dashboard_url: `https://dashboard.onfido.stand-in.test/results/${id}`,
            ...(customerUserId === undefined ? {} : { customer_user_id: customerUserId }),
            created_at: now,
            updated_at: now,
          };
          workflowRuns.set(id, run);
          return { status: 201, body: run };
        },
      },
      {
        name: 'getWorkflowRun',
        method: 'GET',
        pattern: /^\/v3\.6\/workflow_runs\/(?<id>[^/]+)$/,
        handle(req) {
          const run = workflowRuns.get(req.params.id ?? '');
          return run === undefined
            ? onfidoError(404, 'The resource could not be found')
            : { status: 200, body: run };
        },
      },
      {
        name: 'getCheck',
        method: 'GET',
        pattern: /^\/v3\.6\/checks\/(?<id>[^/]+)$/,
        handle(req) {
          const check = checks.get(req.params.id ?? '');
          return check === undefined
            ? onfidoError(404, 'The resource could not be found')
            : { status: 200, body: check };
        },
      },
      {
        name: 'listReports',
        method: 'GET',
        pattern: /^\/v3\.6\/reports$/,
        handle(req) {
          const checkId = req.query.get('check_id');
          if (checkId === null || checkId === '')
            return onfidoError(422, 'There was a validation error on this request', {
              check_id: ["can't be blank"],
            });
          const check = checks.get(checkId);
          if (check === undefined) return onfidoError(404, 'The resource could not be found');
          return { status: 200, body: { reports: check.report_ids.map((id) => reports.get(id)) } };
        },
      },
      {
        name: 'getReport',
        method: 'GET',
        pattern: /^\/v3\.6\/reports\/(?<id>[^/]+)$/,
        handle(req) {
          const report = reports.get(req.params.id ?? '');
          return report === undefined
            ? onfidoError(404, 'The resource could not be found')
            : { status: 200, body: report };
        },
      },
    ],
  });
  apiBase = `${standIn.baseUrl}/v3.6`;

  return {
    baseUrl: standIn.baseUrl,
    apiBase,
    requests: standIn.requests,
    faults: standIn.faults,
    applicants,
    workflowRuns,
    checks,
    sdkTokens,
    down: () => {
      standIn.down();
    },
    up: () => {
      standIn.up();
    },
    completeCheck(applicantId, outcome) {
      if (!applicants.has(applicantId)) throw new Error(`no Onfido applicant ${applicantId} in the stand-in`);
      const checkId = randomUUID();
      const createdAt = new Date().toISOString();
      const reportIds = outcome.reports.map((spec) => {
        const id = randomUUID();
        const status = spec.status ?? 'complete';
        const done = status === 'complete';
        reports.set(id, {
          id,
          name: spec.name,
          status,
          result: done ? (spec.result ?? 'clear') : null,
          sub_result: done && spec.name === 'document' ? (spec.subResult ?? spec.result ?? 'clear') : null,
          breakdown: spec.breakdown ?? {},
          properties: spec.properties ?? {},
          check_id: checkId,
          created_at: createdAt,
          href: `/v3.6/reports/${id}`,
          documents: [],
        });
        return id;
      });
      const allDone = outcome.reports.every((spec) => (spec.status ?? 'complete') === 'complete');
      const anyConsider = outcome.reports.some((spec) => spec.result === 'consider');
      checks.set(checkId, {
        id: checkId,
        applicant_id: applicantId,
        status: allDone ? 'complete' : 'in_progress',
        result: allDone ? (outcome.result ?? (anyConsider ? 'consider' : 'clear')) : null,
        report_ids: reportIds,
        href: `/v3.6/checks/${checkId}`,
        created_at: createdAt,
        sandbox,
        tags: [],
      });
      const webhookBody = Buffer.from(
        JSON.stringify({
          payload: {
            resource_type: 'check',
            action: 'check.completed',
            object: {
              id: checkId,
              status: 'complete',
              completed_at_iso8601: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
              href: `${apiBase}/checks/${checkId}`,
            },
          },
        }),
        'utf8',
      );
      const webhookHeaders = signedHeaders('onfido', webhookBody, { secret: webhookToken });
      return {
        checkId,
        reportIds,
        webhookBody,
        webhookHeaders,
        webhook: (targetUrl: string) => postWebhook(targetUrl, webhookBody, webhookHeaders),
      };
    },
    close: () => standIn.close(),
  };
}
