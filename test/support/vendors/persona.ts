import { randomBytes } from 'node:crypto';
import { signedHeaders, WEBHOOK_SECRETS } from '../webhook-signing';
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
 * A stand-in for Persona's API (not Persona): inquiries (create, list by reference id, retrieve, one-time link,
 * resume) and verifications, with Bearer-key authentication, `Persona-Version` handling, Persona's JSON:API
 * error body and `Request-Id` header, and signed inquiry webhooks. Follows
 * https://docs.withpersona.com/api-reference/inquiries/create-an-inquiry, https://docs.withpersona.com/versioning,
 * https://docs.withpersona.com/api-reference/inquiries/retrieve-an-inquiry (with `include=verifications`),
 * https://docs.withpersona.com/inquiry-one-time-links, https://docs.withpersona.com/resuming-inquiries,
 * https://docs.withpersona.com/reference/request-ids and https://docs.withpersona.com/v2022-09-01/reference/errors.
 *
 * As Persona documents, `Persona-Version` is optional (the API key's configured version applies); an unknown
 * version is refused with 400. The reference id may come as `meta.auto-create-account-reference-id` (preferred
 * since 2023-11-13) or as the older `data.attributes.reference-id`. Retrieving an inquiry answers it with made-up
 * personal data once the person has been through the flow, and with `include=verifications` its verifications
 * (statuses, checks, made-up extracted data) in `included`, as `decide` left them.
 */

/** Dated API versions Persona lists (https://docs.withpersona.com/versioning and its version indexes). */
export const PERSONA_VERSIONS: readonly string[] = [
  '2020-05-18',
  '2021-05-14',
  '2021-07-05',
  '2022-09-01',
  '2023-01-05',
  '2025-10-27',
  '2025-12-08',
  '2026-09-29',
];

export type PersonaInquiryStatus =
  'created' | 'pending' | 'completed' | 'expired' | 'failed' | 'needs_review' | 'approved' | 'declined';

/** A verification as the inquiry's outcome should carry it. */
export interface PersonaVerificationSpec {
  /** E.g. `verification/government-id`, `verification/selfie`. */
  readonly type: string;
  readonly status: 'passed' | 'failed' | 'requires_retry';
  readonly checks?: readonly {
    readonly name: string;
    readonly status: 'passed' | 'failed' | 'not_applicable';
    readonly reasons?: readonly string[];
  }[];
}

export interface PersonaResource {
  readonly type: string;
  readonly id: string;
  readonly attributes: Record<string, unknown>;
  readonly relationships?: Record<string, { data: unknown }>;
}

/**
 * A decision the stand-in made on an inquiry, and its webhook.
 * Body: The event body as Persona sends it: `{data: {type: 'event', id: 'evt_…', attributes: {name, created-at, payload}}}`.
 * Headers: `Persona-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of "t.body">`.
 */
export interface PersonaInquiryEvent extends PreparedWebhook {
  readonly inquiryId: string;
  /** `inquiry.completed`, `inquiry.approved`, `inquiry.declined`, `inquiry.failed` or `inquiry.marked-for-review`. */
  readonly eventName: string;
}

export interface PersonaStandInOptions {
  /** The API key expected as `Authorization: Bearer <apiKey>`. */
  readonly apiKey: string;
  /** The webhook secret signing events (default: the test apps' current Persona secret). */
  readonly webhookSecret?: string;
  /** The inquiry template ids that exist (default: any `itmpl_…`). */
  readonly templateIds?: readonly string[];
}

export interface PersonaStandIn {
  readonly baseUrl: string;
  /** Every request received (route names: createInquiry, listInquiries, getInquiry, generateOneTimeLink, resumeInquiry, getVerification). */
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultQueue;
  readonly inquiries: ReadonlyMap<string, PersonaResource>;
  readonly verifications: ReadonlyMap<string, PersonaResource>;
  /** Session tokens and one-time links issued, per inquiry id. */
  readonly sessionTokens: ReadonlyMap<string, readonly string[]>;
  readonly oneTimeLinks: ReadonlyMap<string, readonly string[]>;
  down(): void;
  up(): void;
  /**
   * Moves `inquiryId` to `status` with the given verifications (as if the end user finished the flow and Persona
   * decided) and prepares the matching event. `includeVerifications: false` leaves them out of the payload, as
   * Persona does for some events (they must then be read from the API).
   */
  decide(
    inquiryId: string,
    outcome: {
      readonly status: 'completed' | 'approved' | 'declined' | 'failed' | 'needs_review';
      readonly verifications?: readonly PersonaVerificationSpec[];
      readonly includeVerifications?: boolean;
    },
  ): PersonaInquiryEvent;
  close(): Promise<void>;
}

const EVENT_NAMES: Readonly<Record<string, string>> = {
  completed: 'inquiry.completed',
  approved: 'inquiry.approved',
  declined: 'inquiry.declined',
  failed: 'inquiry.failed',
  needs_review: 'inquiry.marked-for-review',
};

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** A Persona-style id: prefix + base58 characters (inquiry ids are 32 characters long). */
function personaId(prefix: string, length = 32): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (let i = 0; id.length < length; i += 1) id += ALPHABET.charAt((bytes[i] ?? 0) % ALPHABET.length);
  return id;
}

