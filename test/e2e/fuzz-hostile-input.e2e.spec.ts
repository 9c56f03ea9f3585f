import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHORIZATION_MATRIX, type MatrixEntry } from '../../src/platform/auth/authorization-matrix';
import { MAX_JSON_DEPTH } from '../../src/platform/auth/hostile-input';
import { MAX_BODY_BYTES } from '../../src/app/app.factory';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { toLedgerEvent } from '../../src/ledger/ledger';
import { CHECKPOINT_STREAM } from '../../src/ledger/stream-names';
import { ManualClock } from '../../src/shared/clock';
import { PRINCIPALS, type PrincipalName, startTestApp, type TestApp } from '../support/app';
import { TestIdentityProvider } from '../support/auth-jwks-server';
import { client } from '../support/http';
import { fixture, signedHeaders, WEBHOOK_ENV } from '../support/webhook-signing';

const T0 = new Date('2026-11-26T10:00:00.000Z');
/** Personal data of the seeded subjects: no response may ever carry it (except personal-data reads). */
const PII = {
  fullName: 'Zebediah Quoxworth-Fuzz',
  dateOfBirth: '1971-03-04',
  documentNumber: 'QX9988776',
  address: '42 Wallaby Way, Sydney',
  note: 'Spoke to Zebediah; middle name Octavius',
};
const PII_STRINGS = ['Zebediah', 'Quoxworth', '1971-03-04', 'QX9988776', 'Wallaby', 'Octavius'];
const LEAK = /(\n\s+at\s)|node_modules|\/work\/|\.ts:\d|\.js:\d|webpack:|TypeError|ReferenceError|stack/;
/** Keys every object inherits from Object.prototype: `constructor`, `__proto__`, `toString`, … */
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);
/** 5,000 nested arrays in UTF-16LE, behind a "Ģ" whose first byte is a quote to a scanner reading UTF-8. */
const UTF16_DEEP = Buffer.from(`["Ģ",${'['.repeat(5000)}${']'.repeat(5000)}]`, 'utf16le');
/** 5,000 nested arrays in UTF-7 (`+AFs-` is `[`): no `[` byte at all. */
const UTF7_DEEP = Buffer.from(`${'+AFs-'.repeat(5000)}${']'.repeat(5000)}`);

interface Sent {
  readonly status: number;
  readonly text: string;
  readonly correlationId: string;
  readonly hadMinPosition: boolean;
}

