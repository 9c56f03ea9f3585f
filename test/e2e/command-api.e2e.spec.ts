import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { verificationStream } from '../../src/ledger/stream-names';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { checkedClient, OpenApiResponses } from '../support/openapi';

const CONSENT = {
  scopes: ['identity_verification'],
  noticeVersion: '2026-01',
  locale: 'en-GB',
  channel: 'web',
};

describe('command API: authentication, validation, idempotency, concurrency', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let store: EventStore;

  beforeAll(async () => {
    t = await startTestApp();
    // Every answer in this file is also checked against the OpenAPI document's status and schema.
    api = checkedClient(client(t), await OpenApiResponses.of(t));
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await t.close();
  });

  const newSubject = (): string => `sub_${randomUUID().slice(0, 8)}`;

  async function session(): Promise<string> {
    const subjectId = newSubject();
    expect((await api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT)).status).toBe(201);
    const res = await api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction: 'GB',
      segment: 'retail',
    });
    expect(res.status).toBe(201);
    return res.body.sessionId as string;
  }

  /** Runs a request that must be refused and checks it appended nothing. */
  async function refused(
    send: () => Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>,
    status: number,
    code: string,
  ): Promise<Record<string, unknown>> {
    const before = await store.headPosition();
    const res = await send();
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, type: expect.stringContaining(code) });
    expect(await store.headPosition()).toBe(before);
    return res.body;
  }

  describe('authentication and roles', () => {
    it('refuses a request without credentials or with an unknown key', async () => {
      await refused(() => api.post(null, '/v1/verifications', {}), 401, 'unauthenticated');
      const res = await fetch(`${t.baseUrl}/v1/verifications`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-a-key-at-all-000000', 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('refuses a role the endpoint does not allow', async () => {
      const body = await refused(
        () => api.post('auditor', `/v1/subjects/${newSubject()}/consents`, CONSENT),
        403,
        'forbidden',
      );
      expect(body.requiredRoles).toEqual(['operator']);
    });
  });

  describe('bad input changes nothing', () => {
    it('refuses unknown fields instead of ignoring them', async () => {
      const body = await refused(
        () =>
          api.post('operator', `/v1/subjects/${newSubject()}/consents`, {
            ...CONSENT,
            favouriteColour: 'blue',
          }),
        400,
        'validation_failed',
      );
      expect(JSON.stringify(body.errors)).toContain('favouriteColour');
    });

    it('refuses wrong types and unknown enum values, naming the field but not echoing the value', async () => {
      const body = await refused(
        () =>
          api.post('operator', `/v1/subjects/${newSubject()}/consents`, {
            ...CONSENT,
            scopes: ['marketing_secret_xyz'],
          }),
        400,
        'validation_failed',
      );
      expect(JSON.stringify(body)).not.toContain('marketing_secret_xyz');
      await refused(
        () =>
          api.post('operator', '/v1/verifications', { subjectId: 42, jurisdiction: 'DE', segment: 'retail' }),
        400,
        'validation_failed',
      );
    });

    it('refuses a jurisdiction that is not ISO 3166-1 alpha-2', async () => {
      const subjectId = newSubject();
      await api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT);
      await refused(
        () => api.post('operator', '/v1/verifications', { subjectId, jurisdiction: 'de', segment: 'retail' }),
        400,
        'validation_failed',
      );
      await refused(
        () => api.post('operator', '/v1/verifications', { subjectId, jurisdiction: 'XX', segment: 'retail' }),
        422,
        'unknown_jurisdiction',
      );
      await refused(
        () =>
          api.post('operator', '/v1/verifications', { subjectId, jurisdiction: 'DE', segment: 'wholesale' }),
        422,
        'unknown_segment',
      );
    });

    it('refuses unknown reason codes', async () => {
      const sessionId = await session();
      await refused(
        () =>
          api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
            vendor: 'acme',
            vendorEventId: 'evt_bad_code',
            vendorCreatedAt: '2026-11-26T10:00:00Z',
            checks: [{ kind: 'document', result: 'fail', reasonCodes: ['LOOKS_DODGY'] }],
          }),
        400,
        'validation_failed',
      );
    });

    it('refuses malformed JSON and oversized bodies', async () => {
      const problem = await refused(
        () =>
          api.post('operator', `/v1/subjects/${newSubject()}/consents`, '{"scopes": ["Secretive Person Q"'),
        400,
        'malformed_json',
      );
      expect(JSON.stringify(problem)).not.toContain('Secretive');
      await refused(
        () =>
          api.post('operator', `/v1/subjects/${newSubject()}/consents`, {
            ...CONSENT,
            pad: 'x'.repeat(70 * 1024),
          }),
        413,
        'payload_too_large',
      );
    });

    it('refuses a session without consent in force, and after consent is withdrawn', async () => {
      const subjectId = newSubject();
      await refused(
        () => api.post('operator', '/v1/verifications', { subjectId, jurisdiction: 'DE', segment: 'retail' }),
        422,
        'consent_required',
      );
      const granted = await api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT);
      const withdrawn = await api.post(
        'operator',
        `/v1/subjects/${subjectId}/consents/${granted.body.consentId as string}/withdrawal`,
      );
      expect(withdrawn.status).toBe(200);
      await refused(
        () => api.post('operator', '/v1/verifications', { subjectId, jurisdiction: 'DE', segment: 'retail' }),
        422,
        'consent_required',
      );
    });

    it('refuses an illegal transition, naming the status and the command', async () => {
      const sessionId = await session();
      const body = await refused(
        () =>
          api.post('reviewer', `/v1/verifications/${sessionId}/review/decision`, {
            outcome: 'approve',
            reasonCodes: [],
          }),
        409,
        'illegal_transition',
      );
      expect(body).toMatchObject({ status: 409, command: 'CompleteReview' });
      expect(String(body.detail)).toContain('initiated');
    });

    it('answers 404 for a session that does not exist', async () => {
      await refused(
        () =>
          api.post('operator', `/v1/verifications/${randomUUID()}/capture`, {
            channel: 'web',
            deviceClass: 'desktop',
          }),
        404,
        'not_found',
      );
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the first response for a repeat and appends once', async () => {
      const subjectId = newSubject();
      await api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT);
      const key = `idem-${randomUUID()}`;
      const body = { subjectId, jurisdiction: 'DE', segment: 'retail' };
      const first = await api.post('operator', '/v1/verifications', body, { 'idempotency-key': key });
      const again = await api.post('operator', '/v1/verifications', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(await store.readStream(verificationStream(first.body.sessionId as string))).toHaveLength(1);
    });

    it('refuses the same key with a different body', async () => {
      const subjectId = newSubject();
      await api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT);
      const key = `idem-${randomUUID()}`;
      await api.post(
        'operator',
        '/v1/verifications',
        { subjectId, jurisdiction: 'DE', segment: 'retail' },
        { 'idempotency-key': key },
      );
      await refused(
        () =>
          api.post(
            'operator',
            '/v1/verifications',
            { subjectId, jurisdiction: 'GB', segment: 'retail' },
            { 'idempotency-key': key },
          ),
        422,
        'idempotency_key_reused',
      );
    });

    it('keeps keys apart per principal', async () => {
      const key = `idem-${randomUUID()}`;
      const a = await api.post('operator', `/v1/subjects/${newSubject()}/consents`, CONSENT, {
        'idempotency-key': key,
      });
      const b = await api.post('admin', `/v1/subjects/${newSubject()}/consents`, CONSENT, {
        'idempotency-key': key,
      });
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(b.body.consentId).not.toBe(a.body.consentId);
    });
  });

  describe('concurrency', () => {
    it('loses no update when many commands hit one session at once', async () => {
      const sessionId = await session();
      await api.post('operator', `/v1/verifications/${sessionId}/capture`, {
        channel: 'web',
        deviceClass: 'desktop',
      });
      await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
        kind: 'document',
        documentType: 'passport',
        issuingCountry: 'DE',
        vendor: 'acme',
        vendorReference: 'ref_1',
      });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
            vendor: 'acme',
            vendorEventId: `evt_parallel_${i}`,
            vendorCreatedAt: '2026-11-26T10:00:00Z',
            checks: [{ kind: 'document', result: 'clear', score: 0.99 }],
          }),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      const ok = results.filter((r) => r.status === 200).length;
      const events = await store.readStream(verificationStream(sessionId));
      const received = events
        .filter((e) => e.type === 'VendorResultReceived')
        .map((e) => e.data.vendorEventId);
      expect(new Set(received).size).toBe(received.length);
      expect(received.length).toBe(ok);
      expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => i));
    });
  });

  it('carries correlation and causation ids and the principal into event metadata', async () => {
    const subjectId = newSubject();
    const res = await api.post('operator', `/v1/subjects/${subjectId}/consents`, CONSENT, {
      'x-correlation-id': 'corr-journey-42',
      'x-causation-id': 'cause-7',
    });
    expect(res.headers.get('x-correlation-id')).toBe('corr-journey-42');
    const [event] = await store.readStream(`kyc-subject-${subjectId}`);
    expect(event?.metadata).toMatchObject({
      correlationId: 'corr-journey-42',
      causationId: 'cause-7',
      actor: { kind: 'user', id: 'operator', roles: ['operator'] },
    });
    const generated = await api.post('operator', `/v1/subjects/${newSubject()}/consents`, CONSENT, {
      'x-correlation-id': 'not a valid id <script>',
    });
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document', async () => {
    const res = await fetch(`${t.baseUrl}/docs-json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/verifications',
        '/v1/verifications/{sessionId}/vendor-results',
        '/v1/subjects/{subjectId}/consents',
      ]),
    );
  });
});
