import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { subjectStream } from '../../src/ledger/stream-names';
import { Ledger } from '../../src/ledger/ledger';
import { startTestApp, type TestApp } from '../support/app';
import { type ApiResponse, client } from '../support/http';
import { consentAndStart, newSubjectId } from '../support/journey';

const PII = {
  fullName: 'Logline Testperson-Zq',
  dateOfBirth: '1987-03-14',
  documentNumber: 'LZ0000999',
  address: '7 Loggasse, Wien',
};
const JUSTIFICATION = 'DSAR case 2026-LOGZQ-77';
/** Personal data sent where it does not belong: in invalid fields, unknown fields, as a key, in broken JSON. */
const STRAY = {
  email: 'zq.testperson@example.org',
  phone: '+43 660 7654321',
  badDate: 'born 14 March 1987',
  key: 'Zq Testperson Keyname',
  malformed: 'Malformed Testperson-Zq',
  plain: 'Plaintext Testperson-Zq',
  foreign: 'Foreign Errortext-Zq',
};

interface LogLine {
  readonly level: string;
  readonly time: string;
  readonly context: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

interface RequestLine extends LogLine {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  readonly correlationId?: string;
  readonly principalId?: string;
}

describe('logging (JSON lines without personal data)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let subjectId: string;
  let failingSubjectId: string;
  const badResponses: { readonly name: string; readonly res: ApiResponse; readonly code: string }[] = [];

  const parsed = (): LogLine[] => t.logLines().map((line) => JSON.parse(line) as LogLine);
  const requestLines = (): RequestLine[] =>
    parsed().filter((line): line is RequestLine => line.context === 'Http' && line.msg === 'request');

  beforeAll(async () => {
    t = await startTestApp({}, {}, { captureLogs: true });
    api = client(t);

    const started = await consentAndStart(api);
    subjectId = started.subjectId;
    const evidence = await api.post(
      'operator',
      `/v1/verifications/${started.sessionId}/evidence`,
      {
        kind: 'document',
        documentType: 'passport',
        issuingCountry: 'DE',
        vendor: 'acme',
        vendorReference: 'ref_logging',
        attributes: PII,
      },
      { 'x-correlation-id': 'corr-logging-evidence' },
    );
    expect(evidence.status, JSON.stringify(evidence.body)).toBe(201);
    const read = await api.get('privacy', `/v1/subjects/${subjectId}/personal-data`, {
      'x-justification': JUSTIFICATION,
    });
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).toContain(PII.fullName);

    const bad = async (name: string, res: Promise<ApiResponse>, code: string): Promise<void> => {
      badResponses.push({ name, res: await res, code });
    };
    const evidencePath = `/v1/verifications/${started.sessionId}/evidence`;
    await bad(
      'invalid attribute values',
      api.post('operator', evidencePath, {
        kind: 'document',
        vendor: 'acme',
        vendorReference: 'ref_logging_2',
        attributes: {
          fullName: PII.fullName,
          dateOfBirth: STRAY.badDate,
          documentNumber: PII.documentNumber,
        },
      }),
      'validation_failed',
    );
    await bad(
      'unknown fields holding personal data',
      api.post('operator', evidencePath, {
        kind: 'document',
        vendor: 'acme',
        vendorReference: 'ref_logging_3',
        email: STRAY.email,
        attributes: { fullName: PII.fullName, phone: STRAY.phone },
      }),
      'validation_failed',
    );
    await bad(
      'personal data as a key',
      api.post('operator', `/v1/subjects/${subjectId}/consents`, {
        scopes: ['identity_verification'],
        noticeVersion: '2026-01',
        locale: 'de-DE',
        channel: 'web',
        [STRAY.key]: PII.address,
      }),
      'validation_failed',
    );
    await bad(
      'malformed JSON',
      api.post('operator', evidencePath, `{"kind":"document","attributes":{"fullName":"${STRAY.malformed}"`),
      'malformed_json',
    );
    await bad(
      'a body that is not JSON',
      api.post('operator', evidencePath, STRAY.plain, { 'content-type': 'text/plain' }),
      'unsupported_media_type',
    );
    await bad(
      'a justification missing',
      api.get('privacy', `/v1/subjects/${subjectId}/personal-data`),
      'validation_failed',
    );

    // An unexpected error whose message quotes personal data, as a library's error might.
    failingSubjectId = newSubjectId();
    const ledger = t.app.get(Ledger);
    const readStream = ledger.readStream.bind(ledger);
    vi.spyOn(ledger, 'readStream').mockImplementation(async (stream) => {
      if (stream === subjectStream(failingSubjectId)) {
        throw new TypeError(`cannot read "${STRAY.foreign}" for ${failingSubjectId}`);
      }
      return readStream(stream);
    });
    await bad(
      'an unexpected error',
      api.post(
        'operator',
        `/v1/subjects/${failingSubjectId}/consents`,
        { scopes: ['identity_verification'], noticeVersion: '2026-01', locale: 'de-DE', channel: 'web' },
        { 'x-correlation-id': 'corr-logging-failure' },
      ),
      'internal_error',
    );
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  it('writes every line as one JSON object with level, ISO time, context and message', () => {
    const lines = t.logLines();
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      const entry = JSON.parse(line) as LogLine;
      expect(entry, line).toMatchObject({
        level: expect.stringMatching(/^(trace|debug|info|warn|error|fatal)$/),
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        context: expect.any(String),
        msg: expect.any(String),
      });
    }
  });

  it('writes the start-up logs of the framework through the same logger', () => {
    const contexts = new Set(parsed().map((line) => line.context));
    expect(contexts).toContain('NestFactory');
    expect(contexts).toContain('RoutesResolver');
    expect(parsed()).toContainEqual(
      expect.objectContaining({ context: 'NestApplication', msg: 'Nest application successfully started' }),
    );
  });

  it('writes one request line per call: route template, status, duration, principal, correlation id', () => {
    const lines = requestLines();
    const seen = lines.map((line) => `${line.method} ${line.route} ${line.status}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'POST /v1/subjects/:subjectId/consents 201',
        'POST /v1/verifications 201',
        'POST /v1/verifications/:sessionId/evidence 201',
        'GET /v1/subjects/:subjectId/personal-data 200',
        'POST /v1/verifications/:sessionId/evidence 400',
        'POST /v1/subjects/:subjectId/consents 400',
        'POST /v1/verifications/:sessionId/evidence 415',
        'GET /v1/subjects/:subjectId/personal-data 400',
        'POST /v1/subjects/:subjectId/consents 500',
      ]),
    );
    // Two successful and seven refused or failed calls after consent and start, each with its own line.
    expect(lines).toHaveLength(2 + 2 + badResponses.length);
    const evidence = lines.find((line) => line.correlationId === 'corr-logging-evidence');
    expect(evidence).toMatchObject({
      level: 'info',
      method: 'POST',
      route: '/v1/verifications/:sessionId/evidence',
      status: 201,
      principalId: 'operator',
      durationMs: expect.any(Number),
    });
    for (const line of lines) {
      expect(line.durationMs, JSON.stringify(line)).toBeGreaterThanOrEqual(0);
      expect(line.correlationId, JSON.stringify(line)).toMatch(/^[\w.:-]+$/);
      expect(line.route, JSON.stringify(line)).not.toContain('?');
    }
  });

  it('logs an unexpected error by class and code, joined to its request by the correlation id', () => {
    const failure = parsed().find((line) => line.context === 'Problem');
    expect(failure).toMatchObject({
      level: 'error',
      msg: 'request failed',
      code: 'internal_error',
      correlationId: 'corr-logging-failure',
      err: { type: 'TypeError' },
    });
    expect(requestLines().find((line) => line.correlationId === 'corr-logging-failure')).toMatchObject({
      status: 500,
      route: '/v1/subjects/:subjectId/consents',
    });
  });

  it('writes no personal data, no API key, no justification and no subject id', () => {
    const secrets = [
      ...Object.values(PII),
      ...Object.values(STRAY),
      ...Object.values(t.keys),
      JUSTIFICATION,
      subjectId,
      failingSubjectId,
    ];
    const leaks = t
      .logLines()
      .flatMap((line) =>
        secrets.filter((secret) => line.includes(secret)).map((secret) => `${secret}: ${line}`),
      );
    expect(leaks).toEqual([]);
  });

  it('answers the bad requests without echoing the values they carried', () => {
    const values = [...Object.values(PII), ...Object.values(STRAY)];
    expect(badResponses.map(({ name, res }) => [name, res.body.code])).toEqual(
      badResponses.map(({ name, code }) => [name, code]),
    );
    for (const { name, res } of badResponses) {
      const body = JSON.stringify(res.body);
      expect(
        values.filter((value) => body.includes(value)),
        `${name}: ${body}`,
      ).toEqual([]);
    }
    const unknown = badResponses.find((r) => r.name === 'unknown fields holding personal data');
    expect(JSON.stringify(unknown?.res.body)).toContain('email');
  });
});