describe('hostile input', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ...WEBHOOK_ENV, LEDGER_RATE_LIMIT_PER_MINUTE: '30' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (
    path: string,
    body: string | Buffer,
    headers: Record<string, string>,
    key: string = t.keys.operator,
  ) =>
    fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, ...headers },
      body,
    });

  it('refuses bodies of any other type than application/json with 415', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'application/json-seq',
    ]) {
      const res = await post(
        '/v1/verifications',
        '{"subjectId":"s","jurisdiction":"DE","segment":"retail"}',
        {
          'content-type': type,
        },
      );
      expect(res.status, type).toBe(415);
      expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
    }
    const none = await fetch(`${t.baseUrl}/v1/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keys.operator}` },
      body: '{}',
    });
    expect([415, 400]).toContain(none.status);
    // A request without a body needs no content type.
    const empty = await fetch(`${t.baseUrl}/v1/verifications/nosuch/overrides/x/approval`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.keys.senior}` },
    });
    expect(empty.status).toBe(404);
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels, counting only structure outside strings`, async () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    const res = await post('/v1/verifications', deep, { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'json_too_deep' });
    const veryDeep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    expect((await post('/v1/webhooks/onfido', veryDeep, { 'content-type': 'application/json' })).status).toBe(
      400,
    );
    const brackets = JSON.stringify({ subjectId: '['.repeat(200), jurisdiction: 'DE', segment: 'retail' });
    const inString = await post('/v1/verifications', brackets, { 'content-type': 'application/json' });
    expect(inString.status).toBe(400);
    expect(await inString.json()).toMatchObject({ code: 'validation_failed' });
  });

  it('refuses bodies over 64 KiB with 413 and malformed JSON with 400, quoting nothing', async () => {
    const big = JSON.stringify({
      subjectId: 'x'.repeat(MAX_BODY_BYTES),
      jurisdiction: 'DE',
      segment: 'retail',
    });
    const res = await post('/v1/verifications', big, { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'payload_too_large' });
    const broken = await post('/v1/verifications', `{"subjectId": "${PII.fullName}",`, {
      'content-type': 'application/json',
    });
    expect(broken.status).toBe(400);
    const text = await broken.text();
    expect(JSON.parse(text)).toMatchObject({ code: 'malformed_json' });
    expect(text).not.toContain('Zebediah');
  });

  it('sets security headers, and no caching of API answers', async () => {
    const res = await fetch(`${t.baseUrl}/health/live`);
    // The policy SECURITY.md states, nothing merged in.
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const docs = await fetch(`${t.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('limits requests per principal, and per address before authentication', async () => {
    // The limit is 30 a minute: the auditor's budget runs out, another principal still has its own.
    const statuses: number[] = [];
    for (let i = 0; i < 32; i += 1) {
      statuses.push(
        (
          await fetch(`${t.baseUrl}/v1/verifications/x`, {
            headers: { authorization: `Bearer ${t.keys.auditor}` },
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 30).every((s) => s !== 429)).toBe(true);
    const limited = await fetch(`${t.baseUrl}/v1/verifications/x`, {
      headers: { authorization: `Bearer ${t.keys.auditor}` },
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ code: 'too_many_requests' });
    const other = await fetch(`${t.baseUrl}/v1/verifications/x`, {
      headers: { authorization: `Bearer ${t.keys.reviewer}` },
    });
    expect(other.status).not.toBe(429);

    // Guessing keys: failed authentications count against the client address, and so does public traffic.
    const guesses: number[] = [];
    for (let i = 0; i < 32; i += 1) {
      guesses.push(
        (
          await fetch(`${t.baseUrl}/v1/verifications/x`, {
            headers: { authorization: `Bearer guess-${i}-aaaaaaaaaaaaaaaa` },
          })
        ).status,
      );
    }
    expect(guesses.filter((s) => s === 401).length).toBeLessThanOrEqual(30);
    expect(guesses.at(-1)).toBe(429);
    // Failed authentications spend their own budget: the health probes are never limited (rate-limit.guard.ts).
    expect((await fetch(`${t.baseUrl}/health/live`)).status).toBe(200);
  });
});

describe('fuzz: malformed and random requests to every endpoint', () => {
  const idp = new TestIdentityProvider();
  let t: TestApp;
  let store: EventStore;
  const seeded = {
    subjectId: `sub_fz_${randomUUID().slice(0, 8)}`,
    sessionId: '',
    reviewSessionId: '',
    consentId: '',
  };

  beforeAll(async () => {
    await idp.start();
    t = await startTestApp(
      { ...WEBHOOK_ENV, ...idp.env(), LEDGER_RATE_LIMIT_PER_MINUTE: '1000000', LEDGER_READ_WAIT_MS: '0' },
      { clock: new ManualClock(T0), expiryIntervalMs: 3_600_000 },
    );
    store = t.app.get<EventStore>(EVENT_STORE);
    const api = client(t);
    const consent = await api.post('operator', `/v1/subjects/${seeded.subjectId}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion: '2026-01',
      locale: 'de-DE',
      channel: 'web',
    });
    seeded.consentId = consent.body.consentId as string;
    for (const [key, checks] of [
      ['sessionId', [{ kind: 'sanctions', result: 'clear' }]],
      ['reviewSessionId', [{ kind: 'sanctions', result: 'consider' }]],
    ] as const) {
      const started = await api.post('operator', '/v1/verifications', {
        subjectId: seeded.subjectId,
        jurisdiction: 'DE',
        segment: 'retail',
      });
      const sessionId = started.body.sessionId as string;
      seeded[key] = sessionId;
      await api.post('operator', `/v1/verifications/${sessionId}/evidence`, {
        kind: 'document',
        documentType: 'passport',
        issuingCountry: 'DE',
        vendor: 'onfido',
        vendorReference: `chk_${sessionId}`,
        attributes: {
          fullName: PII.fullName,
          dateOfBirth: PII.dateOfBirth,
          documentNumber: PII.documentNumber,
          address: PII.address,
        },
      });
      await api.post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
        vendor: 'acme',
        vendorEventId: `evt_${sessionId}`,
        vendorCreatedAt: T0.toISOString(),
        checks: [
          { kind: 'document', result: 'clear', score: 0.97 },
          { kind: 'face_match', result: 'clear', score: 0.95 },
          { kind: 'liveness', result: 'clear', score: 0.99 },
          ...checks,
        ],
      });
    }
    await api.post('reviewer', `/v1/verifications/${seeded.reviewSessionId}/review/decision`, {
      outcome: 'reject',
      reasonCodes: ['SANCTIONS_HIT'],
      note: PII.note,
    });
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  const printable = fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 80,
  });
  const anyText = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    printable,
  );

  const idArbitrary = () =>
    fc.oneof(
      fc.constantFrom(
        seeded.subjectId,
        seeded.sessionId,
        seeded.reviewSessionId,
        seeded.consentId,
        'onfido',
        'persona',
      ),
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,20}$/),
      anyText,
      fc.constantFrom(
        '..',
        '%00',
        '%2e%2e%2f',
        'x'.repeat(300),
        '\u0000',
        ' ',
        'null',
        '-1',
        '1e400',
        '{}',
        '<script>',
      ),
    );

  /** Bodies each command accepts, to be mutated one field at a time. */
  const VALID: readonly Record<string, unknown>[] = [
    { subjectId: 'sub_fz_new', jurisdiction: 'DE', segment: 'retail' },
    { scopes: ['identity_verification'], noticeVersion: '2026-01', locale: 'de-DE', channel: 'web' },
    { channel: 'web', deviceClass: 'desktop' },
    {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'onfido',
      vendorReference: 'chk_fz',
      attributes: { fullName: PII.fullName },
    },
    {
      vendor: 'acme',
      vendorEventId: 'evt_fz',
      vendorCreatedAt: T0.toISOString(),
      checks: [{ kind: 'sanctions', result: 'clear' }],
    },
    { outcome: 'reject', reasonCodes: ['SANCTIONS_HIT'], note: PII.note },
    { outcome: 'approve', justification: 'The sanctions hit is a false positive, checked twice.' },
    { reason: 'A legal hold for an ongoing investigation' },
    {},
  ];
  const nearValid = fc
    .tuple(
      fc.constantFrom(...VALID),
      fc.string({ maxLength: 20 }),
      fc.oneof(fc.jsonValue({ maxDepth: 3 }), anyText),
    )
    .map(([body, key, value]) => {
      const keys = Object.keys(body);
      const field = keys.length > 0 && key.length % 2 === 0 ? (keys[key.length % keys.length] ?? key) : key;
      return { raw: JSON.stringify({ ...body, [field]: value }) };
    });

  const bodyArbitrary = fc.oneof(
    { weight: 3, arbitrary: nearValid },
    fc.json().map((json) => ({ raw: json })),
    fc.jsonValue({ maxDepth: 6 }).map((value) => ({ raw: JSON.stringify(value) })),
    fc
      .dictionary(
        fc.constantFrom(
          'subjectId',
          'jurisdiction',
          'segment',
          'riskSignals',
          'kind',
          'vendor',
          'vendorReference',
          'vendorEventId',
          'vendorCreatedAt',
          'checks',
          'outcome',
          'reasonCodes',
          'note',
          'justification',
          'scopes',
          'attributes',
          'reason',
          'channel',
          'deviceClass',
          ...PROTOTYPE_NAMES,
        ),
        fc.oneof(fc.jsonValue({ maxDepth: 3 }), anyText, fc.constant(PII.fullName)),
      )
      .map((value) => ({ raw: JSON.stringify(value) })),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ raw: Buffer.from(bytes) })),
    anyText.map((text) => ({ raw: text })),
    fc.integer({ min: 20, max: 400 }).map((depth) => ({ raw: `${'['.repeat(depth)}${']'.repeat(depth)}` })),
    // Deep bodies in the charset that hides their nesting from a UTF-8 byte scan, and said so in the header.
    fc.constantFrom(
      { raw: UTF16_DEEP, contentType: 'application/json; charset=utf-16le' },
      { raw: UTF7_DEEP, contentType: 'application/json; charset=utf-7' },
      { raw: UTF16_DEEP },
    ),
    fc.constant({ raw: undefined }),
  );

  const callerArbitrary = fc.oneof(
    fc
      .constantFrom<PrincipalName | null>(null, ...(Object.keys(PRINCIPALS) as PrincipalName[]))
      .map((name) => ({ name })),
    fc.constantFrom('jwt', 'jwt-expired', 'garbage').map((kind) => ({ kind })),
  );

  const headerArbitrary = fc.record(
    {
      'content-type': fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        fc.constantFrom(
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
          'application/json; charset=utf-16le',
          'application/json; charset="UTF-16BE"',
          'application/json; charset=utf-7',
          'application/json;charset=UTF-32',
          'multipart/form-data; boundary=x',
          'application/problem+json',
        ),
      ),
      'idempotency-key': fc.oneof(printable, fc.uuid()),
      'x-min-position': fc.oneof(fc.nat().map(String), printable),
      'x-justification': fc.oneof(printable, fc.constant('Art. 15 access request from the data subject')),
      'x-causation-id': printable,
      'x-sha2-signature': fc.oneof(printable, fc.stringMatching(/^[0-9a-f]{64}$/)),
      'persona-signature': fc.oneof(
        printable,
        fc.tuple(fc.nat(), fc.stringMatching(/^[0-9a-f]{64}$/)).map(([ts, v]) => `t=${ts},v1=${v}`),
      ),
      'x-payload-digest-alg': fc.constantFrom(
        'HMAC_SHA1_HEX',
        'HMAC_SHA256_HEX',
        'HMAC_SHA512_HEX',
        'MD5',
        '',
      ),
      'x-payload-digest': printable,
      'x-hmac-signature': printable,
      'x-auth-client': printable,
    },
    { requiredKeys: [] },
  );

  async function authorization(caller: {
    name?: PrincipalName | null;
    kind?: string;
  }): Promise<Record<string, string>> {
    if (caller.kind === 'jwt')
      return { authorization: `Bearer ${await idp.token(T0, { roles: ['operator', 'reviewer'] })}` };
    if (caller.kind === 'jwt-expired') {
      return {
        authorization: `Bearer ${await idp.token(T0, { exp: Math.floor(T0.getTime() / 1000) - 3600 })}`,
      };
    }
    if (caller.kind === 'garbage')
      return { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln' };
    return caller.name === null || caller.name === undefined
      ? {}
      : { authorization: `Bearer ${t.keys[caller.name]}` };
  }

  let counter = 0;
  const sent: Sent[] = [];

  async function send(
    method: string,
    path: string,
    body: string | Buffer | undefined,
    headers: Record<string, string>,
  ): Promise<Sent> {
    counter += 1;
    const correlationId = `fz-${counter}`;
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { ...headers, 'x-correlation-id': correlationId },
      ...(body === undefined || method === 'GET' || method === 'HEAD' ? {} : { body }),
    });
    const text = await res.text();
    const record = {
      status: res.status,
      text,
      correlationId,
      hadMinPosition: headers['x-min-position'] !== undefined,
    };
    sent.push(record);
    return record;
  }

  function expectSafe(entry: MatrixEntry | undefined, caller: string, result: Sent): void {
    const context = `${entry?.method ?? '?'} ${entry?.path ?? '?'} as ${caller} → ${result.status} ${result.text.slice(0, 300)}`;
    if (result.status >= 500) {
      // The one 5xx a client can cause on purpose: waiting for a position the read models have not reached.
      expect(
        result.hadMinPosition && result.status === 503 && result.text.includes('read_model_behind'),
        context,
      ).toBe(true);
    }
    expect(result.text, context).not.toMatch(LEAK);
    const mayCarryPii =
      entry?.access.kind === 'roles' &&
      entry.access.personalData === true &&
      result.status >= 200 &&
      result.status < 300;
    if (!mayCarryPii) for (const value of PII_STRINGS) expect(result.text, context).not.toContain(value);
  }

  it('never answers 5xx, a stack trace or personal data, and changes the ledger only by accepted commands', async () => {
    const headBefore = await store.headPosition();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...AUTHORIZATION_MATRIX),
        fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), { freq: 4 }),
        fc.array(idArbitrary(), { minLength: 3, maxLength: 3 }),
        bodyArbitrary,
        callerArbitrary,
        headerArbitrary,
        async (entry, method, ids, body, caller, headers) => {
          let i = 0;
          const path = entry.path.replace(/:(\w+)/g, () => encodeURIComponent(ids[i++ % ids.length] ?? ''));
          const result = await send(method ?? entry.method, path, body.raw, {
            ...headers,
            ...('contentType' in body ? { 'content-type': body.contentType } : {}),
            ...(await authorization(caller)),
          });
          expectSafe(entry, JSON.stringify(caller), result);
        },
      ),
      { numRuns: 2500, seed: Number(process.env.FUZZ_SEED ?? 20261126) },
    );

    const accepted = new Set(
      sent.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.correlationId),
    );
    const appended = (await store.readAll({ after: headBefore })).filter(
      (e) => e.stream !== CHECKPOINT_STREAM,
    );
    for (const event of appended.map(toLedgerEvent)) {
      expect(
        accepted.has(event.metadata.correlationId),
        `${event.type} from ${event.metadata.correlationId}`,
      ).toBe(true);
    }
  }, 300_000);

  it('never answers 5xx or personal data to validly signed but arbitrary vendor payloads', async () => {
    const headBefore = await store.headPosition();
    const templates = {
      onfido: [
        'onfido/check-completed.json',
        'onfido/check-completed-with-reports.json',
        'onfido/report-completed-document-suspected.json',
      ],
      veriff: [
        'veriff/decision-approved.json',
        'veriff/decision-declined.json',
        'veriff/decision-review.json',
        'veriff/event-submitted.json',
      ],
      sumsub: [
        'sumsub/applicant-reviewed-green.json',
        'sumsub/applicant-reviewed-red-final.json',
        'sumsub/applicant-pending.json',
      ],
      persona: [
        'persona/inquiry-approved.json',
        'persona/inquiry-declined.json',
        'persona/inquiry-created.json',
      ],
    } as const;
    const vendorBody = fc.oneof(
      fc.jsonValue({ maxDepth: 8 }).map((value) => Buffer.from(JSON.stringify(value))),
      fc
        .tuple(
          fc.constantFrom(...Object.values(templates).flat()),
          fc.record({
            vendorReference: fc.oneof(
              fc.stringMatching(/^[a-z0-9_-]{1,30}$/),
              fc.constant(`chk_${seeded.sessionId}`),
            ),
            sessionId: fc.oneof(
              fc.constantFrom(seeded.sessionId, 'ses_none'),
              fc.stringMatching(/^[a-z0-9]{1,10}$/),
            ),
            occurredAt: fc.oneof(
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
              fc.stringMatching(/^[0-9a-z:-]{0,20}$/),
            ),
            createdAtMs: fc.stringMatching(/^[0-9: .-]{0,25}$/),
            eventId: fc.stringMatching(/^evt_[A-Za-z0-9]{1,20}$/),
            reportId: fc.uuid(),
          }),
        )
        .map(([path, values]) => fixture(path, values)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('onfido', 'veriff', 'sumsub', 'persona'),
        vendorBody,
        async (vendor, body) => {
          const result = await send('POST', `/v1/webhooks/${vendor}`, body, {
            'content-type': 'application/json',
            ...signedHeaders(vendor, body, { timestamp: Math.floor(T0.getTime() / 1000) }),
          });
          expectSafe(undefined, vendor, result);
          expect([200, 202, 400, 413], result.text).toContain(result.status);
        },
      ),
      { numRuns: 600, seed: Number(process.env.FUZZ_SEED ?? 20261126) },
    );
    // Signed payloads may record results against the seeded session; nothing else may appear.
    const appended = (await store.readAll({ after: headBefore })).map(toLedgerEvent);
    for (const event of appended.filter((e) => e.stream !== CHECKPOINT_STREAM)) {
      expect(event.metadata.actor.kind, event.type).toBe('vendor');
      expect(event.stream).toMatch(new RegExp(`(${seeded.sessionId})$`));
    }
  }, 300_000);

  it('refuses a body in any charset but UTF-8 with 415 on every route, before parsing it or routing', async () => {
    const headBefore = await store.headPosition();
    const charsets = ['utf-16le', 'UTF-16BE', '"utf-16"', 'utf-7', 'utf-32'];
    for (const [i, entry] of AUTHORIZATION_MATRIX.entries()) {
      let n = 0;
      const ids = [seeded.subjectId, seeded.sessionId, seeded.consentId];
      const path = entry.path.replace(/:(\w+)/g, () => ids[n++ % ids.length] ?? '');
      const charset = charsets[i % charsets.length] ?? 'utf-16le';
      const result = await send(entry.method === 'GET' ? 'POST' : entry.method, path, UTF16_DEEP, {
        'content-type': `application/json; charset=${charset}`,
        authorization: `Bearer ${t.keys.admin}`,
      });
      expectSafe(entry, 'admin', result);
      expect(result.status, `${entry.method} ${entry.path} ${charset}`).toBe(415);
      expect(JSON.parse(result.text)).toMatchObject({ code: 'unsupported_encoding' });
    }
    const appended = (await store.readAll({ after: headBefore })).filter(
      (e) => e.stream !== CHECKPOINT_STREAM,
    );
    expect(appended).toEqual([]);
  });

  it('refuses fields named like Object.prototype members wherever they are in a command, appending nothing', async () => {
    const headBefore = await store.headPosition();
    const commands = [
      {
        path: '/v1/verifications',
        body: { subjectId: seeded.subjectId, jurisdiction: 'DE', segment: 'retail', newAttempt: true },
      },
      { path: `/v1/subjects/${seeded.subjectId}/consents`, body: VALID[1] ?? {} },
      { path: `/v1/verifications/${seeded.sessionId}/evidence`, body: VALID[3] ?? {} },
      {
        path: `/v1/verifications/${seeded.sessionId}/vendor-results`,
        body: {
          vendor: 'acme',
          vendorEventId: 'evt_fz_proto',
          vendorCreatedAt: T0.toISOString(),
          checks: [
            { kind: 'document', result: 'clear', score: 0.97 },
            { kind: 'sanctions', result: 'clear' },
          ],
          riskSignals: { documentVelocity: true },
        },
      },
    ] as const;

    /** Every object in a JSON value with its field path (arrays are walked, not targets). */
    const objectsOf = (value: unknown, path: string): { node: Record<string, unknown>; path: string }[] => {
      if (Array.isArray(value))
        return value.flatMap((item, i) => objectsOf(item, path ? `${path}.${i}` : `${i}`));
      if (value === null || typeof value !== 'object') return [];
      const node = value as Record<string, unknown>;
      return [
        { node, path },
        ...Object.entries(node).flatMap(([key, child]) => objectsOf(child, path ? `${path}.${key}` : key)),
      ];
    };

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...commands),
        fc.nat(),
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(PII.fullName)),
        async (command, at, name, value) => {
          const body = structuredClone(command.body) as unknown;
          const targets = objectsOf(body, '');
          const target = targets[at % targets.length];
          if (!target) throw new Error('a command body is an object');
          // An own property, as JSON.parse makes it: `node[name] = …` would set `__proto__` instead.
          Object.defineProperty(target.node, name, {
            value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
          const field = target.path ? `${target.path}.${name}` : name;
          const result = await send('POST', command.path, JSON.stringify(body), {
            'content-type': 'application/json',
            authorization: `Bearer ${t.keys.operator}`,
          });
          expectSafe(undefined, 'operator', result);
          expect(result.status, `${field}: ${result.text}`).toBe(400);
          const problem = JSON.parse(result.text) as { code: string; errors: { field: string }[] };
          expect(problem.code).toBe('validation_failed');
          expect(problem.errors.map((e) => e.field)).toEqual([field]);
        },
      ),
      { numRuns: 300, seed: Number(process.env.FUZZ_SEED ?? 20261126) },
    );
    const appended = (await store.readAll({ after: headBefore })).filter(
      (e) => e.stream !== CHECKPOINT_STREAM,
    );
    expect(appended).toEqual([]);
  }, 120_000);
});
