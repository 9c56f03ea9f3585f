import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type PrincipalName, type TestApp } from '../support/app';
import { client } from '../support/http';
import { consentAndStart, vendorResult } from '../support/journey';
import { eventually, until } from '../support/poll';
import { startOnfidoStandIn, type OnfidoStandIn } from '../support/vendors/onfido';
import { startPersonaStandIn, type PersonaStandIn } from '../support/vendors/persona';
import type { RecordedRequest } from '../support/vendors/stand-in-server';
import { startVeriffStandIn, type VeriffStandIn } from '../support/vendors/veriff';
import {
  deliver,
  FIXTURE_PII,
  fixture,
  hmacHex,
  signedHeaders,
  WEBHOOK_ENV,
  WEBHOOK_SECRETS,
  type WebhookResponse,
} from '../support/webhook-signing';

const CREDENTIALS = {
  onfido: 'api_live.onfido-standin-token',
  veriffKey: 'veriff-standin-key',
  persona: { apiKey: 'persona_sandbox_standin', templateId: 'itmpl_StandIn123' },
};

type Body = Record<string, unknown>;
type FetchingVendor = 'persona' | 'veriff';

interface Citation {
  readonly eventId: string;
}

interface ExplainedResult {
  readonly vendor: string;
  readonly vendorEventId: string;
  readonly fetched: {
    readonly objectId: string;
    readonly operation: string;
    readonly vendorRequestId: string | null;
    readonly fetchedAt: string;
    readonly proof: Citation;
  } | null;
  readonly proof: Citation;
}

interface Explanation {
  readonly summary: string;
  readonly vendorResults: readonly ExplainedResult[];
  readonly timeline: readonly { readonly type: string; readonly proof: Citation }[];
}

interface ParkedView {
  readonly vendor: string;
  readonly vendorEventId: string;
  readonly eventType: string;
  readonly reason: string;
  readonly status: string;
  readonly resolvedSessionId?: string;
}

/** The event types that decide (or ask a person to decide) after a result is counted. */
const DECISION_EVENTS = [
  'VerificationApproved',
  'VerificationRejected',
  'ReviewRequested',
  'ResubmissionRequested',
];

/** Every file the service wrote (event store, read models, parked deliveries) as one string of bytes. */
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

/** The stand-in's answers to the fetch of one object, faults included, oldest first. */
function fetchesOf(requests: readonly RecordedRequest[], route: string, objectId: string): RecordedRequest[] {
  return requests.filter((r) => r.route === route && r.path.includes(objectId));
}

const FETCH_ROUTE: Record<FetchingVendor, string> = { persona: 'getInquiry', veriff: 'getDecision' };
const FETCH_OPERATION: Record<FetchingVendor, string> = {
  persona: 'retrieve_inquiry',
  veriff: 'get_decision',
};

/**
 * Results a vendor's webhook only announces (Onfido `check.completed`, a Persona event without its verifications,
 * a Veriff `submitted` event) are fetched from the vendor's API by the `vendor-result-fetcher` worker and recorded
 * with where they came from (`VendorResultFetched`): real app over HTTP, the vendors' API stand-ins, signed
 * webhooks.
 */
