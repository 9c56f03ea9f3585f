import { randomBytes, randomUUID } from 'node:crypto';
import { hmacHex, signedHeaders, WEBHOOK_SECRETS } from '../webhook-signing';
import {
  type FaultQueue,
  postWebhook,
  type RecordedRequest,
  sameSecret,
  startStandIn,
  type StandInResponse,
  stringField,
  type PreparedWebhook,
} from './stand-in-server';

/**
 * A stand-in for the Sumsub API (not Sumsub): applicants, SDK access tokens and applicant data, with Sumsub's
 * app-token request signing (`X-App-Token`, `X-App-Access-Ts`, `X-App-Access-Sig`), its error body, and signed
 * `applicantReviewed` webhooks. Follows https://docs.sumsub.com/reference/authentication,
 * https://docs.sumsub.com/reference/create-applicants, https://docs.sumsub.com/reference/generate-access-token,
 * https://docs.sumsub.com/reference/get-applicant-data and
 * https://docs.sumsub.com/reference/get-applicant-data-via-externaluserid.
 */

export type SumsubReviewAnswer = 'GREEN' | 'RED';

export interface SumsubReviewResult {
  readonly reviewAnswer: SumsubReviewAnswer;
  readonly reviewRejectType?: 'FINAL' | 'RETRY';
  readonly rejectLabels?: readonly string[];
  readonly moderationComment?: string;
  readonly clientComment?: string;
  readonly buttonIds?: readonly string[];
}

export interface SumsubApplicant {
  readonly id: string;
  readonly createdAt: string;
  readonly key: string;
  readonly clientId: string;
  readonly inspectionId: string;
  readonly externalUserId: string;
  readonly levelName: string;
  readonly type: 'individual';
  review: {
    readonly reviewId: string;
    readonly attemptId: string;
    attemptCnt: number;
    readonly levelName: string;
    readonly createDate: string;
    reviewDate?: string;
    reviewStatus: 'init' | 'pending' | 'completed';
    reviewResult?: SumsubReviewResult;
    readonly priority: number;
  };
  readonly [field: string]: unknown;
}

/**
 * A review the stand-in completed, and its `applicantReviewed` webhook.
 * Body: The webhook body as Sumsub sends it (`type: applicantReviewed`, `reviewResult`, `reviewStatus: completed`).
 * Headers: `X-Payload-Digest` (HMAC of the body with the webhook secret) and `X-Payload-Digest-Alg`.
 */
export interface SumsubReviewed extends PreparedWebhook {
  readonly applicantId: string;
}

export interface SumsubStandInOptions {
  /** The app token expected in `X-App-Token`. */
  readonly appToken: string;
  /** The app token's secret key, signing requests. */
  readonly secretKey: string;
  /** The webhook secret key signing webhooks (default: the test apps' Sumsub webhook secret). */
  readonly webhookSecret?: string;
  /** How far `X-App-Access-Ts` may be from the stand-in's clock, in seconds (default 300; Sumsub publishes no figure). */
  readonly maxClockSkewSeconds?: number;
  /** The level names that exist (default: any). */
  readonly levels?: readonly string[];
  /** `sandboxMode` on webhooks (default false: a live account; the ledger parks sandbox results). */
  readonly sandbox?: boolean;
}

export interface SumsubStandIn {
  readonly baseUrl: string;
  /** Every request received (route names: createApplicant, getApplicantByExternalUserId, getApplicant, createSdkAccessToken). */
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultQueue;
  readonly applicants: ReadonlyMap<string, SumsubApplicant>;
  /** SDK access tokens issued, with the user id and level each was issued for. */
  readonly accessTokens: ReadonlyMap<
    string,
    { readonly userId: string; readonly levelName: string; readonly ttlInSecs: number }
  >;
  down(): void;
  up(): void;
  flaky(ratio: number, seed?: number): void;
  /** Completes the review of `applicantId` and prepares its `applicantReviewed` webhook. */
  review(applicantId: string, result: SumsubReviewResult): SumsubReviewed;
  close(): Promise<void>;
}

/** Signs a Sumsub API request as the vendor expects: hex HMAC-SHA256(secret, ts + METHOD + path-with-query + body). */
export function sumsubSignature(
  secretKey: string,
  ts: number | string,
  method: string,
  path: string,
  body: Buffer | string = '',
): string {
  return hmacHex('sha256', secretKey, `${ts}${method.toUpperCase()}${path}`, body);
}

