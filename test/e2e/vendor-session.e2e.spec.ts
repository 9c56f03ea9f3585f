import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { consentAndStart } from '../support/journey';
import { until } from '../support/poll';
import { startOnfidoStandIn, type OnfidoStandIn } from '../support/vendors/onfido';
import { startPersonaStandIn, type PersonaStandIn } from '../support/vendors/persona';
import { startSumsubStandIn, sumsubAuthHeaders, type SumsubStandIn } from '../support/vendors/sumsub';
import { startVeriffStandIn, type VeriffStandIn } from '../support/vendors/veriff';
import { WEBHOOK_ENV } from '../support/webhook-signing';
import { policyDirWithNotices } from '../support/policy-dir';

const CREDENTIALS = {
  onfido: 'api_sandbox.onfido-standin-token',
  veriff: { apiKey: 'veriff-standin-key', secret: 'veriff-standin-secret' },
  sumsub: { appToken: 'sbx:sumsub-standin-token', secretKey: 'sumsub-standin-secret' },
  persona: { apiKey: 'persona_sandbox_standin', templateId: 'itmpl_StandIn123' },
};

type Body = Record<string, unknown>;

/** Every file the service wrote (event store, read models, keys, idempotency records) as one string of bytes. */
function everythingStored(dataDir: string): string {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return walk(dataDir)
    .map((path) => readFileSync(path).toString('latin1'))
    .join('\n');
}

/**
 * `POST /v1/verifications/{id}/vendor-session` against the vendors' API stand-ins, through the real HTTP path
 * (Onfido through its official SDK): the server opens the vendor's object, records its ids, and hands the client
 * credential back in the answer only.
 */
