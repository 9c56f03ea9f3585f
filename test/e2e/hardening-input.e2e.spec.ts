import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/platform/auth/hostile-input';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { CHECKPOINT_STREAM, verificationStream } from '../../src/ledger/stream-names';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { CLEAR, consentAndStart, newSubjectId, submitDocument } from '../support/journey';
import { signedHeaders, WEBHOOK_ENV } from '../support/webhook-signing';

/** A value no answer may ever quote back. */
const MARKER = 'Zebediah-Quoxworth-proto';

/** Every name Object.prototype owns: `constructor`, `__proto__`, `toString`, `hasOwnProperty`, … */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

/** UTF-7 for `[`: no `[` byte reaches a scanner that reads the bytes as UTF-8. */
const UTF7_OPEN = '+AFs-';

describe('hardened input', () => {
  let t: TestApp;
  let store: EventStore;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startTestApp({ ...WEBHOOK_ENV, LEDGER_RATE_LIMIT_PER_MINUTE: '1000000' });
    store = t.app.get<EventStore>(EVENT_STORE);
    api = client(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (path: string, body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keys.operator}`, ...headers },
      body,
    });

  /** Events appended after `position` to anything but the checkpoint stream. */
  const appendedSince = async (position: number) =>
    (await store.readAll({ after: position })).filter((e) => e.stream !== CHECKPOINT_STREAM);

  describe('request body charsets', () => {
    it('refuses a UTF-16 body whose bytes hide 5,000 nested arrays from the depth scan, with 415 and not 500', async () => {
      // "Ģ" is 0x22 0x01 in UTF-16LE: a quote byte that would make a UTF-8 scanner think the rest is a string.
      const text = `["Ģ",${'['.repeat(5000)}${']'.repeat(5000)}]`;
      const res = await post('/v1/verifications', Buffer.from(text, 'utf16le'), {
        'content-type': 'application/json; charset=utf-16le',
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ status: 415, code: 'unsupported_encoding' });
    });

    it(`refuses a UTF-7 body nested ${MAX_JSON_DEPTH + 8} deep with 415, not as a valid-but-wrong body`, async () => {
      const depth = MAX_JSON_DEPTH + 8;
      const text = `${UTF7_OPEN.repeat(depth)}${']'.repeat(depth)}`;
      const res = await post('/v1/verifications', text, {
        'content-type': 'application/json; charset=utf-7',
      });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'unsupported_encoding' });
    });

    it('refuses every charset but UTF-8, in any case, quoted or not, and never quotes it back', async () => {
      const body = JSON.stringify({ subjectId: newSubjectId(), jurisdiction: 'DE', segment: 'retail' });
      const before = await store.headPosition();
      for (const type of [
        'application/json; charset=utf-16le',
        'application/json; charset=UTF-16BE',
        'application/json; charset=utf-16',
        'application/json; charset="utf-16le"',
        'application/json;charset=Utf-32',
        'application/json; charset=utf-7',
        'application/json; charset="UTF-7"',
        'application/json; charset=iso-8859-1',
        'application/json; charset=utf8',
        'application/json; charset=""',
        `application/json; charset=${MARKER}`,
      ]) {
        const res = await post('/v1/verifications', body, { 'content-type': type });
        const text = await res.text();
        expect(res.status, type).toBe(415);
        expect(JSON.parse(text), type).toMatchObject({ code: 'unsupported_encoding' });
        expect(text, type).not.toContain(MARKER);
      }
      expect(await appendedSince(before)).toEqual([]);
    });

    it('accepts UTF-8, named in any case, quoted or not, or not named at all', async () => {
      for (const type of [
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=UTF-8',
        'application/json; charset="utf-8"',
        'application/json;charset=Utf-8',
      ]) {
        const { subjectId } = await consentAndStart(api);
        const body = JSON.stringify({ subjectId, jurisdiction: 'DE', segment: 'retail', newAttempt: true });
        const res = await post('/v1/verifications', body, { 'content-type': type });
        expect(res.status, `${type}: ${await res.text()}`).toBe(201);
      }
    });

    it('refuses other charsets on vendor webhooks too, before the signature is looked at', async () => {
      const body = Buffer.from(`["Ģ",${'['.repeat(5000)}${']'.repeat(5000)}]`, 'utf16le');
      for (const vendor of ['onfido', 'veriff', 'sumsub', 'persona'] as const) {
        const res = await fetch(`${t.baseUrl}/v1/webhooks/${vendor}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-16le',
            ...signedHeaders(vendor, body, { timestamp: Math.floor(Date.now() / 1000) }),
          },
          body,
        });
        expect(res.status, vendor).toBe(415);
        expect(await res.json()).toMatchObject({ code: 'unsupported_encoding' });
      }
    });

    it('never answers 5xx to a deep body, whatever charset it names', async () => {
      for (const charset of [
        'utf-8',
        'utf-16le',
        'utf-16be',
        'utf-16',
        'utf-32le',
        'utf-7',
        'ucs-2',
        'latin1',
      ]) {
        for (const encoded of [
          Buffer.from(`["Ģ",${'['.repeat(5000)}${']'.repeat(5000)}]`, 'utf16le'),
          Buffer.from(`["Ģ",${'['.repeat(5000)}${']'.repeat(5000)}]`, 'utf8'),
          Buffer.from(`${UTF7_OPEN.repeat(5000)}${']'.repeat(5000)}`),
        ]) {
          for (const path of ['/v1/verifications', '/v1/webhooks/onfido']) {
            const res = await post(path, encoded, { 'content-type': `application/json; charset=${charset}` });
            expect(res.status, `${charset} ${path}`).toBeLessThan(500);
            await res.body?.cancel();
          }
        }
      }
    });
  });

  describe('fields named like Object.prototype members', () => {
    it('refuses each at the top level with 400 validation_failed naming the field, never its value', async () => {
      // A subject with consent: without the stray field, each of these bodies starts another attempt (201).
      const { subjectId } = await consentAndStart(api);
      const start = `"subjectId":"${subjectId}","jurisdiction":"DE","segment":"retail","newAttempt":true`;
      for (const name of PROTOTYPE_NAMES) {
        const before = await store.headPosition();
        const raw = `{${start},"${name}":"${MARKER}"}`;
        const res = await post('/v1/verifications', raw, { 'content-type': 'application/json' });
        const text = await res.text();
        expect(res.status, `${name}: ${text}`).toBe(400);
        const problem = JSON.parse(text) as { code: string; errors: { field: string }[] };
        expect(problem.code).toBe('validation_failed');
        expect(problem.errors.map((e) => e.field)).toContain(name);
        expect(text).not.toContain(MARKER);
        expect(await appendedSince(before), name).toEqual([]);
      }
    });

    it('refuses one nested inside checks[] of a vendor result: nothing is appended, the status stays', async () => {
      const { sessionId } = await consentAndStart(api);
      await submitDocument(api, sessionId);
      const path = `/v1/verifications/${sessionId}/vendor-results`;
      const statusBefore = (await api.get('operator', `/v1/verifications/${sessionId}`)).body.status;
      const streamBefore = await store.readStream(verificationStream(sessionId));
      const checks = CLEAR.map((check) => JSON.stringify(check).slice(1, -1));
      for (const name of PROTOTYPE_NAMES) {
        const before = await store.headPosition();
        const nested = [
          `{${checks[0] ?? ''},"${name}":{"x":"${MARKER}"}}`,
          ...checks.slice(1).map((c) => `{${c}}`),
        ];
        const raw = `{"vendor":"acme","vendorEventId":"evt_${name}","vendorCreatedAt":"2026-11-26T10:00:00Z","checks":[${nested.join(',')}]}`;
        const res = await post(path, raw, { 'content-type': 'application/json' });
        const text = await res.text();
        expect(res.status, `${name}: ${text}`).toBe(400);
        const problem = JSON.parse(text) as { code: string; errors: { field: string }[] };
        expect(problem).toMatchObject({ code: 'validation_failed' });
        expect(problem.errors.map((e) => e.field)).toEqual([`checks.0.${name}`]);
        expect(text).not.toContain(MARKER);
        expect(await appendedSince(before), name).toEqual([]);
      }
      expect(await store.readStream(verificationStream(sessionId))).toHaveLength(streamBefore.length);
      expect((await api.get('operator', `/v1/verifications/${sessionId}`)).body.status).toBe(statusBefore);
      // The same result without the stray field is accepted: the refusal was for that field alone.
      const clean = await api.post('operator', path, {
        vendor: 'acme',
        vendorEventId: 'evt_clean',
        vendorCreatedAt: '2026-11-26T10:00:00Z',
        checks: CLEAR,
      });
      expect(clean.status, JSON.stringify(clean.body)).toBe(200);
    });

    it('refuses them inside maps and nested objects too, and in query strings', async () => {
      const { sessionId, subjectId } = await consentAndStart(api);
      const before = await store.headPosition();
      const signals = await post(
        '/v1/verifications',
        `{"subjectId":"${subjectId}","jurisdiction":"DE","segment":"retail","newAttempt":true,"riskSignals":{"hasOwnProperty":true}}`,
        { 'content-type': 'application/json' },
      );
      expect(signals.status).toBe(400);
      expect(await signals.json()).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'riskSignals.hasOwnProperty' }],
      });
      const evidence = await post(
        `/v1/verifications/${sessionId}/evidence`,
        `{"kind":"document","documentType":"passport","issuingCountry":"DE","vendor":"acme","vendorReference":"doc_p","attributes":{"fullName":"${MARKER}","__proto__":{"fullName":"${MARKER}"}}}`,
        { 'content-type': 'application/json' },
      );
      const text = await evidence.text();
      expect(evidence.status).toBe(400);
      expect(JSON.parse(text)).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'attributes.__proto__' }],
      });
      expect(text).not.toContain(MARKER);
      const query = await api.get('operator', '/v1/verifications?constructor=x&valueOf=y');
      expect(query.status).toBe(400);
      expect(query.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'constructor' }, { field: 'valueOf' }],
      });
      expect(await appendedSince(before)).toEqual([]);
    });
  });
});