/** The three headers signing a Sumsub API request at `now` (default: the current time). */
export function sumsubAuthHeaders(
  appToken: string,
  secretKey: string,
  method: string,
  path: string,
  body: Buffer | string = '',
  now: Date = new Date(),
): Record<string, string> {
  const ts = Math.floor(now.getTime() / 1000);
  return {
    'x-app-token': appToken,
    'x-app-access-ts': String(ts),
    'x-app-access-sig': sumsubSignature(secretKey, ts, method, path, body),
  };
}

const ERROR_NAMES: Readonly<Record<number, string>> = {
  4003: 'app-token-signature-mismatch',
  4004: 'app-token-request-expired',
  4006: 'app-token-not-all-auth-params-provided',
  4001: 'app-token-not-found',
};

function sumsubError(
  status: number,
  description: string,
  correlationId: string,
  errorCode?: number,
): StandInResponse {
  return {
    status,
    body: {
      code: status,
      correlationId,
      description,
      ...(errorCode === undefined ? {} : { errorCode, errorName: ERROR_NAMES[errorCode] }),
    },
  };
}

const hex24 = (): string => randomBytes(12).toString('hex');
/** Sumsub's date format: `YYYY-MM-DD HH:MM:SS` (UTC). */
const sumsubDate = (date: Date): string => date.toISOString().slice(0, 19).replace('T', ' ');

