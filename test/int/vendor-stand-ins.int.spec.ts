import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Configuration, DefaultApi, WebhookEventVerifier } from '@onfido/api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VendorCallError } from '../../src/vendors/vendor-errors';
import { PersonaGateway } from '../../src/vendors/persona.gateway';
import { VeriffGateway } from '../../src/vendors/veriff.gateway';
import type { NormalisedDelivery } from '../../src/webhooks/delivery';
import { vendorAdapters } from '../../src/webhooks/vendors';
import { FIXTURE_PII, hmacHex, WEBHOOK_SECRETS } from '../support/webhook-signing';
import { type OnfidoStandIn, startOnfidoStandIn } from '../support/vendors/onfido';
import { type PersonaStandIn, startPersonaStandIn } from '../support/vendors/persona';
import {
  MAX_REQUEST_BODY_BYTES,
  type FaultQueue,
  type RecordedRequest,
} from '../support/vendors/stand-in-server';
import { startSumsubStandIn, type SumsubStandIn, sumsubAuthHeaders } from '../support/vendors/sumsub';
import { startVeriffStandIn, type VeriffStandIn } from '../support/vendors/veriff';

/*
 * The vendor API stand-ins (test code built from the vendors' public references, not the vendors): each refuses
 * missing or wrong credentials and signatures, accepts the right ones, creates and reads back its objects, emits
 * webhooks the ledger's intake verifies, and produces every injected fault.
 */

const ONFIDO_TOKEN = 'api_sandbox.stand-in-token-0001';
const VERIFF_KEY = 'veriff-public-api-key-for-tests';
const SUMSUB_APP_TOKEN = 'sbx:stand-in-app-token-0003';
const SUMSUB_SECRET = 'stand-in-sumsub-secret-key-0003';
const PERSONA_KEY = 'persona_sandbox_stand-in-key-0004';
const PERSONA_VERSION = '2023-01-05';

