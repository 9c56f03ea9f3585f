import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { CONSENT, consentAndStart, newSubjectId } from '../support/journey';
import { policyDirWithNotices } from '../support/policy-dir';
import { eventually, until } from '../support/poll';
import { startPersonaStandIn, type PersonaStandIn } from '../support/vendors/persona';
import { startSumsubStandIn, type SumsubStandIn } from '../support/vendors/sumsub';

const CREDENTIALS = {
  sumsub: { appToken: 'sbx:sumsub-standin-token', secretKey: 'sumsub-standin-secret' },
  persona: { apiKey: 'persona_sandbox_standin', templateId: 'itmpl_StandIn123' },
};

function vendorEnv(sumsub: SumsubStandIn, persona: PersonaStandIn): Record<string, string> {
  return {
    SUMSUB_APP_TOKEN: CREDENTIALS.sumsub.appToken,
    SUMSUB_SECRET_KEY: CREDENTIALS.sumsub.secretKey,
    SUMSUB_API_URL: sumsub.baseUrl,
    PERSONA_API_KEY: CREDENTIALS.persona.apiKey,
    PERSONA_TEMPLATE_ID: CREDENTIALS.persona.templateId,
    PERSONA_API_URL: persona.baseUrl,
    VENDOR_TIMEOUT_MS: '2000',
  };
}

/**
 * Once the breaker of a vendor has opened (5 consecutive failed calls, counting the dispatcher's), it lets one call
 * try after 30 s, and the dispatcher looks every 5 s: a queued session may take that long to open.
 */
const RECOVERY = { timeoutMs: 45_000, intervalMs: 100 };

type Body = Record<string, unknown>;
type Vendor = 'sumsub' | 'persona';

interface TimelineEntry {
  readonly type: string;
  readonly actor: { readonly kind: string; readonly id: string };
}

/** Every file the service wrote (event store, read models, keys) as one string of bytes. */
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
 * Makes every call to the stand-in fail with 503 (more than any number of retries, client calls and dispatcher
 * rounds a test makes while it waits) until the returned function clears the faults.
 */
function outage(standIn: SumsubStandIn | PersonaStandIn): () => void {
  standIn.faults.enqueue('*', ...Array.from({ length: 200 }, () => ({ status: 503 })));
  return () => {
    standIn.faults.clear();
  };
}