function personaError(status: number, title: string, details?: string): StandInResponse {
  return { status, body: { errors: [{ title, ...(details === undefined ? {} : { details }) }] } };
}

/**
 * The inquiry as Persona answers it once the person has been through the flow: its attributes carry personal
 * data. The made-up values (`FIXTURE_PII`) let tests prove the ledger drops them.
 */
function withPersonalData(inquiry: PersonaResource): PersonaResource {
  if (['created', 'pending'].includes(String(inquiry.attributes.status))) return inquiry;
  return {
    ...inquiry,
    attributes: {
      ...inquiry.attributes,
      'name-first': 'Erika',
      'name-last': 'Mustermann',
      birthdate: '1964-08-12',
      'address-street-1': 'Heidestrasse 17',
    },
  };
}

/** A document verification's extracted data, as Persona returns it (made up, as above). */
const DOCUMENT_PERSONAL_DATA = {
  'name-first': 'Erika',
  'name-last': 'Mustermann',
  birthdate: '1964-08-12',
  'identification-number': 'T22000129',
};

/** Starts a Persona stand-in on loopback. */
export async function startPersonaStandIn(options: PersonaStandInOptions): Promise<PersonaStandIn> {
  const webhookSecret = options.webhookSecret ?? WEBHOOK_SECRETS.persona[0];
  const inquiries = new Map<string, PersonaResource>();
  const verifications = new Map<string, PersonaResource>();
  const sessionTokens = new Map<string, string[]>();
  const oneTimeLinks = new Map<string, string[]>();

  const withVerifications = (inquiry: PersonaResource, include: string | null): Record<string, unknown> => {
    const wanted = (include ?? '').split(',').includes('verifications');
    const refs = (inquiry.relationships?.verifications?.data ?? []) as readonly { id: string }[];
    return {
      data: withPersonalData(inquiry),
      included: wanted ? refs.map((ref) => verifications.get(ref.id)).filter((v) => v !== undefined) : [],
    };
  };
  const status = (inquiry: PersonaResource): string => String(inquiry.attributes.status);
  const setStatus = (inquiry: PersonaResource, value: string): void => {
    inquiry.attributes.status = value;
    inquiry.attributes['updated-at'] = new Date().toISOString();
  };

  const standIn = await startStandIn({
    vendor: 'persona',
    requestIdHeader: 'request-id',
    errorBody: (code, message) => personaError(code, message).body,
    authenticate(req) {
      const authorization = req.header('authorization');
      if (authorization === undefined || !sameSecret(authorization, `Bearer ${options.apiKey}`))
        return personaError(401, 'Unauthorized', 'An invalid API key was provided.');
      const version = req.header('persona-version');
      if (version !== undefined && !PERSONA_VERSIONS.includes(version))
        return personaError(400, 'Bad Request', `Unknown Persona-Version: ${version}`);
      return undefined;
    },
    routes: [
      {
        name: 'createInquiry',
        method: 'POST',
        pattern: /^\/api\/v1\/inquiries$/,
        handle(req) {
          const attributes =
            field(req.json, 'data') === undefined ? undefined : field(field(req.json, 'data'), 'attributes');
          const templateId =
            stringField(attributes, 'inquiry-template-id') ??
            stringField(attributes, 'inquiry-template-version-id') ??
            stringField(attributes, 'template-id');
          if (templateId === undefined)
            return personaError(
              400,
              'Parameter missing',
              'param is missing or the value is empty: inquiry-template-id',
            );
          if (options.templateIds !== undefined && !options.templateIds.includes(templateId))
            return personaError(404, 'Record not found', `inquiry template ${templateId}`);
          const referenceId =
            stringField(field(req.json, 'meta'), 'auto-create-account-reference-id') ??
            stringField(attributes, 'reference-id') ??
            null;
          const now = new Date().toISOString();
          const id = personaId('inq_');
          const accountId = personaId('act_');
          const inquiry: PersonaResource = {
            type: 'inquiry',
            id,
            attributes: {
              status: 'created',
              'reference-id': referenceId,
              'created-at': now,
              'updated-at': now,
              'completed-at': null,
              'decisioned-at': null,
              'expired-at': null,
              fields: {},
            },
            relationships: {
              account: { data: { type: 'account', id: accountId } },
              'inquiry-template': { data: { type: 'inquiry-template', id: templateId } },
              verifications: { data: [] },
              sessions: { data: [] },
            },
          };
          inquiries.set(id, inquiry);
          return { status: 201, body: { data: inquiry, included: [], meta: {} } };
        },
      },
      {
        name: 'listInquiries',
        method: 'GET',
        pattern: /^\/api\/v1\/inquiries$/,
        handle(req) {
          const referenceId = req.query.get('filter[reference-id]');
          const statusFilter = req.query.get('filter[status]');
          const data = [...inquiries.values()].filter(
            (inquiry) =>
              (referenceId === null || inquiry.attributes['reference-id'] === referenceId) &&
              (statusFilter === null || statusFilter.split(',').includes(status(inquiry))),
          );
          return { status: 200, body: { data, links: { prev: null, next: null } } };
        },
      },
      {
        name: 'getInquiry',
        method: 'GET',
        pattern: /^\/api\/v1\/inquiries\/(?<id>inq_[^/]+)$/,
        handle(req) {
          const inquiry = inquiries.get(req.params.id ?? '');
          return inquiry === undefined
            ? personaError(404, 'Record not found')
            : { status: 200, body: withVerifications(inquiry, req.query.get('include')) };
        },
      },
      {
        name: 'generateOneTimeLink',
        method: 'POST',
        pattern: /^\/api\/v1\/inquiries\/(?<id>inq_[^/]+)\/generate-one-time-link$/,
        handle(req) {
          const inquiry = inquiries.get(req.params.id ?? '');
          if (inquiry === undefined) return personaError(404, 'Record not found');
          if (!['created', 'pending', 'expired'].includes(status(inquiry)))
            return personaError(422, 'Unprocessable Entity', `inquiry is ${status(inquiry)}`);
          const code = personaId('', 24);
          const link = `https://persona.stand-in.test/verify?code=${code}`;
          oneTimeLinks.set(inquiry.id, [...(oneTimeLinks.get(inquiry.id) ?? []), link]);
          return {
            status: 200,
            body: {
              data: inquiry,
              included: [],
              meta: {
                'one-time-link': link,
                'one-time-link-short': `https://persona.stand-in.test/s/${code.slice(0, 8)}`,
              },
            },
          };
        },
      },
      {
        name: 'resumeInquiry',
        method: 'POST',
        pattern: /^\/api\/v1\/inquiries\/(?<id>inq_[^/]+)\/resume$/,
        handle(req) {
          const inquiry = inquiries.get(req.params.id ?? '');
          if (inquiry === undefined) return personaError(404, 'Record not found');
          if (!['created', 'pending', 'expired'].includes(status(inquiry)))
            return personaError(
              422,
              'Unprocessable Entity',
              `inquiry is ${status(inquiry)} and cannot be resumed`,
            );
          if (status(inquiry) === 'expired') setStatus(inquiry, 'pending');
          const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
          const claims = Buffer.from(JSON.stringify({ inq: inquiry.id, standIn: true })).toString(
            'base64url',
          );
          const token = `${header}.${claims}.${personaId('', 16)}`;
          sessionTokens.set(inquiry.id, [...(sessionTokens.get(inquiry.id) ?? []), token]);
          return { status: 200, body: { data: inquiry, included: [], meta: { 'session-token': token } } };
        },
      },
      {
        name: 'getVerification',
        method: 'GET',
        pattern: /^\/api\/v1\/verifications\/(?<id>ver_[^/]+)$/,
        handle(req) {
          const verification = verifications.get(req.params.id ?? '');
          return verification === undefined
            ? personaError(404, 'Record not found')
            : { status: 200, body: { data: verification } };
        },
      },
    ],
  });

  return {
    baseUrl: standIn.baseUrl,
    requests: standIn.requests,
    faults: standIn.faults,
    inquiries,
    verifications,
    sessionTokens,
    oneTimeLinks,
    down: () => {
      standIn.down();
    },
    up: () => {
      standIn.up();
    },
    decide(inquiryId, outcome) {
      const inquiry = inquiries.get(inquiryId);
      if (inquiry === undefined) throw new Error(`no Persona inquiry ${inquiryId} in the stand-in`);
      const now = new Date().toISOString();
      const created = (outcome.verifications ?? []).map((spec) => {
        const verification: PersonaResource = {
          type: spec.type,
          id: personaId('ver_'),
          attributes: {
            ...(spec.type === 'verification/selfie' ? {} : DOCUMENT_PERSONAL_DATA),
            status: spec.status,
            'created-at': now,
            'completed-at': now,
            checks: (spec.checks ?? []).map((check) => ({ ...check, reasons: check.reasons ?? [] })),
          },
          relationships: { inquiry: { data: { type: 'inquiry', id: inquiryId } } },
        };
        verifications.set(verification.id, verification);
        return verification;
      });
      const refs = inquiry.relationships?.verifications;
      if (refs !== undefined)
        refs.data = [
          ...((refs.data ?? []) as unknown[]),
          ...created.map((verification) => ({ type: verification.type, id: verification.id })),
        ];
      setStatus(inquiry, outcome.status);
      inquiry.attributes['completed-at'] ??= now;
      if (outcome.status !== 'completed' && outcome.status !== 'failed')
        inquiry.attributes['decisioned-at'] = now;
      const eventName = EVENT_NAMES[outcome.status] ?? `inquiry.${outcome.status}`;
      const payload = {
        // Persona's inquiry attributes carry personal data; the made-up values let tests prove it is dropped.
        data: withPersonalData(inquiry),
        ...(outcome.includeVerifications === false ? {} : { included: created }),
      };
      const webhookBody = Buffer.from(
        JSON.stringify({
          data: {
            type: 'event',
            id: personaId('evt_'),
            attributes: { name: eventName, 'created-at': now, payload },
          },
        }),
        'utf8',
      );
      const webhookHeaders = signedHeaders('persona', webhookBody, { secret: webhookSecret });
      return {
        inquiryId,
        eventName,
        webhookBody,
        webhookHeaders,
        webhook: (targetUrl: string) => postWebhook(targetUrl, webhookBody, webhookHeaders),
      };
    },
    close: () => standIn.close(),
  };
}