const adapters = vendorAdapters({
  onfido: WEBHOOK_SECRETS.onfido,
  veriff: WEBHOOK_SECRETS.veriff,
  sumsub: WEBHOOK_SECRETS.sumsub,
  persona: WEBHOOK_SECRETS.persona,
  personaToleranceSeconds: 300,
});

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A webhook endpoint on loopback that keeps what it receives. */
let receiver: Server;
let receiverUrl = '';
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/webhooks`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    receiver.close(() => {
      resolve();
    });
  });
});

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

/** The last webhook received, verified and normalised by the ledger's own vendor adapter. */
function lastWebhookAtIntake(vendor: 'onfido' | 'veriff' | 'sumsub' | 'persona') {
  const last = received.at(-1)!;
  const adapter = adapters[vendor];
  expect(() => {
    adapter.verify(last.body, last.headers, new Date());
  }).not.toThrow();
  return adapter.normalise(JSON.parse(last.body.toString('utf8')) as unknown, last.body);
}

describe('Onfido stand-in', () => {
  let onfido: OnfidoStandIn;
  const auth = { authorization: `Token token=${ONFIDO_TOKEN}`, 'content-type': 'application/json' };
  beforeEach(async () => {
    onfido = await startOnfidoStandIn({ apiToken: ONFIDO_TOKEN });
  });
  afterEach(async () => {
    await onfido.close();
  });

  it('refuses a missing or wrong API token with a 401 JSON error, and accepts the right one', async () => {
    const body = JSON.stringify({ first_name: 'Applicant', last_name: 'Placeholder' });
    const missing = await fetch(`${onfido.apiBase}/applicants`, { method: 'POST', body });
    expect(missing.status).toBe(401);
    expect(await json(missing)).toMatchObject({ error: { type: 'authorization_error' } });
    const wrong = await fetch(`${onfido.apiBase}/applicants`, {
      method: 'POST',
      headers: { authorization: 'Token token=api_sandbox.wrong' },
      body,
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const right = await fetch(`${onfido.apiBase}/applicants`, { method: 'POST', headers: auth, body });
    expect(right.status).toBe(201);
  });

  it('creates an applicant (both names required), an SDK token and a workflow run, and reads them back', async () => {
    const noNames = await fetch(`${onfido.apiBase}/applicants`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(noNames.status).toBe(422);
    expect(await json(noNames)).toMatchObject({
      error: {
        type: 'validation_error',
        fields: { first_name: expect.any(Array), last_name: expect.any(Array) },
      },
    });

    const created = await fetch(`${onfido.apiBase}/applicants`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ first_name: 'Applicant', last_name: 'Placeholder' }),
    });
    const applicant = await json(created);
    expect(applicant).toMatchObject({
      id: expect.any(String),
      href: `/v3.6/applicants/${String(applicant.id)}`,
    });
    const readBack = await fetch(`${onfido.apiBase}/applicants/${String(applicant.id)}`, { headers: auth });
    expect(await json(readBack)).toEqual(applicant);

    const token = await fetch(`${onfido.apiBase}/sdk_token`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ applicant_id: applicant.id, referrer: 'https://app.example.test/*' }),
    });
    expect(token.status).toBe(200);
    const { token: sdkToken } = (await token.json()) as { token: string };
    expect(onfido.sdkTokens.get(sdkToken)).toEqual({
      applicantId: applicant.id,
      referrer: 'https://app.example.test/*',
    });

    const run = await fetch(`${onfido.apiBase}/workflow_runs`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        workflow_id: 'e8c921eb-0495-44fe-b655-bcdcaffdafe5',
        applicant_id: applicant.id,
      }),
    });
    expect(run.status).toBe(201);
    const workflowRun = await json(run);
    expect(workflowRun).toMatchObject({
      applicant_id: applicant.id,
      status: 'awaiting_input',
      sdk_token: expect.any(String),
    });
    const runBack = await fetch(`${onfido.apiBase}/workflow_runs/${String(workflowRun.id)}`, {
      headers: auth,
    });
    expect(await json(runBack)).toEqual(workflowRun);
    expect(onfido.requests.map((r) => r.route)).toContain('createWorkflowRun');
  });

  it('completes a check: the webhook carries only id/status/href, the result comes from GET checks and reports', async () => {
    const applicant = await json(
      await fetch(`${onfido.apiBase}/applicants`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ first_name: 'Applicant', last_name: 'Placeholder' }),
      }),
    );
    const done = onfido.completeCheck(String(applicant.id), {
      reports: [
        {
          name: 'document',
          result: 'consider',
          subResult: 'suspected',
          breakdown: { visual_authenticity: { result: 'consider' } },
        },
        { name: 'facial_similarity_motion', result: 'clear' },
        { name: 'watchlist_standard', status: 'awaiting_data' },
      ],
    });
    expect((await done.webhook(`${receiverUrl}/onfido`)).status).toBe(200);
    const payload = JSON.parse(received.at(-1)!.body.toString('utf8')) as {
      payload: { object: Record<string, unknown> };
    };
    expect(Object.keys(payload.payload.object).sort()).toEqual([
      'completed_at_iso8601',
      'href',
      'id',
      'status',
    ]);
    const atIntake = lastWebhookAtIntake('onfido');
    expect(atIntake).toMatchObject({ eventType: 'check.completed', vendorReference: done.checkId });

    const check = await json(await fetch(`${onfido.apiBase}/checks/${done.checkId}`, { headers: auth }));
    expect(check).toMatchObject({
      id: done.checkId,
      applicant_id: applicant.id,
      status: 'in_progress',
      report_ids: done.reportIds,
    });
    const list = (await (
      await fetch(`${onfido.apiBase}/reports?check_id=${done.checkId}`, { headers: auth })
    ).json()) as { reports: Record<string, unknown>[] };
    expect(list.reports.map((r) => [r.name, r.status, r.result, r.sub_result])).toEqual([
      ['document', 'complete', 'consider', 'suspected'],
      ['facial_similarity_motion', 'complete', 'clear', null],
      ['watchlist_standard', 'awaiting_data', null, null],
    ]);
    const unknown = await fetch(`${onfido.apiBase}/checks/00000000-0000-4000-8000-000000000000`, {
      headers: auth,
    });
    expect(unknown.status).toBe(404);
  });
  it('serves the official Node SDK (@onfido/api) pointed at it, and its webhooks pass the SDK verifier', async () => {
    const api = new DefaultApi(new Configuration({ apiToken: ONFIDO_TOKEN, basePath: onfido.apiBase }));
    const { data: applicant } = await api.createApplicant({
      first_name: 'Applicant',
      last_name: 'Placeholder',
    });
    const { data: token } = await api.generateSdkToken({ applicant_id: applicant.id });
    expect(onfido.sdkTokens.get(token.token)).toEqual({ applicantId: applicant.id });
    const { data: run } = await api.createWorkflowRun({
      workflow_id: 'e8c921eb-0495-44fe-b655-bcdcaffdafe5',
      applicant_id: applicant.id,
    });
    expect((await api.findWorkflowRun(run.id)).data.sdk_token).toBe(run.sdk_token);

    const done = onfido.completeCheck(applicant.id, { reports: [{ name: 'document', result: 'clear' }] });
    const { data: check } = await api.findCheck(done.checkId);
    expect(check).toMatchObject({ id: done.checkId, status: 'complete', result: 'clear' });
    const { data: list } = await api.listReports(done.checkId);
    expect(list.reports.map((r) => r.name)).toEqual(['document']);
    const event = new WebhookEventVerifier(WEBHOOK_SECRETS.onfido).readPayload(
      done.webhookBody,
      done.webhookHeaders['x-sha2-signature']!,
    );
    expect(event.payload?.object?.id).toBe(done.checkId);

    const wrong = new DefaultApi(
      new Configuration({ apiToken: 'api_sandbox.wrong', basePath: onfido.apiBase }),
    );
    await expect(wrong.findCheck(done.checkId)).rejects.toMatchObject({ response: { status: 401 } });
  });
});

describe('Veriff stand-in', () => {
  let veriff: VeriffStandIn;
  beforeEach(async () => {
    veriff = await startVeriffStandIn({ apiKey: VERIFF_KEY });
  });
  afterEach(async () => {
    await veriff.close();
  });

  const createBody = JSON.stringify({
    verification: { vendorData: 'ses_stand_in_0001', callback: 'https://app.example.test/done' },
  });

  it('refuses a missing or wrong X-AUTH-CLIENT or X-HMAC-SIGNATURE, and accepts the right ones', async () => {
    const noKey = await fetch(`${veriff.baseUrl}/v1/sessions`, { method: 'POST', body: createBody });
    expect(noKey.status).toBe(401);
    expect(await json(noKey)).toMatchObject({ status: 'fail' });
    const wrongKey = await fetch(`${veriff.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'x-auth-client': 'not-the-key' },
      body: createBody,
    });
    expect(wrongKey.status).toBe(401);
    // Veriff documents POST /sessions as needing no signature; a wrong one is still refused.
    const badSig = await fetch(`${veriff.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: {
        'x-auth-client': VERIFF_KEY,
        'x-hmac-signature': hmacHex('sha256', 'wrong-secret', createBody),
      },
      body: createBody,
    });
    expect(badSig.status).toBe(401);
    const unsigned = await fetch(`${veriff.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'x-auth-client': VERIFF_KEY, 'content-type': 'application/json' },
      body: createBody,
    });
    expect(unsigned.status).toBe(201);
    const { verification } = (await unsigned.json()) as { verification: { id: string } };

    const decisionUrl = `${veriff.baseUrl}/v1/sessions/${verification.id}/decision`;
    const unsignedGet = await fetch(decisionUrl, { headers: { 'x-auth-client': VERIFF_KEY } });
    expect(unsignedGet.status).toBe(401);
    const bodySignedGet = await fetch(decisionUrl, {
      headers: {
        'x-auth-client': VERIFF_KEY,
        'x-hmac-signature': hmacHex('sha256', WEBHOOK_SECRETS.veriff, ''),
      },
    });
    expect(bodySignedGet.status).toBe(401);
    const signedGet = await fetch(decisionUrl, {
      headers: {
        'x-auth-client': VERIFF_KEY,
        'x-hmac-signature': hmacHex('sha256', WEBHOOK_SECRETS.veriff, verification.id),
      },
    });
    expect(signedGet.status).toBe(200);
  });

  it('creates a session, reads its decision (null until decided), signs its answers and emits the decision webhook', async () => {
    const signature = hmacHex('sha256', WEBHOOK_SECRETS.veriff, createBody);
    const created = await fetch(`${veriff.baseUrl}/v1/sessions`, {
      method: 'POST',
      headers: {
        'x-auth-client': VERIFF_KEY,
        'x-hmac-signature': signature,
        'content-type': 'application/json',
      },
      body: createBody,
    });
    expect(created.status).toBe(201);
    const raw = Buffer.from(await created.arrayBuffer());
    expect(created.headers.get('vrf-hmac-signature')).toBe(hmacHex('sha256', WEBHOOK_SECRETS.veriff, raw));
    const { verification } = JSON.parse(raw.toString('utf8')) as { verification: Record<string, unknown> };
    expect(verification).toMatchObject({
      id: expect.any(String),
      url: expect.stringMatching(/^https:\/\/veriff\.stand-in\.test\/v\//),
      vendorData: 'ses_stand_in_0001',
      status: 'created',
      sessionToken: expect.any(String),
    });
    const id = String(verification.id);
    const decision = () =>
      fetch(`${veriff.baseUrl}/v1/sessions/${id}/decision`, {
        headers: {
          'x-auth-client': VERIFF_KEY,
          'x-hmac-signature': hmacHex('sha256', WEBHOOK_SECRETS.veriff, id),
        },
      }).then(json);
    expect(await decision()).toEqual({ status: 'success', verification: null });

    const decided = veriff.decide(id, {
      status: 'declined',
      reasonCode: 103,
      reason: 'Person does not match document photo',
    });
    expect(await decision()).toMatchObject({
      verification: { id, status: 'declined', code: 9102, reasonCode: 103, vendorData: 'ses_stand_in_0001' },
    });
    expect((await decided.webhook(`${receiverUrl}/veriff`)).status).toBe(200);
    expect(lastWebhookAtIntake('veriff')).toMatchObject({
      vendorReference: id,
      sessionHint: 'ses_stand_in_0001',
    });
  });
});

