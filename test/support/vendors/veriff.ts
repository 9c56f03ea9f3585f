import { randomUUID } from 'node:crypto';
import { hmacHex, WEBHOOK_SECRETS } from '../webhook-signing';
import {
  type FaultQueue,
  field,
  postWebhook,
  type RecordedRequest,
  sameSecret,
  startStandIn,
  type StandInResponse,
  stringField,
  type PreparedWebhook,
} from './stand-in-server';

/**
 * A stand-in for Veriff's Public API v1 (not Veriff): session creation and the decision endpoint, with the
 * `X-AUTH-CLIENT` key and `X-HMAC-SIGNATURE` checks, responses signed like Veriff's (`vrf-auth-client`,
 * `vrf-hmac-signature`), and signed decision webhooks. Follows https://devdocs.veriff.com/apidocs/v1sessions,
 * https://devdocs.veriff.com/apidocs/v1sessionsiddecision-1 and
 * https://devdocs.veriff.com/docs/hmac-authentication-and-endpoint-security.
 *
 * As Veriff documents, `POST /v1/sessions` needs only `X-AUTH-CLIENT`; a signature sent with it is still checked.
 * `GET /v1/sessions/{id}/decision` needs `X-HMAC-SIGNATURE` = hex HMAC-SHA256(shared secret, session id).
 */

export type VeriffDecisionStatus =
  'approved' | 'declined' | 'resubmission_requested' | 'expired' | 'abandoned' | 'review';

/** Veriff's session status codes (verification session status codes table). */
export const VERIFF_STATUS_CODES: Readonly<Record<VeriffDecisionStatus, number>> = {
  approved: 9001,
  declined: 9102,
  resubmission_requested: 9103,
  expired: 9104,
  abandoned: 9104,
  review: 9121,
};

/** Made-up personal data the decision carries, as Veriff's decision does (tests prove the ledger drops it). */
const MADE_UP_PERSON = {
  firstName: 'ERIKA',
  lastName: 'MUSTERMANN',
  dateOfBirth: '1964-08-12',
  idNumber: 'T22000129',
  nationality: 'DE',
};

export interface VeriffSession {
  readonly id: string;
  readonly url: string;
  readonly vendorData: string | null;
  readonly endUserId: string | null;
  readonly host: string;
  readonly sessionToken: string;
  readonly callback: string | null;
  status: string;
  decision: Record<string, unknown> | null;
}

/**
 * A decision the stand-in made, and its decision webhook.
 * Body: The decision webhook body as Veriff sends it: `{status: 'success', verification: {...}, technicalData}`.
 * Headers: `x-auth-client` (the API key) and `x-hmac-signature` (hex HMAC-SHA256 of the body with the shared secret).
 */
export interface VeriffDecisionMade extends PreparedWebhook {
  readonly sessionId: string;
}

export interface VeriffStandInOptions {
  /** The API key expected in `X-AUTH-CLIENT`. */
  readonly apiKey: string;
  /** The shared secret key for request, response and webhook signatures (default: the test apps' Veriff secret). */
  readonly sharedSecret?: string;
}

export interface VeriffStandIn {
  readonly baseUrl: string;
  /** Every request received (route names: createSession, getDecision). */
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultQueue;
  readonly sessions: ReadonlyMap<string, VeriffSession>;
  down(): void;
  up(): void;
  /**
   * Decides `sessionId` (as if the end user submitted and Veriff reviewed) and prepares the decision webhook.
   * `code` defaults from the status; declines and resubmissions carry `reasonCode` / `reason` when given.
   */
  decide(
    sessionId: string,
    decision: {
      readonly status: VeriffDecisionStatus;
      readonly code?: number;
      readonly reasonCode?: number | null;
      readonly reason?: string | null;
      /** Extra decision fields (e.g. `riskLabels`); the made-up `person` and `document` are always present. */
      readonly extra?: Record<string, unknown>;
    },
  ): VeriffDecisionMade;
  close(): Promise<void>;
}

function veriffError(status: number, message: string, code = String(status)): StandInResponse {
  return { status, body: { status: 'fail', code, message } };
}