async function metric(t: TestApp, sample: string): Promise<number | undefined> {
  const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

/** The HTTP views of one app that the tests below read. */
function views(t: TestApp) {
  const api = client(t);
  return {
    api,
    openSession: (sessionId: string, body: Body = {}) =>
      api.post<Body>('operator', `/v1/verifications/${sessionId}/vendor-session`, body),
    status: async (sessionId: string): Promise<Body> => {
      const res = await api.get<Body>('operator', `/v1/verifications/${sessionId}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },
    timeline: async (sessionId: string): Promise<TimelineEntry[]> => {
      const res = await api.get<{ entries: TimelineEntry[] }>(
        'auditor',
        `/v1/verifications/${sessionId}/timeline`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.entries;
    },
    explanation: async (sessionId: string) => {
      const res = await api.get<{
        summary: string;
        waitingFor: string | null;
        vendorFallbacks: Body[];
        vendorQueued: Body[];
      }>('auditor', `/v1/verifications/${sessionId}/explanation`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    },
    /** The value of one sample of `/metrics`, named with its labels as exposed. */
    metric: (sample: string) => metric(t, sample),
    /** `kyc_ledger_vendor_queued_calls{vendor, operation="open_session"}`. */
    queuedCalls: (vendor: Vendor) =>
      metric(t, `kyc_ledger_vendor_queued_calls{vendor="${vendor}",operation="open_session"}`),
    /** The session's events in the ledger, in order. */
    events: async (sessionId: string): Promise<{ type: string; data: Body }[]> =>
      (await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-verification-${sessionId}`)).map((e) => ({
        type: e.type,
        data: e.data,
      })),
  };
}

const count = (events: readonly { type: string }[], type: string): number =>
  events.filter((e) => e.type === type).length;

/**
 * No vendor the session may use answers: the session is queued (`waiting_for_vendor`), the caller gets 503, and
 * the vendor dispatcher opens it by itself once the vendor is back — once, with one vendor object.
 */
describe('a vendor outage without fallback', () => {
  let t: TestApp;
  let sumsub: SumsubStandIn;
  let persona: PersonaStandIn;
  let v: ReturnType<typeof views>;

  beforeAll(async () => {
    sumsub = await startSumsubStandIn({ ...CREDENTIALS.sumsub });
    persona = await startPersonaStandIn({
      apiKey: CREDENTIALS.persona.apiKey,
      templateIds: [CREDENTIALS.persona.templateId],
    });
    t = await startTestApp(vendorEnv(sumsub, persona));
    v = views(t);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([sumsub.close(), persona.close()]);
  });

  /** The vendor objects the stand-in holds for a session (Sumsub applicants, Persona inquiries). */
  const objectsOf = (vendor: Vendor, sessionId: string): string[] =>
    vendor === 'sumsub'
      ? [...sumsub.applicants.values()].filter((a) => a.externalUserId === sessionId).map((a) => a.id)
      : [...persona.inquiries.values()]
          .filter((i) => i.attributes['reference-id'] === sessionId)
          .map((i) => i.id);

  const standIn = (vendor: Vendor): SumsubStandIn | PersonaStandIn =>
    vendor === 'sumsub' ? sumsub : persona;

  it.each<Vendor>(['sumsub', 'persona'])(
    '%s down: 503 and queued once; opened by the dispatcher when it is back, then the client gets the same object',
    async (vendor) => {
      const { sessionId } = await consentAndStart(v.api);
      const before = await v.status(sessionId);
      expect(before.vendorStatus).toBeUndefined();

      const restore = outage(standIn(vendor));
      try {
        const down = await v.openSession(sessionId, { vendor });
        expect(down.status).toBe(503);
        expect(down.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(down.body).toMatchObject({ status: 503, code: 'vendor_unavailable' });
        expect(Number(down.headers.get('retry-after'))).toBeGreaterThan(0);

        const waiting = await eventually(
          () => v.status(sessionId),
          (s) => s.vendorStatus === 'waiting_for_vendor',
          'the session shown waiting for the vendor',
        );
        expect(waiting).toMatchObject({
          status: before.status,
          vendorStatus: 'waiting_for_vendor',
          messageCode: 'VENDOR_DELAYED',
        });
        expect(Date.parse(String(waiting.waitingSince))).not.toBeNaN();
        const explained = await v.explanation(sessionId);
        expect(explained.vendorQueued).toEqual([
          expect.objectContaining({ vendor, reason: 'vendor_unavailable', messageCode: 'VENDOR_DELAYED' }),
        ]);
        expect(explained.waitingFor).toContain(vendor);

        // The person's app asks again while the vendor still fails: still 503, and not queued a second time.
        const again = await v.openSession(sessionId, { vendor });
        expect(again.status).toBe(503);
        expect(again.body).toMatchObject({ code: 'vendor_unavailable' });
        expect(count(await v.events(sessionId), 'VendorSessionQueued')).toBe(1);
        expect(await v.queuedCalls(vendor)).toBe(1);
        expect(objectsOf(vendor, sessionId)).toEqual([]);
      } finally {
        restore();
      }

      // No client call from here on: the dispatcher notices the vendor is back.
      const opened = await eventually(
        () => v.status(sessionId),
        (s) => s.vendorStatus === undefined,
        'the dispatcher to open the queued session',
        RECOVERY,
      );
      expect(opened.status).toBe(before.status);
      expect(opened.messageCode).toBeUndefined();
      expect(opened.waitingSince).toBeUndefined();
      const [reference, ...more] = objectsOf(vendor, sessionId);
      expect(reference).toBeDefined();
      expect(more).toEqual([]);
      const timeline = await eventually(
        () => v.timeline(sessionId),
        (entries) => entries.some((e) => e.type === 'VendorSessionOpened'),
        'the opening on the timeline',
      );
      expect(timeline.filter((e) => e.type === 'VendorSessionOpened')).toEqual([
        expect.objectContaining({
          actor: expect.objectContaining({ kind: 'system', id: 'vendor-dispatcher' }),
        }),
      ]);
      expect(await v.queuedCalls(vendor)).toBe(0);

      // The client's next call is answered from the object the dispatcher opened: no second create.
      const back = await v.openSession(sessionId, { vendor });
      expect(back.status, JSON.stringify(back.body)).toBe(200);
      expect(back.body).toMatchObject({ vendor, vendorReference: reference });
      const secret = vendor === 'sumsub' ? back.body.clientToken : back.body.url;
      expect(typeof secret).toBe('string');
      expect(objectsOf(vendor, sessionId)).toEqual([reference]);
      const events = await v.events(sessionId);
      expect(count(events, 'VendorSessionOpened')).toBe(1);
      expect(count(events, 'VendorSessionQueued')).toBe(1);
      expect((await v.explanation(sessionId)).waitingFor ?? '').not.toContain('waiting_for_vendor');
      // The credential was in the answer only: neither the ledger nor a read model holds it.
      expect(everythingStored(t.dataDir).includes(secret as string)).toBe(false);
    },
    90_000,
  );

  it('opens every session queued during one outage, each with exactly one vendor object, also after the breaker opened', async () => {
    const sessions = await Promise.all(Array.from({ length: 5 }, () => consentAndStart(v.api)));
    const ids = sessions.map((s) => s.sessionId);
    const restore = outage(sumsub);
    try {
      const answers = await Promise.all(ids.map((id) => v.openSession(id, { vendor: 'sumsub' })));
      expect(answers.map((a) => a.status)).toEqual(ids.map(() => 503));
      await until(async () => (await v.queuedCalls('sumsub')) === 5, 'five sessions queued');
      for (const id of ids) expect(count(await v.events(id), 'VendorSessionQueued')).toBe(1);
      // Five failed calls in a row: the breaker is open, so only the dispatcher's own try after its open time
      // can find the vendor back (no client calls below).
      expect(await v.metric('kyc_ledger_vendor_breaker_open{vendor="sumsub"}')).toBe(1);
    } finally {
      restore();
    }

    await until(
      async () =>
        (await Promise.all(ids.map((id) => v.status(id)))).every((s) => s.vendorStatus === undefined),
      'the dispatcher to open every queued session',
      RECOVERY,
    );
    for (const id of ids) {
      expect(objectsOf('sumsub', id)).toHaveLength(1);
      expect(count(await v.events(id), 'VendorSessionOpened')).toBe(1);
    }
    expect(await v.queuedCalls('sumsub')).toBe(0);
    const answers = await Promise.all(ids.map((id) => v.openSession(id, { vendor: 'sumsub' })));
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    expect(answers.map((a) => a.body.vendorReference)).toEqual(ids.map((id) => objectsOf('sumsub', id)[0]));
    for (const id of ids) expect(objectsOf('sumsub', id)).toHaveLength(1);
    const stored = everythingStored(t.dataDir);
    for (const answer of answers) {
      expect(typeof answer.body.clientToken).toBe('string');
      expect(stored.includes(answer.body.clientToken as string)).toBe(false);
    }
  }, 90_000);
});

/**
 * A policy version with temporary fallback rules: while Sumsub (the only vendor of the regular order) is down,
 * Persona may stand in for the sessions a rule covers, until the rule's expiry.
 */
describe('a vendor outage under a temporary fallback rule of the policy', () => {
  let t: TestApp;
  let sumsub: SumsubStandIn;
  let persona: PersonaStandIn;
  let v: ReturnType<typeof views>;
  // The app's clock, so that a rule can be seen to expire; the stand-ins allow its skew.
  const clock = new ManualClock(new Date());
  /** The new version takes effect yesterday (after the shipped 2026-12-01), so that it is the one in force. */
  const effectiveFrom = new Date(clock.now().getTime() - 86_400_000).toISOString().slice(0, 10);
  const retailUntil = new Date(Date.parse(effectiveFrom) + 60 * 86_400_000).toISOString();
  const businessUntil = new Date(clock.now().getTime() + 3_600_000).toISOString();

  beforeAll(async () => {
    sumsub = await startSumsubStandIn({ ...CREDENTIALS.sumsub, maxClockSkewSeconds: 86_400 });
    persona = await startPersonaStandIn({
      apiKey: CREDENTIALS.persona.apiKey,
      templateIds: [CREDENTIALS.persona.templateId],
    });
    const policyDir = policyDirWithNotices([]);
    const shipped = readFileSync(join(policyDir, 'kyc-default', '2026-12-01.yaml'), 'utf8');
    const vendors = {
      vendors: {
        order: ['sumsub'],
        temporaryFallbacks: [
          {
            id: 'sumsub-outage',
            when: 'sumsub',
            use: 'persona',
            segments: ['retail'],
            tiers: ['standard'],
            until: retailUntil,
            reason: 'Sumsub incident: standard retail sessions may verify at Persona meanwhile',
          },
          {
            id: 'sumsub-outage-gb-business',
            when: 'sumsub',
            use: 'persona',
            segments: ['business'],
            tiers: ['standard'],
            jurisdictions: ['GB'],
            until: businessUntil,
            reason: 'Sumsub incident: GB business representatives for one hour',
          },
        ],
      },
    };
    writeFileSync(
      join(policyDir, 'kyc-default', `${effectiveFrom}.yaml`),
      shipped
        .replace(/^version: .*$/m, `version: '${effectiveFrom}'`)
        .replace(/^effectiveFrom: .*$/m, `effectiveFrom: '${effectiveFrom}'`) +
        '\n' +
        stringify(vendors),
    );
    t = await startTestApp({ POLICY_DIR: policyDir, ...vendorEnv(sumsub, persona) }, { clock });
    v = views(t);
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([sumsub.close(), persona.close()]);
  });

  /** Starts a session as the operator (with risk signals, which consentAndStart does not send). */
  async function start(jurisdiction: string, segment: string, riskSignals: Record<string, boolean> = {}) {
    const subjectId = newSubjectId();
    const consent = await v.api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT);
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
    const started = await v.api.post<Body>('operator', '/v1/verifications', {
      subjectId,
      jurisdiction,
      segment,
      riskSignals,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    return started.body.sessionId as string;
  }

  const vendorEvents = async (sessionId: string) =>
    (await v.events(sessionId)).filter((e) => e.type.startsWith('Vendor'));

  it('opens a covered session at the rule’s vendor, and says under which rule and until when', async () => {
    const { sessionId } = await consentAndStart(v.api);
    expect(await v.status(sessionId)).toMatchObject({ tier: 'standard', policyVersion: effectiveFrom });
    const restore = outage(sumsub);
    let url: unknown;
    try {
      const res = await v.openSession(sessionId);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.vendor).toBe('persona');
      url = res.body.url;
    } finally {
      restore();
    }
    expect(typeof url).toBe('string');
    expect(everythingStored(t.dataDir).includes(url as string)).toBe(false);
    const events = await vendorEvents(sessionId);
    expect(events.map((e) => e.type)).toEqual([
      'VendorRequestFailed',
      'VendorFallbackChosen',
      'VendorSessionOpened',
    ]);
    expect(events[1]?.data).toMatchObject({
      from: 'sumsub',
      to: 'persona',
      reason: 'vendor_unavailable',
      rule: 'sumsub-outage',
      ruleExpiresAt: retailUntil,
    });
    expect(events[2]?.data).toMatchObject({ vendor: 'persona' });
    const explanation = await v.explanation(sessionId);
    expect(explanation.vendorFallbacks[0]).toMatchObject({
      from: 'sumsub',
      to: 'persona',
      rule: 'sumsub-outage',
      ruleExpiresAt: retailUntil,
    });
    expect(explanation.vendorQueued).toEqual([]);
    expect(explanation.summary).toContain(
      `persona was tried under the temporary fallback rule sumsub-outage of the policy (in force until ${retailUntil}) because sumsub was unavailable`,
    );
    expect((await v.status(sessionId)).vendorStatus).toBeUndefined();
  });

  it('queues a session of a segment or tier no rule covers, without trying the rule’s vendor', async () => {
    const business = await start('DE', 'business');
    const enhanced = await start('DE', 'retail', { ipCountryMismatch: true });
    expect(await v.status(enhanced)).toMatchObject({ tier: 'enhanced' });
    const inquiriesBefore = persona.requests.length;
    const restore = outage(sumsub);
    try {
      for (const sessionId of [business, enhanced]) {
        const res = await v.openSession(sessionId);
        expect(res.status, JSON.stringify(res.body)).toBe(503);
        expect(res.body).toMatchObject({ code: 'vendor_unavailable' });
        const events = await vendorEvents(sessionId);
        expect(count(events, 'VendorFallbackChosen')).toBe(0);
        expect(count(events, 'VendorSessionQueued')).toBe(1);
        expect(events.find((e) => e.type === 'VendorSessionQueued')?.data).toMatchObject({
          vendor: 'sumsub',
        });
        const status = await eventually(
          () => v.status(sessionId),
          (s) => s.vendorStatus !== undefined,
          'the session shown waiting',
        );
        expect(status).toMatchObject({ vendorStatus: 'waiting_for_vendor', messageCode: 'VENDOR_DELAYED' });
        expect((await v.explanation(sessionId)).waitingFor).toContain('sumsub');
      }
      expect(persona.requests.length).toBe(inquiriesBefore);
    } finally {
      restore();
    }
  });

  it('stops using a rule once its expiry has passed: the session is queued instead', async () => {
    const restore = outage(sumsub);
    try {
      // While the rule is in force, it covers a GB business session.
      const covered = await start('GB', 'business');
      const res = await v.openSession(covered);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.vendor).toBe('persona');
      expect(
        (await vendorEvents(covered)).find((e) => e.type === 'VendorFallbackChosen')?.data,
      ).toMatchObject({
        rule: 'sumsub-outage-gb-business',
        ruleExpiresAt: businessUntil,
      });

      clock.advance(2 * 3_600_000);
      const late = await start('GB', 'business');
      const inquiriesBefore = persona.inquiries.size;
      const refused = await v.openSession(late);
      expect(refused.status, JSON.stringify(refused.body)).toBe(503);
      const events = await vendorEvents(late);
      expect(count(events, 'VendorFallbackChosen')).toBe(0);
      expect(events.find((e) => e.type === 'VendorSessionQueued')?.data).toMatchObject({ vendor: 'sumsub' });
      expect(persona.inquiries.size).toBe(inquiriesBefore);

      // The retail rule, still in force, keeps covering its sessions.
      const { sessionId: retail } = await consentAndStart(v.api);
      const stillCovered = await v.openSession(retail);
      expect(stillCovered.status, JSON.stringify(stillCovered.body)).toBe(200);
      expect(stillCovered.body.vendor).toBe('persona');
    } finally {
      restore();
    }
  });
});