describe('results fetched from the vendor when a webhook only announces them', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let onfido: OnfidoStandIn;
  let veriff: VeriffStandIn;
  let persona: PersonaStandIn;
  /** Every answer the API gave in these tests, for the personal-data check. */
  const answers: string[] = [];
  /** The vendors' request ids the ledger cited for its fetches. */
  const cited: string[] = [];

  beforeAll(async () => {
    onfido = await startOnfidoStandIn({ apiToken: CREDENTIALS.onfido });
    // Veriff signs its API calls and its webhooks with one shared secret key: the test app's webhook secret.
    veriff = await startVeriffStandIn({ apiKey: CREDENTIALS.veriffKey });
    persona = await startPersonaStandIn({
      apiKey: CREDENTIALS.persona.apiKey,
      templateIds: [CREDENTIALS.persona.templateId],
    });
    t = await startTestApp(
      {
        ...WEBHOOK_ENV,
        ONFIDO_API_TOKEN: CREDENTIALS.onfido,
        ONFIDO_API_URL: onfido.apiBase,
        VERIFF_API_KEY: CREDENTIALS.veriffKey,
        VERIFF_API_SECRET: WEBHOOK_SECRETS.veriff,
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
    await Promise.all([onfido.close(), veriff.close(), persona.close()]);
  });

  async function read<T>(as: PrincipalName, path: string): Promise<T> {
    const res = await api.get<T>(as, path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    answers.push(JSON.stringify(res.body));
    return res.body;
  }

  async function post(
    vendor: string,
    body: Buffer,
    headers: Record<string, string>,
  ): Promise<WebhookResponse> {
    const res = await deliver(t, vendor, body, headers);
    answers.push(res.text);
    return res;
  }

  const explanation = (sessionId: string): Promise<Explanation> =>
    read<Explanation>('auditor', `/v1/verifications/${sessionId}/explanation`);

  const types = async (sessionId: string): Promise<string[]> =>
    (await explanation(sessionId)).timeline.map((entry) => entry.type);

  async function parked(vendor: string, eventId: (id: string) => boolean): Promise<ParkedView | undefined> {
    const page = await read<{ items: ParkedView[] }>(
      'admin',
      `/v1/webhooks/parked?vendor=${vendor}&limit=500`,
    );
    return page.items.find((item) => eventId(item.vendorEventId));
  }

  /** `kyc_ledger_vendor_queued_calls{vendor, operation="fetch_result"}` as the metrics endpoint says it. */
  async function queuedFetches(vendor: string): Promise<number | undefined> {
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('kyc_ledger_vendor_queued_calls{') &&
          l.includes(`vendor="${vendor}"`) &&
          l.includes('operation="fetch_result"'),
      );
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  }

  /** A verification session with a vendor session opened through the API (so the ledger knows its reference). */
  async function openAt(
    vendor: 'persona' | 'veriff' | 'onfido',
  ): Promise<{ sessionId: string; reference: string }> {
    const { sessionId } = await consentAndStart(api);
    const res = await api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, {
      vendor,
      ...(vendor === 'onfido' ? { applicant: { firstName: 'Erika', lastName: 'Mustermann' } } : {}),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return { sessionId, reference: res.body.vendorReference as string };
  }

  /** The Persona verifications the stand-in holds for an inquiry (as `include=verifications` answers them). */
  function personaVerificationsOf(inquiryId: string): unknown[] {
    return [...persona.verifications.values()].filter(
      (v) => (v.relationships?.inquiry?.data as { id?: string } | undefined)?.id === inquiryId,
    );
  }

  /** Finishes the person's flow at the vendor and prepares the webhook that only announces the result. */
  function completeAndAnnounce(
    vendor: FetchingVendor,
    reference: string,
    sessionId: string,
  ): { body: Buffer; headers: Record<string, string>; fullDecision: () => Promise<WebhookResponse> } {
    if (vendor === 'persona') {
      const event = persona.decide(reference, {
        status: 'completed',
        verifications: [
          { type: 'verification/government-id', status: 'passed' },
          {
            type: 'verification/selfie',
            status: 'failed',
            checks: [{ name: 'selfie_id_comparison', status: 'failed' }],
          },
        ],
        includeVerifications: false,
      });
      return {
        body: event.webhookBody,
        headers: event.webhookHeaders,
        // The same Persona event carrying its verifications (as a webhook configured to include them sends it).
        fullDecision: () => {
          const full = JSON.parse(event.webhookBody.toString('utf8')) as {
            data: { attributes: { payload: Body } };
          };
          full.data.attributes.payload.included = personaVerificationsOf(reference);
          const body = Buffer.from(JSON.stringify(full), 'utf8');
          return post('persona', body, signedHeaders('persona', body));
        },
      };
    }
    const decision = veriff.decide(reference, { status: 'declined', reasonCode: 103 });
    const body = fixture('veriff/event-submitted.json', { vendorReference: reference, sessionId });
    return {
      body,
      headers: signedHeaders('veriff', body),
      fullDecision: () => post('veriff', decision.webhookBody, decision.webhookHeaders),
    };
  }

  /** The announcement's parked row: Persona by its event id, Veriff (no event id) by its session id. */
  function announcementId(vendor: FetchingVendor, body: Buffer, reference: string): (id: string) => boolean {
    if (vendor === 'veriff') return (id) => id.startsWith('event:') && id.includes(reference);
    const eventId = (JSON.parse(body.toString('utf8')) as { data: { id: string } }).data.id;
    return (id) => id === eventId;
  }

  for (const vendor of ['persona', 'veriff'] as const) {
    it(`${vendor}: fetches the result an announcing webhook names, records where it came from, and explains it`, async () => {
      const { sessionId, reference } = await openAt(vendor);
      // The screening the identity vendor does not cover, so that its result completes what the policy needs.
      await vendorResult(api, sessionId, [{ kind: 'sanctions', result: 'clear' }]);
      const announced = completeAndAnnounce(vendor, reference, sessionId);
      const res = await post(vendor, announced.body, announced.headers);
      expect(res.status, res.text).toBe(202);
      expect(res.body).toMatchObject({ status: 'parked' });

      await until(async () => (await types(sessionId)).includes('VendorResultFetched'), 'the fetched result');
      const timeline = await types(sessionId);
      const at = timeline.indexOf('VendorResultFetched');
      expect(timeline[at + 1], timeline.join(', ')).toBe('VendorResultReceived');
      expect(timeline[at + 2]).toBe('DecisionEvaluated');
      expect(DECISION_EVENTS, timeline.join(', ')).toContain(timeline[at + 3]);

      // The one call the stand-in answered for this object is the one the ledger cites.
      const calls = fetchesOf(
        vendor === 'persona' ? persona.requests : veriff.requests,
        FETCH_ROUTE[vendor],
        reference,
      );
      expect(calls).toHaveLength(1);
      const requestId = calls[0]?.requestId ?? '';
      expect(requestId).not.toBe('');
      cited.push(requestId);

      const explained = await explanation(sessionId);
      const fetchedEntry = explained.timeline.find((entry) => entry.type === 'VendorResultFetched');
      expect(explained.vendorResults.filter((r) => r.vendor === vendor)).toEqual([
        expect.objectContaining({
          vendor,
          fetched: {
            objectId: reference,
            operation: FETCH_OPERATION[vendor],
            vendorRequestId: requestId,
            fetchedAt: expect.any(String),
            proof: expect.objectContaining({ eventId: fetchedEntry?.proof.eventId }),
          },
        }),
      ]);
      const result = explained.vendorResults.find((r) => r.vendor === vendor);
      expect(explained.summary).toContain(
        `Result ${result?.vendorEventId} fetched from ${vendor} ${reference} at ${result?.fetched?.fetchedAt}, request id ${requestId}.`,
      );

      const row = await parked(vendor, announcementId(vendor, announced.body, reference));
      expect(row).toMatchObject({
        status: 'resolved',
        resolvedSessionId: sessionId,
        reason: 'result_not_in_payload',
        eventType: vendor === 'persona' ? 'inquiry.completed' : 'event.submitted',
      });
    });
  }

  it('onfido: the Check a check.completed announces is recorded with VendorResultFetched and cited by its request id', async () => {
    const { sessionId, reference: applicantId } = await openAt('onfido');
    const completed = onfido.completeCheck(applicantId, {
      reports: [
        { name: 'document', result: 'clear', subResult: 'clear', properties: { first_name: 'Erika' } },
        { name: 'facial_similarity_photo', result: 'consider' },
      ],
    });
    const res = await post('onfido', completed.webhookBody, completed.webhookHeaders);
    expect(res.status, res.text).toBe(202);
    await until(async () => (await types(sessionId)).includes('VendorResultReceived'), 'the fetched result');
    const timeline = await types(sessionId);
    const at = timeline.indexOf('VendorResultFetched');
    expect(timeline[at + 1], timeline.join(', ')).toBe('VendorResultReceived');
    const [getCheck] = fetchesOf(onfido.requests, 'getCheck', completed.checkId);
    const explained = await explanation(sessionId);
    expect(explained.vendorResults[0]?.fetched).toMatchObject({
      objectId: completed.checkId,
      operation: 'find_check',
      vendorRequestId: getCheck?.requestId,
    });
    expect(explained.summary).toContain(`fetched from onfido ${completed.checkId} at `);
    expect(explained.summary).toContain(`request id ${getCheck?.requestId}.`);
  });

  for (const vendor of ['persona', 'veriff'] as const) {
    it(`${vendor}: an announcement delivered twice is fetched once, and the full decision webhook after it records nothing`, async () => {
      const { sessionId, reference } = await openAt(vendor);
      const announced = completeAndAnnounce(vendor, reference, sessionId);
      const [first, second] = await Promise.all([
        post(vendor, announced.body, announced.headers),
        post(vendor, announced.body, announced.headers),
      ]);
      expect([first.status, second.status]).toEqual([202, 202]);
      await until(
        async () => (await types(sessionId)).includes('VendorResultReceived'),
        'the fetched result',
      );
      await until(
        async () =>
          (await parked(vendor, announcementId(vendor, announced.body, reference)))?.status === 'resolved',
        'the announcement resolved',
      );
      const before = await types(sessionId);

      // After the fetch: the announcement once more, then the decision webhook carrying the same vendor event.
      expect((await post(vendor, announced.body, announced.headers)).status).toBe(202);
      const full = await announced.fullDecision();
      expect(full.status, full.text).toBe(200);
      expect(full.body).toMatchObject({ status: 'duplicate' });

      // Another session's announcement after these: once it is recorded, the rounds woken above have passed.
      const later = await openAt(vendor);
      const next = completeAndAnnounce(vendor, later.reference, later.sessionId);
      expect((await post(vendor, next.body, next.headers)).status).toBe(202);
      await until(
        async () => (await types(later.sessionId)).includes('VendorResultReceived'),
        'a later result',
      );

      const requests = vendor === 'persona' ? persona.requests : veriff.requests;
      expect(fetchesOf(requests, FETCH_ROUTE[vendor], reference)).toHaveLength(1);
      const after = await types(sessionId);
      expect(after).toEqual(before);
      expect(after.filter((type) => type === 'VendorResultFetched')).toHaveLength(1);
      expect(after.filter((type) => type === 'VendorResultReceived')).toHaveLength(1);
      expect(await parked(vendor, announcementId(vendor, announced.body, reference))).toMatchObject({
        status: 'resolved',
      });
    });
  }

  it('keeps an announcement parked while the vendor has not decided, counted as a queued fetch, and records it once decided', async () => {
    const p = await openAt('persona');
    const v = await openAt('veriff');
    // Persona announces the inquiry completed before its verifications are in (the stand-in still has it pending).
    const now = new Date().toISOString();
    const eventId = `evt_notYetDecided${p.reference.slice(4, 20)}`;
    const personaBody = Buffer.from(
      JSON.stringify({
        data: {
          type: 'event',
          id: eventId,
          attributes: {
            name: 'inquiry.completed',
            'created-at': now,
            payload: {
              data: {
                type: 'inquiry',
                id: p.reference,
                attributes: { status: 'completed', 'reference-id': p.sessionId },
              },
            },
          },
        },
      }),
      'utf8',
    );
    const veriffBody = fixture('veriff/event-submitted.json', {
      vendorReference: v.reference,
      sessionId: v.sessionId,
    });
    expect((await post('persona', personaBody, signedHeaders('persona', personaBody))).status).toBe(202);
    expect((await post('veriff', veriffBody, signedHeaders('veriff', veriffBody))).status).toBe(202);

    // Each vendor was asked and said "not yet": the deliveries wait, counted, and nothing is recorded.
    await until(
      () =>
        fetchesOf(persona.requests, 'getInquiry', p.reference).length > 0 &&
        fetchesOf(veriff.requests, 'getDecision', v.reference).length > 0,
      'the vendors asked',
    );
    expect(await parked('persona', (id) => id === eventId)).toMatchObject({
      status: 'parked',
      reason: 'result_not_in_payload',
    });
    expect(await parked('veriff', announcementId('veriff', veriffBody, v.reference))).toMatchObject({
      status: 'parked',
      reason: 'result_not_in_payload',
    });
    expect(await queuedFetches('persona')).toBe(1);
    expect(await queuedFetches('veriff')).toBe(1);
    for (const sessionId of [p.sessionId, v.sessionId]) {
      expect(await types(sessionId)).not.toContain('VendorResultReceived');
    }

    // The vendors decide (no webhook this time): the next round fetches and records.
    persona.decide(p.reference, {
      status: 'completed',
      verifications: [{ type: 'verification/government-id', status: 'passed' }],
      includeVerifications: false,
    });
    veriff.decide(v.reference, { status: 'review' });
    for (const sessionId of [p.sessionId, v.sessionId]) {
      await until(
        async () => (await types(sessionId)).includes('VendorResultReceived'),
        'the decided result',
        {
          timeoutMs: 15_000,
        },
      );
      const timeline = await types(sessionId);
      expect(timeline.filter((type) => type.startsWith('VendorResult'))).toEqual([
        'VendorResultFetched',
        'VendorResultReceived',
      ]);
    }
    expect(await parked('persona', (id) => id === eventId)).toMatchObject({
      status: 'resolved',
      resolvedSessionId: p.sessionId,
    });
    expect(await queuedFetches('persona')).toBe(0);
    expect(await queuedFetches('veriff')).toBe(0);
  });

  for (const vendor of ['persona', 'veriff'] as const) {
    it(`${vendor}: a failing fetch (503, HTML page, broken JSON) leaves the announcement parked and nothing recorded; recorded once the vendor answers`, async () => {
      const { sessionId, reference } = await openAt(vendor);
      const before = await types(sessionId);
      const stand = vendor === 'persona' ? persona : veriff;
      const route = FETCH_ROUTE[vendor];
      // One round's call and its two retries, each failing differently.
      stand.faults.enqueue(route, { status: 503 }, { htmlError: true }, { malformedJson: true });
      const announced = completeAndAnnounce(vendor, reference, sessionId);
      expect((await post(vendor, announced.body, announced.headers)).status).toBe(202);

      const failed = await eventually(
        () => fetchesOf(stand.requests, route, reference),
        (calls) => calls.length >= 3,
        'the three failed attempts',
      );
      expect(failed.slice(0, 3).map((r) => r.fault)).toEqual([
        { status: 503 },
        { htmlError: true },
        { malformedJson: true },
      ]);
      // The failed round left everything as it was (the next round is a few seconds away: nothing wakes it).
      expect(await parked(vendor, announcementId(vendor, announced.body, reference))).toMatchObject({
        status: 'parked',
        reason: 'result_not_in_payload',
      });
      expect(await types(sessionId)).toEqual(before);
      expect(fetchesOf(stand.requests, route, reference)).toHaveLength(3);

      await until(
        async () => (await types(sessionId)).includes('VendorResultReceived'),
        'the result after recovery',
        {
          timeoutMs: 15_000,
        },
      );
      const calls = fetchesOf(stand.requests, route, reference);
      expect(calls).toHaveLength(4);
      const timeline = await types(sessionId);
      expect(timeline.filter((type) => type === 'VendorResultReceived')).toHaveLength(1);
      expect(timeline.filter((type) => type === 'VendorResultFetched')).toHaveLength(1);
      const explained = await explanation(sessionId);
      expect(explained.vendorResults[0]?.fetched?.vendorRequestId).toBe(calls[3]?.requestId);
      expect(explained.summary).not.toMatch(/<html|DOCTYPE/i);
      expect(await parked(vendor, announcementId(vendor, announced.body, reference))).toMatchObject({
        status: 'resolved',
        resolvedSessionId: sessionId,
      });
    });
  }

  for (const vendor of ['persona', 'veriff'] as const) {
    it(`${vendor}: a fetched object that is not what the vendor documents is parked as unrecognised_payload, nothing recorded`, async () => {
      const { sessionId, reference } = await openAt(vendor);
      const before = await types(sessionId);
      let announced: { body: Buffer; headers: Record<string, string> };
      if (vendor === 'persona') {
        announced = completeAndAnnounce(vendor, reference, sessionId);
        // The inquiry answers 200 with a status Persona does not document.
        const inquiry = persona.inquiries.get(reference);
        if (inquiry === undefined) throw new Error('the stand-in lost the inquiry');
        inquiry.attributes.status = 'teleported';
      } else {
        // The decision answers 200 without its decision time (nor acceptance time).
        veriff.decide(reference, { status: 'approved', extra: { decisionTime: null, acceptanceTime: null } });
        const body = fixture('veriff/event-submitted.json', { vendorReference: reference, sessionId });
        announced = { body, headers: signedHeaders('veriff', body) };
      }
      expect((await post(vendor, announced.body, announced.headers)).status).toBe(202);
      const row = await eventually(
        () => parked(vendor, announcementId(vendor, announced.body, reference)),
        (r) => r?.reason === 'unrecognised_payload',
        'the announcement re-parked as unrecognised',
      );
      expect(row).toMatchObject({ status: 'parked', reason: 'unrecognised_payload' });
      expect(await types(sessionId)).toEqual(before);
      expect(await queuedFetches(vendor)).toBe(0);
      expect(
        fetchesOf(vendor === 'persona' ? persona.requests : veriff.requests, FETCH_ROUTE[vendor], reference),
      ).toHaveLength(1);
    });
  }

  it('keeps none of the personal data the vendors returned: not in the stored bytes, an API answer or the log', async () => {
    // What the ledger fetched did hold personal data: the same objects, asked for as the ledger asks.
    const inquiryId = persona.requests.find((r) => r.route === 'getInquiry' && r.fault === undefined)?.path;
    const inquiry = await fetch(`${persona.baseUrl}${inquiryId ?? '/'}`, {
      headers: { authorization: `Bearer ${CREDENTIALS.persona.apiKey}` },
    });
    const decisionPath = veriff.requests.find(
      (r) => r.route === 'getDecision' && r.fault === undefined,
    )?.path;
    const veriffId = decisionPath?.split('/')[3] ?? '';
    const decision = await fetch(`${veriff.baseUrl}${decisionPath ?? '/'}`, {
      headers: {
        'x-auth-client': CREDENTIALS.veriffKey,
        'x-hmac-signature': hmacHex('sha256', WEBHOOK_SECRETS.veriff, veriffId),
      },
    });
    expect(await inquiry.text()).toMatch(/Mustermann.*T22000129/s);
    expect(await decision.text()).toMatch(/MUSTERMANN.*T22000129/s);

    const stored = everythingStored(t.dataDir);
    // The scan reads what the ledger stored: the vendors' request ids it cites are there in clear.
    expect(cited.length).toBeGreaterThan(0);
    for (const requestId of cited) expect(stored).toContain(requestId);
    expect(answers.length).toBeGreaterThan(20);
    const said = answers.join('\n');
    const logged = t.logLines().join('\n');
    // The log was captured: the failed fetches above are in it (class only, never the answer).
    expect(logged).toContain('fetching an announced persona result failed');
    for (const pii of FIXTURE_PII) {
      expect(stored.includes(pii), `${pii} stored`).toBe(false);
      expect(said.includes(pii), `${pii} in an answer`).toBe(false);
      expect(logged.includes(pii), `${pii} logged`).toBe(false);
    }
  });
});

/**
 * One announcement the vendor refuses for good (404: it does not know the object) is that delivery's problem,
 * not the vendor's: the results announced after it are still fetched.
 */
describe('an announcement the vendor refuses does not hold back the others', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let persona: PersonaStandIn;

  beforeAll(async () => {
    persona = await startPersonaStandIn({
      apiKey: CREDENTIALS.persona.apiKey,
      templateIds: [CREDENTIALS.persona.templateId],
    });
    t = await startTestApp({
      ...WEBHOOK_ENV,
      PERSONA_API_KEY: CREDENTIALS.persona.apiKey,
      PERSONA_TEMPLATE_ID: CREDENTIALS.persona.templateId,
      PERSONA_API_URL: persona.baseUrl,
      VENDOR_TIMEOUT_MS: '2000',
    });
    api = client(t);
  });

  afterAll(async () => {
    await t.close();
    await persona.close();
  });

  it('records a later Persona result while an earlier announcement names an inquiry Persona answers 404 for', async () => {
    const unknown = await consentAndStart(api);
    const ghost = 'inq_NoSuchInquiryAtPersona0000000';
    const body = Buffer.from(
      JSON.stringify({
        data: {
          type: 'event',
          id: 'evt_AnnouncesAnInquiryPersonaLost',
          attributes: {
            name: 'inquiry.completed',
            'created-at': new Date().toISOString(),
            payload: {
              data: {
                type: 'inquiry',
                id: ghost,
                attributes: { status: 'completed', 'reference-id': unknown.sessionId },
              },
            },
          },
        },
      }),
      'utf8',
    );
    expect((await deliver(t, 'persona', body, signedHeaders('persona', body))).status).toBe(202);
    await until(
      () => fetchesOf(persona.requests, 'getInquiry', ghost).length > 0,
      'the lost inquiry asked for',
    );

    const { sessionId } = await consentAndStart(api);
    const opened = await api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, {
      vendor: 'persona',
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    const event = persona.decide(opened.body.vendorReference as string, {
      status: 'completed',
      verifications: [{ type: 'verification/government-id', status: 'passed' }],
      includeVerifications: false,
    });
    expect((await event.webhook(`${t.baseUrl}/v1/webhooks/persona`)).status).toBe(202);
    await until(async () => {
      const res = await api.get<{ timeline: { type: string }[] }>(
        'auditor',
        `/v1/verifications/${sessionId}/explanation`,
      );
      return res.body.timeline.some((entry) => entry.type === 'VendorResultFetched');
    }, 'the later result fetched');
    // The refused one is still kept, waiting (Persona may yet know the inquiry); the other is resolved.
    const page = await api.get<{ items: ParkedView[] }>('admin', '/v1/webhooks/parked?vendor=persona');
    expect(page.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          vendorEventId: 'evt_AnnouncesAnInquiryPersonaLost',
          status: 'parked',
          reason: 'result_not_in_payload',
        }),
        expect.objectContaining({
          eventType: 'inquiry.completed',
          status: 'resolved',
          resolvedSessionId: sessionId,
        }),
      ]),
    );
  });
});
