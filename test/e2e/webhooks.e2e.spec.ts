import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { toLedgerEvent } from '../../src/ledger/ledger';
import { verificationStream } from '../../src/ledger/stream-names';
import { ManualClock } from '../../src/shared/clock';
import { WebhooksController } from '../../src/webhooks/webhooks.controller';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import {
  deliver,
  fixture,
  hmacHex,
  signedHeaders,
  WEBHOOK_ENV,
  WEBHOOK_SECRETS,
  FIXTURE_PII,
} from '../support/webhook-signing';
import { eventually } from '../support/poll';
import { distinctIdentity } from '../support/ids';

const T0 = new Date('2026-11-26T10:00:00.000Z');
const T0_S = Math.floor(T0.getTime() / 1000);
const at = (minutes: number): string => new Date(T0.getTime() + minutes * 60_000).toISOString();
/** Sumsub's createdAtMs format. */
const sumsubAt = (minutes: number): string => at(minutes).replace('T', ' ').replace('Z', '');
const SDK_VECTOR = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/webhooks/onfido/sdk-test-vector.json'), 'utf8'),
) as { token: string; signature: string; body: string };
const PII = FIXTURE_PII;

describe(WebhooksController.name, () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let store: EventStore;
  const clock = new ManualClock(T0);

  beforeAll(async () => {
    // Onfido's token is the one of its public SDK test, so that its test vector goes through the real endpoint.
    t = await startTestApp(
      { ...WEBHOOK_ENV, ONFIDO_WEBHOOK_TOKEN: SDK_VECTOR.token },
      { clock, expiryIntervalMs: 3_600_000 },
    );
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await t.close();
  });

  const sign = (vendor: 'onfido' | 'veriff' | 'sumsub' | 'persona', body: Buffer): Record<string, string> =>
    vendor === 'onfido'
      ? { 'x-sha2-signature': hmacHex('sha256', SDK_VECTOR.token, body) }
      : signedHeaders(vendor, body, { timestamp: T0_S });

  async function send(vendor: 'onfido' | 'veriff' | 'sumsub' | 'persona', body: Buffer) {
    const res = await deliver(t, vendor, body, sign(vendor, body));
    for (const value of PII) expect(res.text).not.toContain(value);
    return res;
  }

  /** A DE retail session with document evidence at `vendor` and a clear sanctions screening from elsewhere. */
  async function session(vendor: string, vendorReference: string): Promise<string> {
    const subjectId = `sub_${randomUUID().slice(0, 8)}`;
    const consent = await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    expect(consent.status).toBe(201);
    const started = await api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction: 'DE',
      segment: 'retail',
    });
    expect(started.status).toBe(201);
    const sessionId = started.body.sessionId as string;
    await evidence(sessionId, vendor, vendorReference);
    const screening = await api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
      vendor: 'screening',
      vendorEventId: `scr_${randomUUID()}`,
      vendorCreatedAt: at(0),
      checks: [{ kind: 'sanctions', result: 'clear' }],
    });
    expect(screening.status).toBe(200);
    return sessionId;
  }

  async function evidence(sessionId: string, vendor: string, vendorReference: string): Promise<void> {
    const res = await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor,
      vendorReference,
      attributes: distinctIdentity({
        fullName: 'Erika Mustermann',
        dateOfBirth: '1964-08-12',
        documentNumber: 'T22000129',
      }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  const status = async (sessionId: string): Promise<string> =>
    (await api.get('operator', `/v1/verifications/${sessionId}`)).body.status as string;

  const events = async (sessionId: string) =>
    (await store.readStream(verificationStream(sessionId))).map(toLedgerEvent);

  const results = async (sessionId: string) =>
    (await events(sessionId)).filter((e) => e.type === 'VendorResultReceived');

  /** `kyc_ledger_webhook_deliveries_total` of one vendor, by result, as `/metrics` shows it now. */
  async function deliveriesCounted(vendor: string): Promise<Record<string, number>> {
    const exposition = await (await fetch(`${t.baseUrl}/metrics`)).text();
    const counts: Record<string, number> = {};
    for (const [, labels = '', value = ''] of exposition.matchAll(
      /^kyc_ledger_webhook_deliveries_total\{([^}]*)\} (\S+)$/gm,
    )) {
      const label = new Map(
        [...labels.matchAll(/(\w+)="([^"]*)"/g)].map(([, name = '', text = '']) => [name, text] as const),
      );
      const result = label.get('result');
      if (label.get('vendor') === vendor && result !== undefined) counts[result] = Number(value);
    }
    return counts;
  }

  describe('signatures', () => {
    it('verifies the Onfido SDK test vector over the raw body; its check is unknown here, so it is parked', async () => {
      const before = await store.headPosition();
      const res = await deliver(t, 'onfido', SDK_VECTOR.body, { 'x-sha2-signature': SDK_VECTOR.signature });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'parked' });
      expect(await store.headPosition()).toBe(before);
    });

    it('refuses a bad signature with 401, no hint of the expected value, counted in metrics', async () => {
      const body = Buffer.from(SDK_VECTOR.body);
      const before = await store.headPosition();
      const wrong = `b${SDK_VECTOR.signature.slice(1)}`;
      const res = await deliver(t, 'onfido', body, { 'x-sha2-signature': wrong });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, code: 'invalid_webhook_signature' });
      expect(res.text).not.toContain(SDK_VECTOR.signature);
      expect(res.text).not.toMatch(/[0-9a-f]{64}/);
      const missing = await deliver(t, 'veriff', body, {});
      expect(missing.status).toBe(401);
      // Which header was missing or what was expected is not told: the answers differ only in their path.
      expect({ ...missing.body, instance: null }).toEqual({ ...res.body, instance: null });
      expect(await store.headPosition()).toBe(before);
      const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(
        /kyc_ledger_webhook_signature_failures_total\{vendor="onfido",reason="mismatch"\} [1-9]/,
      );
      expect(metrics).toMatch(
        /kyc_ledger_webhook_signature_failures_total\{vendor="veriff",reason="missing_header"\} [1-9]/,
      );
    });

    it('ignores API keys: the vendor signature is the only authentication', async () => {
      const res = await api.post('admin', '/v1/webhooks/sumsub', { type: 'applicantReviewed' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'invalid_webhook_signature' });
    });

    it('refuses a Persona delivery replayed outside the tolerance, and accepts the outgoing secret while rotating', async () => {
      const reference = `inq_${randomUUID().slice(0, 12)}`;
      const sessionId = await session('persona', reference);
      const body = fixture('persona/inquiry-approved.json', {
        eventId: `evt_${randomUUID()}`,
        vendorReference: reference,
        sessionId,
        occurredAt: at(1),
      });
      const stale = signedHeaders('persona', body, { timestamp: T0_S - 301 });
      expect((await deliver(t, 'persona', body, stale)).status).toBe(401);
      const old = signedHeaders('persona', body, { timestamp: T0_S, secret: WEBHOOK_SECRETS.persona[1] });
      const res = await deliver(t, 'persona', body, old);
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('approved');
    });

    it('answers 404 for a vendor without a webhook', async () => {
      const res = await deliver(t, 'acme', '{}', {});
      expect(res.status).toBe(404);
    });
  });

  describe('recording results', () => {
    it('records an Onfido check with its reports against the session of the evidence', async () => {
      const reference = `chk_${randomUUID().slice(0, 12)}`;
      const sessionId = await session('onfido', reference);
      const res = await send(
        'onfido',
        fixture('onfido/check-completed-with-reports.json', {
          vendorReference: reference,
          occurredAt: at(2),
        }),
      );
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('approved');
      const [recorded] = (await results(sessionId)).filter((e) => e.metadata.actor.kind === 'vendor');
      expect(recorded).toMatchObject({
        data: {
          vendor: 'onfido',
          vendorEventId: `check.completed:${reference}:${at(2)}`,
          vendorCreatedAt: at(2),
        },
        metadata: { actor: { kind: 'vendor', id: 'onfido', roles: [] } },
      });
      const stored = JSON.stringify(await events(sessionId));
      for (const value of ['Mustermann', 'T22000129']) expect(stored).not.toContain(value);
    });

    it('records a Veriff decision and answers a redelivery as a duplicate that appends nothing', async () => {
      const reference = randomUUID();
      const sessionId = await session('veriff', reference);
      const body = fixture('veriff/decision-approved.json', {
        vendorReference: reference,
        sessionId,
        occurredAt: at(3),
      });
      expect((await send('veriff', body)).body).toEqual({ status: 'recorded' });
      const head = await store.headPosition();
      const again = await send('veriff', body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ status: 'duplicate' });
      expect(await store.headPosition()).toBe(head);
      expect(await status(sessionId)).toBe('approved');
    });

    it('finds the session by the pass-through field when no evidence names the reference', async () => {
      const sessionId = await session('other-vendor', `ref_${randomUUID()}`);
      const body = fixture('sumsub/applicant-reviewed-green.json', {
        vendorReference: randomUUID().replaceAll('-', '').slice(0, 24),
        sessionId,
        createdAtMs: sumsubAt(4),
      });
      expect((await send('sumsub', body)).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('approved');
    });

    it('sends a later contradicting final result to review: Sumsub GREEN, then RED', async () => {
      const applicant = randomUUID().replaceAll('-', '').slice(0, 24);
      const sessionId = await session('sumsub', applicant);
      const values = { vendorReference: applicant, sessionId };
      await send(
        'sumsub',
        fixture('sumsub/applicant-reviewed-green.json', { ...values, createdAtMs: sumsubAt(5) }),
      );
      expect(await status(sessionId)).toBe('approved');
      const red = await send(
        'sumsub',
        fixture('sumsub/applicant-reviewed-red-final.json', { ...values, createdAtMs: sumsubAt(6) }),
      );
      expect(red.body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('pending_review');
      expect((await events(sessionId)).map((e) => e.type).slice(-3)).toEqual([
        'VendorResultReceived',
        'DecisionEvaluated',
        'ReviewRequested',
      ]);
    });

    it('parks a signed body that gives a key twice (GREEN, then RED) and reads nothing from it', async () => {
      const applicant = randomUUID().replaceAll('-', '').slice(0, 24);
      const sessionId = await session('sumsub', applicant);
      const green = fixture('sumsub/applicant-reviewed-green.json', {
        vendorReference: applicant,
        sessionId,
        createdAtMs: sumsubAt(5),
      }).toString('utf8');
      const twice = green.replace(
        '"reviewAnswer": "GREEN"',
        '"reviewAnswer": "GREEN", "reviewAnswer": "RED"',
      );
      expect(twice).not.toBe(green);
      const before = await status(sessionId);
      const head = await store.headPosition();
      const res = await send('sumsub', Buffer.from(twice));
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'parked' });
      expect(await store.headPosition()).toBe(head);
      expect(await status(sessionId)).toBe(before);
      const parked = await api.get<{ items: { reason: string; bodySha256?: string }[] }>(
        'admin',
        '/v1/webhooks/parked?vendor=sumsub&reason=unrecognised_payload&limit=200',
      );
      expect(parked.body.items.length).toBeGreaterThan(0);
      // The same delivery without the second key is read and recorded.
      expect((await send('sumsub', Buffer.from(green))).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('approved');
    });

    it('lets a newer result stand when an older one of the same vendor arrives after it', async () => {
      const applicant = randomUUID().replaceAll('-', '').slice(0, 24);
      const sessionId = await session('sumsub', applicant);
      const values = { vendorReference: applicant, sessionId };
      await send(
        'sumsub',
        fixture('sumsub/applicant-reviewed-green.json', { ...values, createdAtMs: sumsubAt(10) }),
      );
      expect(await status(sessionId)).toBe('approved');
      const late = await send(
        'sumsub',
        fixture('sumsub/applicant-reviewed-red-retry.json', { ...values, createdAtMs: sumsubAt(7) }),
      );
      expect(late.body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('approved');
      expect((await events(sessionId)).at(-1)?.type).toBe('VendorResultReceived');
    });

    it('acknowledges events that carry no result without recording anything; a Veriff submitted waits for its decision to be fetched', async () => {
      const before = await store.headPosition();
      const veriffEvent = fixture('veriff/event-submitted.json', {
        vendorReference: randomUUID(),
        sessionId: 'ses_x',
      });
      // `submitted` announces a decision it does not carry: parked as result_not_in_payload, not recorded.
      expect((await send('veriff', veriffEvent)).body).toEqual({ status: 'parked' });
      const created = fixture('persona/inquiry-created.json', {
        eventId: `evt_${randomUUID()}`,
        vendorReference: 'inq_x',
        sessionId: 'ses_x',
        occurredAt: at(1),
      });
      expect((await send('persona', created)).body).toEqual({ status: 'ignored' });
      expect(await store.headPosition()).toBe(before);
    });
  });

  describe.each([
    {
      vendor: 'onfido' as const,
      reference: () => `chk_${randomUUID().slice(0, 12)}`,
      clear: (ref: string, _session: string, minutes: number) =>
        fixture('onfido/check-completed-with-reports.json', {
          vendorReference: ref,
          occurredAt: at(minutes),
        }),
      failing: (ref: string, _session: string, minutes: number) =>
        fixture('onfido/report-completed-document-suspected.json', {
          vendorReference: ref,
          reportId: randomUUID(),
          occurredAt: at(minutes),
        }),
    },
    {
      vendor: 'veriff' as const,
      reference: () => randomUUID(),
      clear: (ref: string, sessionId: string, minutes: number) =>
        fixture('veriff/decision-approved.json', {
          vendorReference: ref,
          sessionId,
          occurredAt: at(minutes),
        }),
      failing: (ref: string, sessionId: string, minutes: number) =>
        fixture('veriff/decision-declined.json', {
          vendorReference: ref,
          sessionId,
          occurredAt: at(minutes),
        }),
    },
    {
      vendor: 'sumsub' as const,
      reference: () => randomUUID().replaceAll('-', '').slice(0, 24),
      clear: (ref: string, sessionId: string, minutes: number) =>
        fixture('sumsub/applicant-reviewed-green.json', {
          vendorReference: ref,
          sessionId,
          createdAtMs: sumsubAt(minutes),
        }),
      failing: (ref: string, sessionId: string, minutes: number) =>
        fixture('sumsub/applicant-reviewed-red-final.json', {
          vendorReference: ref,
          sessionId,
          createdAtMs: sumsubAt(minutes),
        }),
    },
    {
      vendor: 'persona' as const,
      reference: () => `inq_${randomUUID().slice(0, 12)}`,
      clear: (ref: string, sessionId: string, minutes: number) =>
        fixture('persona/inquiry-approved.json', {
          eventId: `evt_${randomUUID()}`,
          vendorReference: ref,
          sessionId,
          occurredAt: at(minutes),
        }),
      failing: (ref: string, sessionId: string, minutes: number) =>
        fixture('persona/inquiry-declined.json', {
          eventId: `evt_${randomUUID()}`,
          vendorReference: ref,
          sessionId,
          occurredAt: at(minutes),
        }),
    },
  ])('$vendor deliveries', ({ vendor, reference, clear, failing }) => {
    it('records a valid delivery and approves the session', async () => {
      const ref = reference();
      const sessionId = await session(vendor, ref);
      const res = await send(vendor, clear(ref, sessionId, 3));
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('approved');
    });

    it('refuses an invalid signature, a changed body and a secret from before a rotation', async () => {
      const ref = reference();
      const sessionId = await session(vendor, ref);
      const body = clear(ref, sessionId, 3);
      const before = await store.headPosition();
      const headers = sign(vendor, body);
      const changed = Buffer.from(body.toString().replace(ref, reference()));
      const previous =
        vendor === 'onfido'
          ? { 'x-sha2-signature': hmacHex('sha256', 'previous-onfido-token-000000', body) }
          : signedHeaders(vendor, body, { secret: `previous-${vendor}-secret`, timestamp: T0_S });
      for (const [what, raw, sent] of [
        ['changed body', changed, headers],
        ['previous secret', body, previous],
        ['no signature', body, {}],
      ] as const) {
        const res = await deliver(t, vendor, raw, sent);
        expect(res.status, what).toBe(401);
        expect(res.body, what).toMatchObject({ code: 'invalid_webhook_signature' });
      }
      expect(await store.headPosition()).toBe(before);
      expect(await status(sessionId)).toBe('submitted');
    });

    it('answers a replayed delivery as a duplicate and appends nothing', async () => {
      const ref = reference();
      const sessionId = await session(vendor, ref);
      const body = clear(ref, sessionId, 3);
      expect((await send(vendor, body)).body).toEqual({ status: 'recorded' });
      const head = await store.headPosition();
      for (let i = 0; i < 3; i += 1) expect((await send(vendor, body)).body).toEqual({ status: 'duplicate' });
      expect(await store.headPosition()).toBe(head);
    });

    it('answers concurrent redeliveries of one event: one recorded, every other a duplicate, counted so', async () => {
      const ref = reference();
      const sessionId = await session(vendor, ref);
      const body = clear(ref, sessionId, 3);
      const before = await deliveriesCounted(vendor);
      const copies = 8;
      const answers = await Promise.all(Array.from({ length: copies }, () => send(vendor, body)));
      expect(answers.map((res) => res.status)).toEqual(Array<number>(copies).fill(200));
      const statuses = answers.map((res) => res.body.status);
      expect(statuses.filter((s) => s === 'recorded')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(copies - 1);
      expect((await results(sessionId)).filter((e) => e.data.vendor === vendor)).toHaveLength(1);
      expect(await status(sessionId)).toBe('approved');
      const counted = Object.entries(await deliveriesCounted(vendor))
        .map(([result, total]) => [result, total - (before[result] ?? 0)] as const)
        .filter(([, added]) => added > 0);
      expect(Object.fromEntries(counted)).toEqual({ recorded: 1, duplicate: copies - 1 });
    });

    it('lets an older delivery arriving after a newer one stand behind it', async () => {
      const ref = reference();
      const sessionId = await session(vendor, ref);
      expect((await send(vendor, clear(ref, sessionId, 10))).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('approved');
      expect((await send(vendor, failing(ref, sessionId, 5))).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('approved');
    });

    it('sends the session to review when a newer delivery contradicts the automatic approval', async () => {
      const ref = reference();
      const sessionId = await session(vendor, ref);
      await send(vendor, clear(ref, sessionId, 10));
      expect((await send(vendor, failing(ref, sessionId, 12))).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('pending_review');
    });
  });

  describe('what the vendor said', () => {
    it('sends a vendor’s own age rule to review and shows its label in the explanation', async () => {
      const ref = randomUUID().replaceAll('-', '').slice(0, 24);
      const sessionId = await session('sumsub', ref);
      const body = fixture('sumsub/applicant-reviewed-red-age.json', {
        vendorReference: ref,
        sessionId,
        createdAt: '2026-11-26 10:03:00+0000',
      });
      expect((await send('sumsub', body)).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('pending_review');
      const recorded = (await results(sessionId)).find((e) => e.data.vendor === 'sumsub');
      expect(recorded?.data).toMatchObject({ vendorCreatedAt: '2026-11-26T10:03:00.000Z' });
      const explanation = await api.get('auditor', `/v1/verifications/${sessionId}/explanation`);
      expect(explanation.status).toBe(200);
      const vendorResults = explanation.body.vendorResults as { vendor: string; checks: unknown[] }[];
      expect(vendorResults.find((r) => r.vendor === 'sumsub')?.checks).toContainEqual({
        kind: 'age',
        result: 'consider',
        reasonCodes: ['CHECK_INCONCLUSIVE'],
        vendorLabels: ['RED', 'FINAL', 'AGE_REQUIREMENT_MISMATCH'],
      });
      expect(JSON.stringify(explanation.body)).not.toContain('AGE_BELOW_THRESHOLD');
    });

    it('takes vendor labels on a posted result as the webhooks record them, and refuses free text', async () => {
      const sessionId = await session('acme', `acme_${randomUUID().slice(0, 8)}`);
      const post = (vendorLabels: string[]) =>
        api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
          vendor: 'acme',
          vendorEventId: `evt_${randomUUID()}`,
          vendorCreatedAt: at(2),
          checks: [{ kind: 'document', result: 'clear', score: 0.97, vendorLabels }],
        });
      expect((await post(['Erika Mustermann'])).status).toBe(400);
      expect((await post(Array.from({ length: 17 }, (_, n) => `L${n}`))).status).toBe(400);
      expect((await post(['approved', '9001'])).status).toBe(200);
      const recorded = (await results(sessionId)).find((e) => e.data.vendor === 'acme');
      expect(recorded?.data.checks).toEqual([
        { kind: 'document', result: 'clear', score: 0.97, vendorLabels: ['approved', '9001'] },
      ]);
    });

    it('sends a Persona failure without a stated cause to review, never to a resubmission', async () => {
      const ref = `inq_${randomUUID().slice(0, 12)}`;
      const sessionId = await session('persona', ref);
      const body = fixture('persona/inquiry-failed.json', {
        eventId: `evt_${randomUUID()}`,
        vendorReference: ref,
        sessionId,
        occurredAt: at(3),
      });
      expect((await send('persona', body)).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('pending_review');
    });
  });

  describe('parking', () => {
    it('parks a result for an unknown session and replays it once evidence names its reference', async () => {
      const reference = `inq_${randomUUID().slice(0, 12)}`;
      const body = fixture('persona/inquiry-declined.json', {
        eventId: `evt_${randomUUID()}`,
        vendorReference: reference,
        sessionId: 'not-a-session',
        occurredAt: at(2),
      });
      const before = await store.headPosition();
      const res = await send('persona', body);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'parked' });
      expect(await store.headPosition()).toBe(before);
      // A redelivery of the parked event is still acknowledged.
      expect((await send('persona', body)).status).toBe(202);

      const sessionId = await session('persona', reference);
      const replayed = await eventually(
        () => results(sessionId),
        (found) => found.some((e) => e.data.vendor === 'persona'),
        'the replayed Persona result',
      );
      expect(replayed.filter((e) => e.data.vendor === 'persona')).toHaveLength(1);
      expect(await status(sessionId)).toBe('pending_review');
      const dataSource = t.app.get(DataSource);
      const [row] = await dataSource.query<{ status: string; resolved_session_id: string }[]>(
        'SELECT status, resolved_session_id FROM webhook_parked_deliveries WHERE vendor_reference = ?',
        [reference],
      );
      expect(row).toEqual({ status: 'resolved', resolved_session_id: sessionId });
    });

    it('parks a verified payload it cannot read, and never stores personal data in the parked rows', async () => {
      const unreadable = Buffer.from(
        JSON.stringify({ verification: { status: 'approved', person: { firstName: 'Erika' } } }),
      );
      expect((await send('veriff', unreadable)).status).toBe(202);
      const onfido = fixture('onfido/check-completed.json', {
        vendorReference: 'chk_without_result',
        occurredAt: at(1),
      });
      expect((await send('onfido', onfido)).status).toBe(202);
      const rows = await t.app
        .get(DataSource)
        .query<Record<string, unknown>[]>('SELECT * FROM webhook_parked_deliveries');
      expect(rows.map((r) => r.reason)).toEqual(
        expect.arrayContaining(['unknown_session', 'unrecognised_payload', 'result_not_in_payload']),
      );
      const dump = JSON.stringify(rows);
      for (const value of PII) expect(dump).not.toContain(value);
      const health = await (
        await fetch(`${t.baseUrl}/health`, { headers: { authorization: `Bearer ${t.keys.operator}` } })
      ).json();
      expect(health).toMatchObject({ components: { webhooks: { status: 'degraded', critical: false } } });
    });
  });
  describe('what vendors mean: screening, fraud and sandbox results', () => {
    /** The session's pending review as the reviewers' queue shows it. */
    async function queued(sessionId: string) {
      const page = await eventually(
        () => api.get('reviewer', '/v1/review-queue?limit=200'),
        (res) => (res.body.items as { sessionId: string }[]).some((item) => item.sessionId === sessionId),
        'the session in the review queue',
      );
      return (page.body.items as Record<string, unknown>[]).find((item) => item.sessionId === sessionId);
    }

    const hours = (from: unknown, to: unknown): number =>
      (Date.parse(String(to)) - Date.parse(String(from))) / 3_600_000;

    it('sends Sumsub ADVERSE_MEDIA to a compliance review on the compliance SLA, the vendor label kept', async () => {
      const reference = randomUUID().replaceAll('-', '').slice(0, 24);
      const sessionId = await session('sumsub', reference);
      const body = fixture('sumsub/applicant-reviewed-red-final-adverse-media.json', {
        vendorReference: reference,
        sessionId,
        createdAtMs: sumsubAt(5),
      });
      expect((await send('sumsub', body)).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('pending_review');
      const [recorded] = (await results(sessionId)).filter((e) => e.data.vendor === 'sumsub');
      expect(recorded?.data.checks).toContainEqual({
        kind: 'watchlist',
        result: 'consider',
        reasonCodes: ['ADVERSE_MEDIA_HIT'],
        vendorLabels: ['RED', 'FINAL', 'ADVERSE_MEDIA'],
      });
      const item = await queued(sessionId);
      // A compliance concern: priority 2 and the policy's complianceSlaHours (4 h for DE retail), not 24 h.
      expect(item).toMatchObject({ priority: 2, reasons: expect.arrayContaining(['ADVERSE_MEDIA_HIT']) });
      expect(hours(item?.requestedAt, item?.slaDueAt)).toBe(4);
      const explanation = await api.get('auditor', `/v1/verifications/${sessionId}/explanation`);
      expect(JSON.stringify(explanation.body)).toContain('ADVERSE_MEDIA');
    });

    it('treats an Onfido PEP-only watchlist match as a PEP match, never a sanctions hit', async () => {
      const reference = `chk_${randomUUID().slice(0, 12)}`;
      const sessionId = await session('onfido', reference);
      // A Watchlist Standard report (sanctions, PEPs, monitored lists) whose only match is the PEP breakdown.
      const report = JSON.parse(
        fixture('onfido/report-completed-watchlist-peps-only-consider.json', {
          vendorReference: reference,
          reportId: `rep_${randomUUID().slice(0, 12)}`,
          occurredAt: at(6),
        }).toString('utf8'),
      ) as { payload: { object: Record<string, unknown> } };
      report.payload.object.name = 'watchlist_standard';
      report.payload.object.breakdown = {
        sanction: { result: 'clear' },
        politically_exposed_person: { result: 'consider' },
        legal_and_regulatory_warnings: { result: 'clear' },
      };
      const body = Buffer.from(JSON.stringify(report));
      expect((await send('onfido', body)).body).toEqual({ status: 'recorded' });
      // The screening alone does not complete the tier: the identity checks come from another vendor.
      const identity = await api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
        vendor: 'idv',
        vendorEventId: `idv_${randomUUID()}`,
        vendorCreatedAt: at(6),
        checks: ['document', 'face_match', 'liveness'].map((kind) => ({ kind, result: 'clear' })),
      });
      expect(identity.status, JSON.stringify(identity.body)).toBe(200);
      expect(await status(sessionId)).toBe('pending_review');
      const item = await queued(sessionId);
      expect(item?.reasons).toContain('PEP_MATCH');
      expect(item?.reasons).not.toContain('SANCTIONS_HIT');
      expect(item).toMatchObject({ priority: 2 });
    });

    it('sends a Veriff approval that carries a fraud risk label to review, with the label kept', async () => {
      const reference = randomUUID();
      const sessionId = await session('veriff', reference);
      const body = fixture('veriff/decision-approved-risk-label-crosslinked-with-fraud.json', {
        vendorReference: reference,
        sessionId,
        occurredAt: at(7),
      });
      expect((await send('veriff', body)).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('pending_review');
      const [recorded] = (await results(sessionId)).filter((e) => e.data.vendor === 'veriff');
      expect(recorded?.data.checks).toContainEqual(
        expect.objectContaining({
          kind: 'document',
          result: 'consider',
          reasonCodes: ['FRAUD_SUSPECTED'],
          vendorLabels: expect.arrayContaining(['document_integration_level_crosslinked_with_fraud']),
        }),
      );
      expect((await queued(sessionId))?.reasons).toContain('FRAUD_SUSPECTED');
    });

    it('takes a Sumsub RETRY for screenshots as a capture to redo, not as tampering', async () => {
      const reference = randomUUID().replaceAll('-', '').slice(0, 24);
      const sessionId = await session('sumsub', reference);
      const body = fixture('sumsub/applicant-reviewed-red-retry-screenshots.json', {
        vendorReference: reference,
        sessionId,
        createdAtMs: sumsubAt(8),
      });
      expect((await send('sumsub', body)).body).toEqual({ status: 'recorded' });
      expect(await status(sessionId)).toBe('needs_resubmission');
      const stored = JSON.stringify(await results(sessionId));
      expect(stored).toContain('DOC_IMAGE_QUALITY');
      expect(stored).not.toContain('DOC_SUSPECTED_TAMPERING');
    });

    it('parks a Sumsub sandbox result: a production session never counts it', async () => {
      const reference = randomUUID().replaceAll('-', '').slice(0, 24);
      const sessionId = await session('sumsub', reference);
      const before = await status(sessionId);
      const head = await store.headPosition();
      const body = fixture('sumsub/applicant-reviewed-green-sandbox.json', {
        vendorReference: reference,
        sessionId,
        createdAtMs: sumsubAt(9),
      });
      const res = await send('sumsub', body);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'parked' });
      expect(await store.headPosition()).toBe(head);
      expect(await status(sessionId)).toBe(before);
      const [row] = await t.app
        .get(DataSource)
        .query<{ reason: string }[]>(
          'SELECT reason FROM webhook_parked_deliveries WHERE vendor_reference = ?',
          [reference],
        );
      expect(row).toEqual({ reason: 'sandbox_result' });
    });
  });
});