describe('Sumsub stand-in', () => {
  let sumsub: SumsubStandIn;
  beforeEach(async () => {
    sumsub = await startSumsubStandIn({
      appToken: SUMSUB_APP_TOKEN,
      secretKey: SUMSUB_SECRET,
      levels: ['id-and-liveness'],
    });
  });
  afterEach(async () => {
    await sumsub.close();
  });

  const call = (method: string, path: string, body = '', headers?: Record<string, string>) =>
    fetch(`${sumsub.baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(headers ?? sumsubAuthHeaders(SUMSUB_APP_TOKEN, SUMSUB_SECRET, method, path, body)),
      },
      ...(body === '' ? {} : { body }),
    });

  it('refuses missing headers, a wrong token, a bad signature or a stale timestamp (401 JSON), and accepts a signed call', async () => {
    const path = '/resources/applicants?levelName=id-and-liveness';
    const body = JSON.stringify({ externalUserId: 'ses_stand_in_0002' });
    const good = sumsubAuthHeaders(SUMSUB_APP_TOKEN, SUMSUB_SECRET, 'POST', path, body);
    const cases: [Record<string, string>, number][] = [
      [{}, 4006],
      [{ ...good, 'x-app-token': 'sbx:someone-else' }, 4001],
      [
        {
          ...good,
          'x-app-access-sig': hmacHex(
            'sha256',
            'wrong-secret',
            `${good['x-app-access-ts']}POST${path}`,
            body,
          ),
        },
        4003,
      ],
      // Signed over the path without its query string: a mismatch.
      [sumsubAuthHeaders(SUMSUB_APP_TOKEN, SUMSUB_SECRET, 'POST', '/resources/applicants', body), 4003],
      [
        sumsubAuthHeaders(
          SUMSUB_APP_TOKEN,
          SUMSUB_SECRET,
          'POST',
          path,
          body,
          new Date(Date.now() - 3_600_000),
        ),
        4004,
      ],
    ];
    for (const [headers, errorCode] of cases) {
      const res = await call('POST', path, body, headers);
      expect(res.status).toBe(401);
      expect(await json(res)).toMatchObject({ code: 401, errorCode, correlationId: expect.any(String) });
    }
    expect((await call('POST', path, body)).status).toBe(201);
  });

  it('creates an applicant (409 for a second with the same externalUserId), finds it, issues an SDK token, emits applicantReviewed', async () => {
    const path = '/resources/applicants?levelName=id-and-liveness';
    const body = JSON.stringify({ externalUserId: 'ses_stand_in_0003' });
    const created = await call('POST', path, body);
    expect(created.status).toBe(201);
    const applicant = await json(created);
    expect(applicant).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      externalUserId: 'ses_stand_in_0003',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      review: { reviewStatus: 'init' },
    });
    const again = await call('POST', path, body);
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({
      code: 409,
      description: expect.stringContaining(String(applicant.id)),
    });
    expect((await call('POST', '/resources/applicants?levelName=no-such-level', body)).status).toBe(404);

    expect(
      await json(await call('GET', '/resources/applicants/-;externalUserId=ses_stand_in_0003/one')),
    ).toEqual(applicant);
    expect((await call('GET', '/resources/applicants/-;externalUserId=nobody/one')).status).toBe(404);

    const tokenBody = JSON.stringify({
      userId: 'ses_stand_in_0003',
      levelName: 'id-and-liveness',
      ttlInSecs: 600,
    });
    const token = await json(await call('POST', '/resources/accessTokens/sdk', tokenBody));
    expect(token).toEqual({ token: expect.any(String), userId: 'ses_stand_in_0003' });

    const reviewed = sumsub.review(String(applicant.id), {
      reviewAnswer: 'RED',
      reviewRejectType: 'RETRY',
      rejectLabels: ['UNSATISFACTORY_PHOTOS'],
    });
    expect(await json(await call('GET', `/resources/applicants/${String(applicant.id)}/one`))).toMatchObject({
      review: { reviewStatus: 'completed', reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'RETRY' } },
    });
    expect((await reviewed.webhook(`${receiverUrl}/sumsub`)).status).toBe(200);
    expect(lastWebhookAtIntake('sumsub')).toMatchObject({
      eventType: 'applicantReviewed',
      vendorReference: applicant.id,
      sessionHint: 'ses_stand_in_0003',
    });
  });
});

describe('Persona stand-in', () => {
  let persona: PersonaStandIn;
  const auth = {
    authorization: `Bearer ${PERSONA_KEY}`,
    'persona-version': PERSONA_VERSION,
    'content-type': 'application/json',
  };
  beforeEach(async () => {
    persona = await startPersonaStandIn({ apiKey: PERSONA_KEY });
  });
  afterEach(async () => {
    await persona.close();
  });

  const createBody = JSON.stringify({
    data: { attributes: { 'inquiry-template-id': 'itmpl_standin0001' } },
    meta: { 'auto-create-account-reference-id': 'ses_stand_in_0004' },
  });

  it('refuses a missing or wrong Bearer key (401) and an unknown Persona-Version (400); the version header is optional', async () => {
    const url = `${persona.baseUrl}/api/v1/inquiries`;
    const missing = await fetch(url, { method: 'POST', body: createBody });
    expect(missing.status).toBe(401);
    expect(await json(missing)).toMatchObject({ errors: [{ title: 'Unauthorized' }] });
    expect(missing.headers.get('request-id')).toBeTruthy();
    expect(
      (
        await fetch(url, {
          method: 'POST',
          headers: { ...auth, authorization: 'Bearer nope' },
          body: createBody,
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await fetch(url, {
          method: 'POST',
          headers: { ...auth, 'persona-version': '1999-01-01' },
          body: createBody,
        })
      ).status,
    ).toBe(400);
    const { 'persona-version': _omitted, ...noVersion } = auth;
    expect((await fetch(url, { method: 'POST', headers: noVersion, body: createBody })).status).toBe(201);
    expect((await fetch(url, { method: 'POST', headers: auth, body: createBody })).status).toBe(201);
  });

  it('creates an inquiry, lists it by reference id, issues a one-time link and a session token, and emits its decision', async () => {
    const created = await fetch(`${persona.baseUrl}/api/v1/inquiries`, {
      method: 'POST',
      headers: auth,
      body: createBody,
    });
    expect(created.status).toBe(201);
    const { data: inquiry } = (await created.json()) as {
      data: { id: string; type: string; attributes: Record<string, unknown> };
    };
    expect(inquiry).toMatchObject({
      type: 'inquiry',
      id: expect.stringMatching(/^inq_.{28}$/),
      attributes: { status: 'created', 'reference-id': 'ses_stand_in_0004' },
    });

    const listed = (await (
      await fetch(`${persona.baseUrl}/api/v1/inquiries?filter[reference-id]=ses_stand_in_0004`, {
        headers: auth,
      })
    ).json()) as { data: { id: string }[] };
    expect(listed.data.map((i) => i.id)).toEqual([inquiry.id]);

    const link = await json(
      await fetch(`${persona.baseUrl}/api/v1/inquiries/${inquiry.id}/generate-one-time-link`, {
        method: 'POST',
        headers: auth,
      }),
    );
    expect(link).toMatchObject({
      meta: { 'one-time-link': expect.stringMatching(/^https:\/\/.+\/verify\?code=/) },
    });
    const resumed = await json(
      await fetch(`${persona.baseUrl}/api/v1/inquiries/${inquiry.id}/resume`, {
        method: 'POST',
        headers: auth,
      }),
    );
    expect(resumed).toMatchObject({
      data: { id: inquiry.id },
      meta: { 'session-token': expect.any(String) },
    });

    const decided = persona.decide(inquiry.id, {
      status: 'approved',
      verifications: [
        {
          type: 'verification/government-id',
          status: 'passed',
          checks: [{ name: 'id_tamper_detection', status: 'passed' }],
        },
        { type: 'verification/selfie', status: 'passed' },
      ],
    });
    const read = (await (
      await fetch(`${persona.baseUrl}/api/v1/inquiries/${inquiry.id}?include=verifications`, {
        headers: auth,
      })
    ).json()) as {
      data: { attributes: { status: string }; relationships: { verifications: { data: unknown[] } } };
      included: unknown[];
    };
    expect(read.data.attributes.status).toBe('approved');
    expect(read.data.relationships.verifications.data).toHaveLength(2);
    expect(read.included).toHaveLength(2);
    const refused = await fetch(`${persona.baseUrl}/api/v1/inquiries/${inquiry.id}/resume`, {
      method: 'POST',
      headers: auth,
    });
    expect(refused.status).toBe(422);

    expect(decided.eventName).toBe('inquiry.approved');
    expect((await decided.webhook(`${receiverUrl}/persona`)).status).toBe(200);
    expect(lastWebhookAtIntake('persona')).toMatchObject({
      eventType: 'inquiry.approved',
      vendorReference: inquiry.id,
      sessionHint: 'ses_stand_in_0004',
    });
  });
});

/** The failure a gateway call ended in (the test fails when it succeeded or threw something else). */
async function callError(call: Promise<unknown>): Promise<VendorCallError> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(VendorCallError);
  return error as VendorCallError;
}

/** The result a fetched object maps to, which must keep none of the personal data the object holds. */
function mappedWithoutPersonalData(
  vendor: 'veriff' | 'persona',
  fetched: unknown,
  announced: NormalisedDelivery,
): NormalisedDelivery | undefined {
  const result = adapters[vendor].resultOf?.(fetched, announced);
  const text = JSON.stringify(result ?? {});
  for (const value of FIXTURE_PII) expect(text).not.toContain(value);
  return result;
}

describe('Fetching announced results through the gateways', () => {
  const limits = { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024 };
  const open = (sessionId: string) => ({
    sessionId,
    sessionExpiresAt: new Date(Date.now() + 3_600_000),
  });

  describe('Persona: GET /api/v1/inquiries/{id}?include=verifications', () => {
    let persona: PersonaStandIn;
    const gateway = (apiKey = PERSONA_KEY) =>
      new PersonaGateway({
        apiKey,
        templateId: 'itmpl_standin0001',
        baseUrl: persona.baseUrl,
        version: PERSONA_VERSION,
        ...limits,
      });
    beforeEach(async () => {
      persona = await startPersonaStandIn({ apiKey: PERSONA_KEY });
    });
    afterEach(async () => {
      await persona.close();
    });

    it('fetches the completed inquiry with its verifications, authenticated, and maps it as the webhook that carries them', async () => {
      const { vendorReference: inquiryId } = await gateway().create(
        open('ses_fetch_0001'),
        AbortSignal.timeout(5_000),
      );
      const verifications = [
        {
          type: 'verification/government-id',
          status: 'failed' as const,
          checks: [{ name: 'id_tamper_detection', status: 'failed' as const }],
        },
        { type: 'verification/selfie', status: 'passed' as const },
      ];
      const event = persona.decide(inquiryId, {
        status: 'completed',
        verifications,
        includeVerifications: false,
      });
      expect((await event.webhook(`${receiverUrl}/persona`)).status).toBe(200);
      const announced = lastWebhookAtIntake('persona');
      expect(announced.outcome).toEqual({ kind: 'none', reason: 'result_not_in_payload' });

      const fetched = await gateway().fetchResult(inquiryId, AbortSignal.timeout(5_000));
      const request = persona.requests.at(-1)!;
      expect(request).toMatchObject({
        route: 'getInquiry',
        method: 'GET',
        path: `/api/v1/inquiries/${inquiryId}?include=verifications`,
        headers: { authorization: `Bearer ${PERSONA_KEY}`, 'persona-version': PERSONA_VERSION },
      });
      expect(fetched).toMatchObject({ httpStatus: 200, vendorRequestId: request.requestId });
      expect(fetched.json).toMatchObject({ included: [{ type: 'verification/government-id' }, {}] });

      // The same decision with its verifications in the payload: what the fetch must amount to.
      const carried = adapters.persona.normalise(
        {
          data: {
            type: 'event',
            id: 'evt_equivalent',
            attributes: {
              name: 'inquiry.completed',
              'created-at': announced.occurredAt,
              payload: fetched.json,
            },
          },
        },
        Buffer.alloc(0),
      );
      expect(carried.outcome).toMatchObject({ kind: 'checks' });
      expect(mappedWithoutPersonalData('persona', fetched.json, announced)).toEqual({
        ...announced,
        outcome: carried.outcome,
      });
    });

    it('is refused with a wrong API key (401 VendorHttpError, not retried)', async () => {
      const { vendorReference } = await gateway().create(open('ses_fetch_0002'), AbortSignal.timeout(5_000));
      const error = await callError(
        gateway('persona_sandbox_wrong-key').fetchResult(vendorReference, AbortSignal.timeout(5_000)),
      );
      expect(error).toMatchObject({
        errorClass: 'VendorHttpError',
        operation: 'retrieve_inquiry',
        details: { httpStatus: 401 },
      });
      expect(error.retryable).toBe(false);
    });

    it('fails on malformed JSON (VendorMalformedResponseError) and on a proxy’s HTML page (VendorHttpError 502), both retryable', async () => {
      const { vendorReference } = await gateway().create(open('ses_fetch_0003'), AbortSignal.timeout(5_000));
      persona.faults.enqueue('getInquiry', { malformedJson: true }, { htmlError: true });
      const malformed = await callError(gateway().fetchResult(vendorReference, AbortSignal.timeout(5_000)));
      expect(malformed).toMatchObject({
        errorClass: 'VendorMalformedResponseError',
        details: { httpStatus: 200 },
      });
      const html = await callError(gateway().fetchResult(vendorReference, AbortSignal.timeout(5_000)));
      expect(html).toMatchObject({ errorClass: 'VendorHttpError', details: { httpStatus: 502 } });
      expect([malformed.retryable, html.retryable]).toEqual([true, true]);
      expect(persona.faults.pending()).toBe(0);
    });

    it('answers an inquiry it does not know with 404 (VendorHttpError, not retried)', async () => {
      const error = await callError(
        gateway().fetchResult('inq_unknown000000000000000000000', AbortSignal.timeout(5_000)),
      );
      expect(error).toMatchObject({ errorClass: 'VendorHttpError', details: { httpStatus: 404 } });
      expect(error.retryable).toBe(false);
    });
  });

  describe('Veriff: GET /v1/sessions/{id}/decision', () => {
    let veriff: VeriffStandIn;
    const gateway = (secret: string = WEBHOOK_SECRETS.veriff) =>
      new VeriffGateway({ apiKey: VERIFF_KEY, secret, baseUrl: veriff.baseUrl, ...limits });
    beforeEach(async () => {
      veriff = await startVeriffStandIn({ apiKey: VERIFF_KEY });
    });
    afterEach(async () => {
      await veriff.close();
    });

    /** The `submitted` event webhook for `sessionId`, as the intake normalises it (parked, to be fetched). */
    const submitted = (sessionId: string): NormalisedDelivery => {
      const attemptId = 'f2270684-8c51-4d03-88eb-dafd43e8b486';
      const body = Buffer.from(
        JSON.stringify({
          id: sessionId,
          attemptId,
          action: 'submitted',
          code: 7002,
          vendorData: 'ses_fetch_0011',
        }),
      );
      return adapters.veriff.normalise(JSON.parse(body.toString('utf8')) as unknown, body);
    };

    it('fetches no decision before Veriff decides, then the decision, mapped with the decision webhook’s event id and checks', async () => {
      const { vendorReference: sessionId } = await gateway().create(
        open('ses_fetch_0011'),
        AbortSignal.timeout(5_000),
      );
      const announced = submitted(sessionId);
      expect(announced.outcome).toEqual({ kind: 'none', reason: 'result_not_in_payload' });

      const pending = await gateway().fetchResult(sessionId, AbortSignal.timeout(5_000));
      expect(pending).toMatchObject({ httpStatus: 200, json: { status: 'success', verification: null } });
      expect(mappedWithoutPersonalData('veriff', pending.json, announced)).toBeUndefined();
      const request = veriff.requests.at(-1)!;
      expect(request).toMatchObject({
        route: 'getDecision',
        method: 'GET',
        path: `/v1/sessions/${sessionId}/decision`,
        headers: {
          'x-auth-client': VERIFF_KEY,
          'x-hmac-signature': hmacHex('sha256', WEBHOOK_SECRETS.veriff, sessionId),
        },
      });
      expect(pending.vendorRequestId).toBe(request.requestId);

      const decided = veriff.decide(sessionId, { status: 'declined', reasonCode: 506 });
      expect((await decided.webhook(`${receiverUrl}/veriff`)).status).toBe(200);
      const webhook = lastWebhookAtIntake('veriff');
      const fetched = await gateway().fetchResult(sessionId, AbortSignal.timeout(5_000));
      expect(fetched.json).toMatchObject({ verification: { person: { lastName: 'MUSTERMANN' } } });
      const result = mappedWithoutPersonalData('veriff', fetched.json, announced);
      expect(result).toEqual(webhook);
      expect(result).toMatchObject({
        eventId: expect.stringMatching(new RegExp(`^decision:${sessionId}:`)),
        outcome: { kind: 'checks' },
      });
    });

    it('is refused when signed with a wrong secret (401 VendorHttpError, not retried)', async () => {
      const { vendorReference } = await gateway().create(open('ses_fetch_0012'), AbortSignal.timeout(5_000));
      const error = await callError(
        gateway('not-the-shared-secret').fetchResult(vendorReference, AbortSignal.timeout(5_000)),
      );
      expect(error).toMatchObject({
        errorClass: 'VendorHttpError',
        operation: 'get_decision',
        details: { httpStatus: 401 },
      });
      expect(error.retryable).toBe(false);
    });

    it('fails on malformed JSON (VendorMalformedResponseError) and on a proxy’s HTML page (VendorHttpError 502), both retryable', async () => {
      const { vendorReference } = await gateway().create(open('ses_fetch_0013'), AbortSignal.timeout(5_000));
      veriff.faults.enqueue('getDecision', { malformedJson: true }, { htmlError: true });
      const malformed = await callError(gateway().fetchResult(vendorReference, AbortSignal.timeout(5_000)));
      expect(malformed).toMatchObject({ errorClass: 'VendorMalformedResponseError' });
      const html = await callError(gateway().fetchResult(vendorReference, AbortSignal.timeout(5_000)));
      expect(html).toMatchObject({ errorClass: 'VendorHttpError', details: { httpStatus: 502 } });
      expect([malformed.retryable, html.retryable]).toEqual([true, true]);
      expect(veriff.faults.pending()).toBe(0);
    });
  });
});

/** One authenticated call per vendor, and the route it hits, to exercise the shared fault machinery. */
interface FaultTarget {
  readonly requestIdHeader: string;
  readonly route: string;
  readonly okStatus: number;
  readonly standIn: {
    readonly faults: FaultQueue;
    readonly requests: readonly RecordedRequest[];
    down(): void;
    up(): void;
    close(): Promise<void>;
  };
  call(init?: { signal?: AbortSignal; body?: string }): Promise<Response>;
}

const TARGETS: Readonly<Record<string, () => Promise<FaultTarget>>> = {
  onfido: async () => {
    const standIn = await startOnfidoStandIn({ apiToken: ONFIDO_TOKEN });
    return {
      standIn,
      requestIdHeader: 'x-request-id',
      route: 'createApplicant',
      okStatus: 201,
      call: (init = {}) =>
        fetch(`${standIn.apiBase}/applicants`, {
          method: 'POST',
          headers: { authorization: `Token token=${ONFIDO_TOKEN}`, 'content-type': 'application/json' },
          body: init.body ?? JSON.stringify({ first_name: 'Applicant', last_name: 'Placeholder' }),
          ...(init.signal === undefined ? {} : { signal: init.signal }),
        }),
    };
  },
  veriff: async () => {
    const standIn = await startVeriffStandIn({ apiKey: VERIFF_KEY });
    return {
      standIn,
      requestIdHeader: 'x-request-id',
      route: 'createSession',
      okStatus: 201,
      call: (init = {}) =>
        fetch(`${standIn.baseUrl}/v1/sessions`, {
          method: 'POST',
          headers: { 'x-auth-client': VERIFF_KEY, 'content-type': 'application/json' },
          body: init.body ?? JSON.stringify({ verification: { vendorData: 'ses_fault' } }),
          ...(init.signal === undefined ? {} : { signal: init.signal }),
        }),
    };
  },
  sumsub: async () => {
    const standIn = await startSumsubStandIn({ appToken: SUMSUB_APP_TOKEN, secretKey: SUMSUB_SECRET });
    const path = '/resources/accessTokens/sdk';
    return {
      standIn,
      requestIdHeader: 'x-request-id',
      route: 'createSdkAccessToken',
      okStatus: 200,
      call: (init = {}) => {
        const body =
          init.body ?? JSON.stringify({ userId: 'ses_fault', levelName: 'id-and-liveness', ttlInSecs: 600 });
        return fetch(`${standIn.baseUrl}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...sumsubAuthHeaders(SUMSUB_APP_TOKEN, SUMSUB_SECRET, 'POST', path, body),
          },
          body,
          ...(init.signal === undefined ? {} : { signal: init.signal }),
        });
      },
    };
  },
  persona: async () => {
    const standIn = await startPersonaStandIn({ apiKey: PERSONA_KEY });
    return {
      standIn,
      requestIdHeader: 'request-id',
      route: 'createInquiry',
      okStatus: 201,
      call: (init = {}) =>
        fetch(`${standIn.baseUrl}/api/v1/inquiries`, {
          method: 'POST',
          headers: { authorization: `Bearer ${PERSONA_KEY}`, 'content-type': 'application/json' },
          body:
            init.body ?? JSON.stringify({ data: { attributes: { 'inquiry-template-id': 'itmpl_fault' } } }),
          ...(init.signal === undefined ? {} : { signal: init.signal }),
        }),
    };
  },
};