/** Starts a Sumsub stand-in on loopback. */
export async function startSumsubStandIn(options: SumsubStandInOptions): Promise<SumsubStandIn> {
  const webhookSecret = options.webhookSecret ?? WEBHOOK_SECRETS.sumsub;
  const maxSkew = options.maxClockSkewSeconds ?? 300;
  const applicants = new Map<string, SumsubApplicant>();
  const accessTokens = new Map<string, { userId: string; levelName: string; ttlInSecs: number }>();
  const correlationId = (): string => `req-${randomUUID()}`;

  const byExternalUserId = (externalUserId: string): SumsubApplicant | undefined => {
    for (const applicant of applicants.values())
      if (applicant.externalUserId === externalUserId) return applicant;
    return undefined;
  };
  const levelExists = (level: string): boolean =>
    options.levels === undefined || options.levels.includes(level);

  const standIn = await startStandIn({
    vendor: 'sumsub',
    requestIdHeader: 'x-request-id',
    errorBody: (status, message, requestId) => sumsubError(status, message, requestId).body,
    authenticate(req) {
      const token = req.header('x-app-token');
      const ts = req.header('x-app-access-ts');
      const sig = req.header('x-app-access-sig');
      if (token === undefined || ts === undefined || sig === undefined)
        return sumsubError(
          401,
          'Not all required authorization headers were provided',
          correlationId(),
          4006,
        );
      if (!sameSecret(token, options.appToken))
        return sumsubError(401, 'App token does not exist', correlationId(), 4001);
      const seconds = Number(ts);
      if (!Number.isInteger(seconds) || Math.abs(Date.now() / 1000 - seconds) > maxSkew)
        return sumsubError(401, 'Request timestamp is too far from the current time', correlationId(), 4004);
      const expected = sumsubSignature(options.secretKey, ts, req.method, req.path, req.rawBody);
      if (!sameSecret(sig, expected))
        return sumsubError(401, 'Request signature mismatch', correlationId(), 4003);
      return undefined;
    },
    routes: [
      {
        name: 'createApplicant',
        method: 'POST',
        pattern: /^\/resources\/applicants$/,
        handle(req) {
          const levelName = req.query.get('levelName');
          if (levelName === null || levelName === '')
            return sumsubError(400, 'levelName is required', correlationId());
          if (!levelExists(levelName))
            return sumsubError(404, `Level '${levelName}' not found`, correlationId());
          const externalUserId = stringField(req.json, 'externalUserId') ?? `preview-random-${randomUUID()}`;
          const existing = byExternalUserId(externalUserId);
          if (existing !== undefined)
            return sumsubError(
              409,
              `Applicant with external user id '${externalUserId}' already exists: ${existing.id}`,
              correlationId(),
            );
          const now = new Date();
          const extra: Record<string, unknown> = {};
          for (const name of ['email', 'phone', 'fixedInfo', 'sourceKey', 'lang']) {
            const value = (req.json as Record<string, unknown> | undefined)?.[name];
            if (value !== undefined) extra[name] = value;
          }
          const applicant: SumsubApplicant = {
            ...extra,
            id: hex24(),
            createdAt: sumsubDate(now),
            key: 'STANDINKEY',
            clientId: 'stand-in-client',
            inspectionId: hex24(),
            externalUserId,
            levelName,
            type: 'individual',
            review: {
              reviewId: Math.random().toString(36).slice(2, 7),
              attemptId: Math.random().toString(36).slice(2, 7),
              attemptCnt: 0,
              levelName,
              createDate: sumsubDate(now),
              reviewStatus: 'init',
              priority: 0,
            },
          };
          applicants.set(applicant.id, applicant);
          return { status: 201, body: applicant };
        },
      },
      {
        name: 'getApplicantByExternalUserId',
        method: 'GET',
        pattern: /^\/resources\/applicants\/-;externalUserId=(?<externalUserId>[^/]+)\/one$/,
        handle(req) {
          const applicant = byExternalUserId(req.params.externalUserId ?? '');
          return applicant === undefined
            ? sumsubError(404, 'Applicant not found', correlationId())
            : { status: 200, body: applicant };
        },
      },
      {
        name: 'getApplicant',
        method: 'GET',
        pattern: /^\/resources\/applicants\/(?<id>[0-9a-f]{24})\/one$/,
        handle(req) {
          const applicant = applicants.get(req.params.id ?? '');
          return applicant === undefined
            ? sumsubError(404, 'Applicant not found', correlationId())
            : { status: 200, body: applicant };
        },
      },
      {
        name: 'createSdkAccessToken',
        method: 'POST',
        pattern: /^\/resources\/accessTokens\/sdk$/,
        handle(req) {
          const userId = stringField(req.json, 'userId');
          const levelName = stringField(req.json, 'levelName');
          if (userId === undefined || levelName === undefined)
            return sumsubError(400, 'userId and levelName are required', correlationId());
          if (!levelExists(levelName))
            return sumsubError(404, `Level '${levelName}' not found`, correlationId());
          const ttl = (req.json as Record<string, unknown>).ttlInSecs;
          const ttlInSecs = typeof ttl === 'number' && ttl > 0 ? ttl : 600;
          const token = `_act-sbx-stand-in-${randomUUID()}`;
          accessTokens.set(token, { userId, levelName, ttlInSecs });
          return { status: 200, body: { token, userId } };
        },
      },
    ],
  });

  return {
    baseUrl: standIn.baseUrl,
    requests: standIn.requests,
    faults: standIn.faults,
    applicants,
    accessTokens,
    down: () => {
      standIn.down();
    },
    up: () => {
      standIn.up();
    },
    flaky: (ratio, seed) => {
      standIn.flaky(ratio, seed);
    },
    review(applicantId, result) {
      const applicant = applicants.get(applicantId);
      if (applicant === undefined) throw new Error(`no Sumsub applicant ${applicantId} in the stand-in`);
      const now = new Date();
      applicant.review.reviewStatus = 'completed';
      applicant.review.reviewResult = result;
      applicant.review.reviewDate = sumsubDate(now);
      applicant.review.attemptCnt += 1;
      const webhookBody = Buffer.from(
        JSON.stringify({
          applicantId,
          inspectionId: applicant.inspectionId,
          correlationId: correlationId(),
          externalUserId: applicant.externalUserId,
          levelName: applicant.levelName,
          type: 'applicantReviewed',
          reviewResult: result,
          reviewStatus: 'completed',
          createdAtMs: now.toISOString().replace('T', ' ').replace('Z', ''),
          sandboxMode: options.sandbox ?? false,
        }),
        'utf8',
      );
      const webhookHeaders = signedHeaders('sumsub', webhookBody, { secret: webhookSecret });
      return {
        applicantId,
        webhookBody,
        webhookHeaders,
        webhook: (targetUrl: string) => postWebhook(targetUrl, webhookBody, webhookHeaders),
      };
    },
    close: () => standIn.close(),
  };
}