/** Starts a Veriff stand-in on loopback. */
export async function startVeriffStandIn(options: VeriffStandInOptions): Promise<VeriffStandIn> {
  const secret = options.sharedSecret ?? WEBHOOK_SECRETS.veriff;
  const sessions = new Map<string, VeriffSession>();
  const host = 'https://veriff.stand-in.test';

  const standIn = await startStandIn({
    vendor: 'veriff',
    requestIdHeader: 'x-request-id',
    errorBody: (status, message) => veriffError(status, message).body,
    signResponse: (body) => ({
      'vrf-auth-client': options.apiKey,
      'vrf-hmac-signature': hmacHex('sha256', secret, body),
    }),
    authenticate(req) {
      const client = req.header('x-auth-client');
      if (client === undefined)
        return veriffError(401, 'Mandatory X-AUTH-CLIENT header containing the API key is missing');
      if (!sameSecret(client, options.apiKey)) return veriffError(401, 'Integration not found');
      const signature = req.header('x-hmac-signature');
      const isCreate = req.method === 'POST' && req.pathname === '/v1/sessions';
      if (signature === undefined) {
        return isCreate ? undefined : veriffError(401, 'Mandatory X-HMAC-SIGNATURE header is missing');
      }
      // POST / PATCH sign the raw body; GET / DELETE sign the session id in the path.
      const signed =
        req.method === 'POST' || req.method === 'PATCH' ? req.rawBody : (req.pathname.split('/')[3] ?? '');
      if (!sameSecret(signature.toLowerCase(), hmacHex('sha256', secret, signed)))
        return veriffError(401, 'Signature "x-hmac-signature" does not match the SHA256 hash of the payload');
      return undefined;
    },
    routes: [
      {
        name: 'createSession',
        method: 'POST',
        pattern: /^\/v1\/sessions\/?$/,
        handle(req) {
          const verification = field(req.json, 'verification');
          if (typeof verification !== 'object' || verification === null)
            return veriffError(400, 'Mandatory parameter verification is missing');
          const id = randomUUID();
          const sessionToken = `stand-in.${Buffer.from(id).toString('base64url')}`;
          const session: VeriffSession = {
            id,
            url: `${host}/v/${sessionToken}`,
            vendorData: stringField(verification, 'vendorData') ?? null,
            endUserId: stringField(verification, 'endUserId') ?? null,
            host,
            sessionToken,
            callback: stringField(verification, 'callback') ?? null,
            status: 'created',
            decision: null,
          };
          sessions.set(id, session);
          return {
            status: 201,
            body: {
              status: 'success',
              verification: {
                id,
                url: session.url,
                vendorData: session.vendorData,
                host,
                status: 'created',
                sessionToken,
              },
            },
          };
        },
      },
      {
        name: 'getDecision',
        method: 'GET',
        pattern: /^\/v1\/sessions\/(?<id>[^/]+)\/decision$/,
        handle(req) {
          const session = sessions.get(req.params.id ?? '');
          if (session === undefined) return veriffError(404, 'Session not found');
          return { status: 200, body: { status: 'success', verification: session.decision } };
        },
      },
    ],
  });

  return {
    baseUrl: standIn.baseUrl,
    requests: standIn.requests,
    faults: standIn.faults,
    sessions,
    down: () => {
      standIn.down();
    },
    up: () => {
      standIn.up();
    },
    decide(sessionId, decision) {
      const session = sessions.get(sessionId);
      if (session === undefined) throw new Error(`no Veriff session ${sessionId} in the stand-in`);
      const now = new Date().toISOString();
      const verification: Record<string, unknown> = {
        id: sessionId,
        attemptId: randomUUID(),
        vendorData: session.vendorData,
        endUserId: session.endUserId,
        status: decision.status,
        code: decision.code ?? VERIFF_STATUS_CODES[decision.status],
        reason: decision.reason ?? null,
        reasonCode: decision.reasonCode ?? null,
        decisionTime: now,
        acceptanceTime: now,
        person: MADE_UP_PERSON,
        document: { number: 'T22000129', type: 'PASSPORT', country: 'DE', validUntil: '2031-01-01' },
        comments: [],
        ...decision.extra,
      };
      session.status = decision.status;
      session.decision = verification;
      const webhookBody = Buffer.from(
        JSON.stringify({ status: 'success', verification, technicalData: { ip: '203.0.113.7' } }),
        'utf8',
      );
      const webhookHeaders = {
        'x-auth-client': options.apiKey,
        'x-hmac-signature': hmacHex('sha256', secret, webhookBody),
      };
      return {
        sessionId,
        webhookBody,
        webhookHeaders,
        webhook: (targetUrl: string) => postWebhook(targetUrl, webhookBody, webhookHeaders),
      };
    },
    close: () => standIn.close(),
  };
}