describe.each(Object.keys(TARGETS))('%s stand-in faults', (vendor) => {
  let target: FaultTarget;
  beforeEach(async () => {
    target = await TARGETS[vendor]!();
  });
  afterEach(async () => {
    await target.standIn.close();
  });

  it('answers a queued 5xx with the vendor error body, and 429 with Retry-After, then recovers', async () => {
    target.standIn.faults.enqueue(target.route, { status: 503 }, { status: 429, retryAfterSeconds: 7 });
    const unavailable = await target.call();
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('content-type')).toContain('application/json');
    expect(await unavailable.json()).toBeTypeOf('object');
    const limited = await target.call();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get(target.requestIdHeader)).toBeTruthy();
    expect((await target.call()).status).toBe(target.okStatus);
    expect(target.standIn.requests.map((r) => r.fault)).toEqual([
      { status: 503 },
      { status: 429, retryAfterSeconds: 7 },
      undefined,
    ]);
  });

  it('answers late for a delay fault: a client timeout fires first, a patient client gets the real answer', async () => {
    target.standIn.faults.enqueue('*', { delayMs: 5_000 }, { delayMs: 80 });
    await expect(target.call({ signal: AbortSignal.timeout(50) })).rejects.toThrow(/aborted|timeout/i);
    const started = performance.now();
    const late = await target.call();
    expect(late.status).toBe(target.okStatus);
    expect(performance.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('sends headers at once and trickles the body for a slow-body fault', async () => {
    target.standIn.faults.enqueue(target.route, { slowBodyMs: 200 });
    const res = await target.call();
    const headersAt = performance.now();
    expect(res.status).toBe(target.okStatus);
    const text = await res.text();
    expect(performance.now() - headersAt).toBeGreaterThanOrEqual(120);
    expect(JSON.parse(text)).toBeTypeOf('object');
  });

  it('answers malformed JSON, an HTML proxy page, an oversized body, and drops the connection', async () => {
    target.standIn.faults.enqueue(
      target.route,
      { malformedJson: true },
      { htmlError: true },
      { oversizedBodyBytes: 2 * 1024 * 1024 },
      { dropConnection: true },
    );
    const malformed = await target.call();
    expect(malformed.status).toBe(200);
    expect(malformed.headers.get('content-type')).toContain('application/json');
    await expect(malformed.json()).rejects.toThrow(SyntaxError);

    const html = await target.call();
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(await html.text()).toContain('<html>');

    const oversized = await target.call();
    expect(oversized.headers.get('content-length')).toBe(String(2 * 1024 * 1024));
    expect(JSON.parse(await oversized.text())).toHaveProperty('padding');

    await expect(target.call()).rejects.toThrow(TypeError);
    expect(target.standIn.faults.pending()).toBe(0);
    expect((await target.call()).status).toBe(target.okStatus);
  });

  it('fails every call with 503 while down, refuses a request body over 1 MB, and tags every answer with a request id', async () => {
    target.standIn.down();
    const down = await target.call();
    expect(down.status).toBe(503);
    target.standIn.up();
    const tooLarge = await target.call({
      body: JSON.stringify({ padding: 'x'.repeat(MAX_REQUEST_BODY_BYTES) }),
    });
    expect(tooLarge.status).toBe(413);
    const ok = await target.call();
    expect(ok.status).toBe(target.okStatus);
    const ids = [down, tooLarge, ok].map((r) => r.headers.get(target.requestIdHeader));
    expect(new Set(ids).size).toBe(3);
    expect(target.standIn.requests.map((r) => r.whileDown)).toEqual([true, false, false]);
    expect(target.standIn.requests[1]!.body).toHaveLength(0);
  });
});