describe('opening vendor sessions server-side', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let onfido: OnfidoStandIn;
  let sumsub: SumsubStandIn;
  let veriff: VeriffStandIn;
  let persona: PersonaStandIn;

  beforeAll(async () => {
    onfido = await startOnfidoStandIn({ apiToken: CREDENTIALS.onfido });
    sumsub = await startSumsubStandIn({ ...CREDENTIALS.sumsub });
    veriff = await startVeriffStandIn({
      apiKey: CREDENTIALS.veriff.apiKey,
      sharedSecret: CREDENTIALS.veriff.secret,
    });
    persona = await startPersonaStandIn({
      apiKey: CREDENTIALS.persona.apiKey,
      templateIds: [CREDENTIALS.persona.templateId],
    });
    t = await startTestApp(
      {
        ...WEBHOOK_ENV,
        ONFIDO_API_TOKEN: CREDENTIALS.onfido,
        ONFIDO_API_URL: onfido.apiBase,
        SUMSUB_APP_TOKEN: CREDENTIALS.sumsub.appToken,
        SUMSUB_SECRET_KEY: CREDENTIALS.sumsub.secretKey,
        SUMSUB_API_URL: sumsub.baseUrl,
        VERIFF_API_KEY: CREDENTIALS.veriff.apiKey,
        VERIFF_API_SECRET: CREDENTIALS.veriff.secret,
        VERIFF_API_URL: veriff.baseUrl,
        PERSONA_API_KEY: CREDENTIALS.persona.apiKey,
        PERSONA_TEMPLATE_ID: CREDENTIALS.persona.templateId,
        PERSONA_API_URL: persona.baseUrl,
        VENDOR_TIMEOUT_MS: '2000',
      },
      {},
      { captureLogs: true },
    );
    api = client(t);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([onfido.close(), sumsub.close(), veriff.close(), persona.close()]);
  });

  async function timelineTypes(sessionId: string): Promise<string[]> {
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-verification-${sessionId}`);
    return events.map((e) => e.type);
  }

  it('opens a session at each vendor; the token or URL is in the answer and nowhere the service keeps or logs', async () => {
    const credentials: string[] = [];
    for (const vendor of ['onfido', 'sumsub', 'veriff', 'persona'] as const) {
      const { sessionId } = await consentAndStart(api);
      const res = await api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, {
        vendor,
        ...(vendor === 'onfido' ? { applicant: { firstName: 'Erika', lastName: 'Mustermann' } } : {}),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({
        vendor,
        vendorReference: expect.any(String),
        expiresAt: expect.any(String),
      });
      const secret = (res.body.clientToken ?? res.body.url) as string;
      expect(typeof secret).toBe('string');
      credentials.push(secret);
      const types = await timelineTypes(sessionId);
      expect(types).toContain('VendorSessionOpened');
      // The explanation cites the vendor's ids.
      const explanation = await api.get<{ vendorSessions: Body[] }>(
        'auditor',
        `/v1/verifications/${sessionId}/explanation`,
      );
      expect(explanation.body.vendorSessions).toEqual([
        expect.objectContaining({ vendor, vendorReference: res.body.vendorReference }),
      ]);
    }
    // The vendors' objects are the ones named: applicant, session, inquiry.
    expect(onfido.applicants.size).toBe(1);
    expect(sumsub.applicants.size).toBe(1);
    expect(veriff.sessions.size).toBe(1);
    expect(persona.inquiries.size).toBe(1);
    // Least data: no vendor but Onfido (which requires a name) was sent a name; Onfido got only the names.
    const sent = [...sumsub.requests, ...veriff.requests, ...persona.requests].map((r) => r.body.toString());
    expect(sent.join('\n')).not.toMatch(/Erika|Mustermann/);
    const [applicant] = onfido.requests.filter((r) => r.route === 'createApplicant');
    expect(Object.keys(applicant?.json as Body).sort()).toEqual(['first_name', 'last_name']);
    // Nothing the service stores, nor its log, holds a credential it handed out, nor the applicant's name.
    const stored = everythingStored(t.dataDir);
    const logs = t.logLines().join('\n');
    for (const secret of credentials) {
      expect(stored.includes(secret)).toBe(false);
      expect(logs.includes(secret)).toBe(false);
    }
    expect(logs).not.toMatch(/Erika|Mustermann/);
  });

  it('reuses the vendor session on a repeat and hands out a new token, creating nothing twice', async () => {
    const { sessionId } = await consentAndStart(api);
    const url = `/v1/verifications/${sessionId}/vendor-session`;
    const first = await api.post<Body>('operator', url, { vendor: 'sumsub' });
    const second = await api.post<Body>('operator', url, { vendor: 'sumsub' });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body.vendorReference).toBe(first.body.vendorReference);
    expect(second.body.clientToken).not.toBe(first.body.clientToken);
    const created = sumsub.requests.filter(
      (r) =>
        r.route === 'createApplicant' &&
        r.json !== undefined &&
        (r.json as Body).externalUserId === sessionId,
    );
    expect(created).toHaveLength(1);
    expect((await timelineTypes(sessionId)).filter((type) => type === 'VendorSessionOpened')).toHaveLength(1);
  });

  it('finds the applicant an earlier attempt created when its answer was lost, instead of a second one', async () => {
    const { sessionId } = await consentAndStart(api);
    // An earlier attempt created the applicant at Sumsub, but its answer never arrived (and a look-up missed it):
    // the create is answered 409 naming the applicant, and the service uses that one.
    const path = '/resources/applicants?levelName=basic-kyc-level';
    const body = JSON.stringify({ externalUserId: sessionId });
    const earlier = await fetch(`${sumsub.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...sumsubAuthHeaders(CREDENTIALS.sumsub.appToken, CREDENTIALS.sumsub.secretKey, 'POST', path, body),
      },
      body,
    });
    expect(earlier.status).toBe(201);
    sumsub.faults.enqueue('getApplicantByExternalUserId', { status: 404 });
    const res = await api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, {
      vendor: 'sumsub',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const mine = [...sumsub.applicants.values()].filter((a) => a.externalUserId === sessionId);
    expect(mine).toHaveLength(1);
    expect(res.body.vendorReference).toBe(mine[0]?.id);
  });

  it('answers 503 vendor_unavailable with Retry-After after the retries, records the failure, and works once the vendor is back', async () => {
    const { sessionId } = await consentAndStart(api);
    const url = `/v1/verifications/${sessionId}/vendor-session`;
    persona.faults.enqueue('listInquiries', { status: 503 }, { status: 503 }, { status: 503 });
    const down = await api.post<Body>('operator', url, { vendor: 'persona' });
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ code: 'vendor_unavailable' });
    expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(persona.requests.filter((r) => r.route === 'listInquiries' && r.fault !== undefined)).toHaveLength(
      3,
    );
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-verification-${sessionId}`);
    const failed = events.find((e) => e.type === 'VendorRequestFailed');
    expect(failed?.data).toMatchObject({
      vendor: 'persona',
      operation: 'find_inquiry',
      errorClass: 'VendorHttpError',
      httpStatus: 503,
      attempts: 3,
    });
    const back = await api.post<Body>('operator', url, { vendor: 'persona' });
    expect(back.status, JSON.stringify(back.body)).toBe(200);
    expect(back.body.url).toMatch(/^https:\/\//);
  });

  it('honours a 429 with Retry-After and then succeeds; a malformed or HTML answer is a failure of its own class', async () => {
    const { sessionId } = await consentAndStart(api);
    sumsub.faults.enqueue('createSdkAccessToken', { status: 429, retryAfterSeconds: 1 });
    const res = await api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, {
      vendor: 'sumsub',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const tokenCalls = sumsub.requests.filter((r) => r.route === 'createSdkAccessToken');
    const [limited, retried] = tokenCalls.slice(-2);
    expect(limited?.fault).toBeDefined();
    expect(retried?.fault).toBeUndefined();

    const other = await consentAndStart(api);
    veriff.faults.enqueue('createSession', { htmlError: true }, { malformedJson: true }, { htmlError: true });
    const broken = await api.post<Body>('operator', `/v1/verifications/${other.sessionId}/vendor-session`, {
      vendor: 'veriff',
    });
    expect(broken.status).toBe(503);
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-verification-${other.sessionId}`);
    expect(events.find((e) => e.type === 'VendorRequestFailed')?.data).toMatchObject({
      vendor: 'veriff',
      operation: 'create_session',
      errorClass: 'VendorHttpError',
      httpStatus: 502,
    });
    expect(JSON.stringify(events.map((e) => e.data))).not.toMatch(/<html|DOCTYPE/i);
  });

  it('refuses without calling the vendor: a name Onfido needs, a withdrawn consent, a vendor not configured', async () => {
    const before = onfido.requests.length;
    const { sessionId, subjectId } = await consentAndStart(api);
    const url = `/v1/verifications/${sessionId}/vendor-session`;
    const nameless = await api.post<Body>('operator', url, { vendor: 'onfido' });
    expect(nameless.status).toBe(422);
    expect(nameless.body).toMatchObject({ code: 'applicant_name_required' });

    const subjectEvents = await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-subject-${subjectId}`);
    const consentId = subjectEvents.find((e) => e.type === 'ConsentGranted')?.data.consentId as string;
    const withdrawn = await api.post(
      'operator',
      `/v1/subjects/${subjectId}/consents/${consentId}/withdrawal`,
      {},
    );
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBeLessThan(300);
    await until(
      async () => (await timelineTypes(sessionId)).includes('VerificationClosed'),
      'the session closed',
    );
    const closed = await api.post<Body>('operator', url, {
      vendor: 'onfido',
      applicant: { firstName: 'Erika', lastName: 'Mustermann' },
    });
    expect(closed.status).toBe(409);
    expect(onfido.requests.length).toBe(before);

    const unknown = await api.post<Body>('operator', url, { vendor: 'acme' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).not.toContain('acme');
    for (const who of ['reviewer', 'auditor', 'privacy'] as const) {
      expect((await api.post(who, url, { vendor: 'sumsub' })).status).toBe(403);
    }
  });

  it('ties the vendor applicant to the session, so the vendor’s signed webhook is recorded on it', async () => {
    const { sessionId } = await consentAndStart(api);
    const opened = await api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, {
      vendor: 'sumsub',
    });
    const applicantId = opened.body.vendorReference as string;
    const delivery = await sumsub
      .review(applicantId, { reviewAnswer: 'GREEN' })
      .webhook(`${t.baseUrl}/v1/webhooks/sumsub`);
    expect(delivery.status).toBeLessThan(300);
    await until(
      async () => (await timelineTypes(sessionId)).includes('VendorResultReceived'),
      'the result recorded',
    );
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^kyc_ledger_webhook_callback_latency_seconds_count\{vendor="sumsub"\} [1-9]/m);
  });

  it('fetches the Check and Reports an Onfido check.completed only announces, and records the result once', async () => {
    const { sessionId } = await consentAndStart(api);
    const opened = await api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, {
      vendor: 'onfido',
      applicant: { firstName: 'Erika', lastName: 'Mustermann' },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const applicantId = opened.body.vendorReference as string;
    const completed = onfido.completeCheck(applicantId, {
      reports: [
        { name: 'document', result: 'clear', subResult: 'clear', properties: { first_name: 'Erika' } },
        { name: 'facial_similarity_photo', result: 'clear' },
      ],
    });
    const target = `${t.baseUrl}/v1/webhooks/onfido`;
    expect((await completed.webhook(target)).status).toBeLessThan(300);
    await until(
      async () => (await timelineTypes(sessionId)).includes('VendorResultReceived'),
      'the fetched result',
    );
    const fetches = onfido.requests.filter((r) => r.route === 'getCheck' || r.route === 'listReports');
    expect(fetches.map((r) => r.route)).toEqual(['getCheck', 'listReports']);
    const events = await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-verification-${sessionId}`);
    const result = events.find((e) => e.type === 'VendorResultReceived');
    expect(result?.data).toMatchObject({ vendor: 'onfido' });
    expect(JSON.stringify(result?.data)).not.toContain('Erika');
    // The same announcement again records nothing more.
    expect((await completed.webhook(target)).status).toBeLessThan(300);
    const parked = await api.get<{ items: Body[] }>('admin', '/v1/webhooks/parked?vendor=onfido');
    expect(parked.body.items.filter((i) => i.status === 'parked')).toEqual([]);
    expect(parked.body.items).toContainEqual(
      expect.objectContaining({
        status: 'resolved',
        resolvedSessionId: sessionId,
        eventType: 'check.completed',
      }),
    );
    const again = await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-verification-${sessionId}`);
    expect(again.filter((e) => e.type === 'VendorResultReceived')).toHaveLength(1);
  });

  it('keeps a fetched Onfido result whose applicant no session names, and records it once a session does', async () => {
    // An applicant the ledger did not open (e.g. made by an earlier integration): its check completes.
    const created = await fetch(`${onfido.apiBase}/applicants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Token token=${CREDENTIALS.onfido}` },
      body: JSON.stringify({ first_name: 'Erika', last_name: 'Mustermann' }),
    });
    const applicantId = ((await created.json()) as { id: string }).id;
    const completed = onfido.completeCheck(applicantId, {
      reports: [{ name: 'document', result: 'clear', subResult: 'clear' }],
    });
    expect((await completed.webhook(`${t.baseUrl}/v1/webhooks/onfido`)).status).toBeLessThan(300);
    const waiting = async (): Promise<Body | undefined> => {
      const parked = await api.get<{ items: Body[] }>('admin', '/v1/webhooks/parked?vendor=onfido');
      return parked.body.items.find((i) => i.status === 'parked' && i.eventType === 'check.completed');
    };
    await until(
      async () => (await waiting())?.reason === 'unknown_session',
      'the result waiting for a session',
    );
    const fetchesBefore = onfido.requests.filter((r) => r.route === 'getCheck').length;

    // A session's evidence names the applicant: the kept result is recorded on it, without fetching again.
    const { sessionId } = await consentAndStart(api);
    const evidence = await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'onfido',
      vendorReference: applicantId,
    });
    expect(evidence.status, JSON.stringify(evidence.body)).toBe(201);
    await until(
      async () => (await timelineTypes(sessionId)).includes('VendorResultReceived'),
      'the kept result',
    );
    expect(await waiting()).toBeUndefined();
    expect(onfido.requests.filter((r) => r.route === 'getCheck')).toHaveLength(fetchesBefore);
  });
});

/**
 * The policy orders the vendors (`vendors` in the policy document): with the first unavailable, the session opens
 * at the next, and the ledger records why.
 */
describe('vendor fallback by policy', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let sumsub: SumsubStandIn;
  let persona: PersonaStandIn;

  beforeAll(async () => {
    sumsub = await startSumsubStandIn({ ...CREDENTIALS.sumsub });
    persona = await startPersonaStandIn({
      apiKey: CREDENTIALS.persona.apiKey,
      templateIds: [CREDENTIALS.persona.templateId],
    });
    // A new policy version, in force from 2026-12-02, that orders Persona first and Sumsub next.
    const policyDir = policyDirWithNotices([]);
    const shipped = readFileSync(join(policyDir, 'kyc-default', '2026-12-01.yaml'), 'utf8');
    writeFileSync(
      join(policyDir, 'kyc-default', '2026-12-02.yaml'),
      shipped
        .replace(/^version: .*$/m, 'version: "2026-12-02"')
        .replace(/^effectiveFrom: .*$/m, 'effectiveFrom: "2026-12-02"') +
        '\nvendors:\n  order: [persona, sumsub]\n  byJurisdiction:\n    FR: [sumsub]\n',
    );
    t = await startTestApp({
      POLICY_DIR: policyDir,
      SUMSUB_APP_TOKEN: CREDENTIALS.sumsub.appToken,
      SUMSUB_SECRET_KEY: CREDENTIALS.sumsub.secretKey,
      SUMSUB_API_URL: sumsub.baseUrl,
      PERSONA_API_KEY: CREDENTIALS.persona.apiKey,
      PERSONA_TEMPLATE_ID: CREDENTIALS.persona.templateId,
      PERSONA_API_URL: persona.baseUrl,
      VENDOR_TIMEOUT_MS: '2000',
    });
    api = client(t);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([sumsub.close(), persona.close()]);
  });

  const types = async (sessionId: string): Promise<{ type: string; data: Body }[]> =>
    (await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-verification-${sessionId}`)).map((e) => ({
      type: e.type,
      data: e.data,
    }));

  it('opens at the first vendor the policy orders when it is up, and at the jurisdiction’s own list', async () => {
    const de = await consentAndStart(api);
    const res = await api.post<Body>('operator', `/v1/verifications/${de.sessionId}/vendor-session`, {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.vendor).toBe('persona');
    const fr = await consentAndStart(api, { jurisdiction: 'FR' });
    const inFrance = await api.post<Body>('operator', `/v1/verifications/${fr.sessionId}/vendor-session`, {});
    expect(inFrance.body.vendor).toBe('sumsub');
  });

  it('falls back to the next vendor when the first fails after its retries, recording why; 503 when all fail', async () => {
    const { sessionId } = await consentAndStart(api);
    persona.down();
    try {
      const res = await api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, {});
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.vendor).toBe('sumsub');
      const events = await types(sessionId);
      expect(events.map((e) => e.type).filter((type) => type.startsWith('Vendor'))).toEqual([
        'VendorRequestFailed',
        'VendorFallbackChosen',
        'VendorSessionOpened',
      ]);
      expect(events.find((e) => e.type === 'VendorFallbackChosen')?.data).toMatchObject({
        from: 'persona',
        to: 'sumsub',
        reason: 'vendor_unavailable',
      });
      const explanation = await api.get<{ vendorFallbacks: Body[] }>(
        'auditor',
        `/v1/verifications/${sessionId}/explanation`,
      );
      expect(explanation.body.vendorFallbacks).toEqual([
        expect.objectContaining({ from: 'persona', to: 'sumsub' }),
      ]);

      const other = await consentAndStart(api);
      sumsub.down();
      const none = await api.post<Body>(
        'operator',
        `/v1/verifications/${other.sessionId}/vendor-session`,
        {},
      );
      expect(none.status).toBe(503);
      expect(none.body).toMatchObject({ code: 'vendor_unavailable' });
    } finally {
      persona.up();
      sumsub.up();
    }
  });
});
