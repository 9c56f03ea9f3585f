import { Logger } from '@nestjs/common';
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/domain/shared/domain-error';
import {
  createPino,
  LedgerLogger,
  type LogLevelName,
  REDACTED,
  scrubText,
} from '../../src/platform/observability/logger';
import { RouteTemplates } from '../../src/platform/observability/request-logging';

type Entry = Record<string, unknown>;

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A logger writing into memory; `entries()` parses every line, so a line that is not JSON fails the test. */
function memoryLogger(level: LogLevelName = 'debug'): {
  logger: LedgerLogger;
  lines: string[];
  entries: () => Entry[];
} {
  const lines: string[] = [];
  const logger = new LedgerLogger({
    level,
    destination: {
      write: (chunk: string) => {
        lines.push(...chunk.split('\n').filter((line) => line !== ''));
      },
    },
  });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Entry) };
}

const PERSON = {
  fullName: 'Unit Testperson-Lg',
  dateOfBirth: '1979-12-24',
  documentNumber: 'UL0000042',
  address: '3 Unit Street, Köln',
};

describe(LedgerLogger.name, () => {
  afterEach(() => {
    Logger.overrideLogger(false);
  });

  it('writes one JSON object per line: level name, ISO time, context, message', () => {
    const { logger, lines, entries } = memoryLogger();
    logger.log('service ready', 'Bootstrap');
    logger.warn('slow append', 'Ledger');
    expect(lines).toHaveLength(2);
    expect(entries()).toEqual([
      { level: 'info', time: expect.stringMatching(ISO_TIME), context: 'Bootstrap', msg: 'service ready' },
      { level: 'warn', time: expect.any(String), context: 'Ledger', msg: 'slow append' },
    ]);
  });

  it('maps Nest levels to pino levels: log→info, verbose→trace, fatal→fatal', () => {
    const { logger, entries } = memoryLogger('trace');
    logger.verbose('v', 'C');
    logger.debug('d', 'C');
    logger.log('l', 'C');
    logger.warn('w', 'C');
    logger.error('e', 'C');
    logger.fatal('f', 'C');
    expect(entries().map((e) => [e.msg, e.level])).toEqual([
      ['v', 'trace'],
      ['d', 'debug'],
      ['l', 'info'],
      ['w', 'warn'],
      ['e', 'error'],
      ['f', 'fatal'],
    ]);
  });

  it('honours the configured level', () => {
    const { logger, entries } = memoryLogger('warn');
    logger.verbose('v', 'C');
    logger.debug('d', 'C');
    logger.log('l', 'C');
    logger.warn('w', 'C');
    logger.error('e', 'C');
    expect(entries().map((e) => e.msg)).toEqual(['w', 'e']);
    logger.setLogLevels(['debug', 'log', 'warn', 'error', 'fatal']);
    logger.debug('d2', 'C');
    logger.verbose('v2', 'C');
    expect(entries().map((e) => e.msg)).toEqual(['w', 'e', 'd2']);
  });

  it('serves `new Logger(context)` once Nest is given it', () => {
    const { logger, entries } = memoryLogger();
    Logger.overrideLogger(logger);
    new Logger('Projections').log('lease taken');
    new Logger('Problem').error({ msg: 'request failed', code: 'internal_error' });
    expect(entries()).toEqual([
      expect.objectContaining({ level: 'info', context: 'Projections', msg: 'lease taken' }),
      expect.objectContaining({
        level: 'error',
        context: 'Problem',
        msg: 'request failed',
        code: 'internal_error',
      }),
    ]);
  });

  it('redacts personal data and credentials under known keys at any depth, keeping other fields', () => {
    const { logger, lines, entries } = memoryLogger();
    logger.log(
      {
        msg: 'evidence received',
        sessionId: 'ses_1',
        evidence: { kind: 'document', attributes: PERSON },
        deep: { a: { b: { c: { d: { e: { f: { documentNumber: PERSON.documentNumber } } } } } } },
        items: [{ fullName: PERSON.fullName, kind: 'document' }],
        request: { headers: { authorization: 'Bearer abc' }, Address: PERSON.address },
        vendor: { date_of_birth: PERSON.dateOfBirth, 'X-Api-Key': 'key_123' },
      },
      'Evidence',
    );
    const [line] = lines;
    for (const value of [...Object.values(PERSON), 'Bearer abc', 'key_123'])
      expect(line).not.toContain(value);
    expect(entries()[0]).toMatchObject({
      msg: 'evidence received',
      context: 'Evidence',
      sessionId: 'ses_1',
      evidence: REDACTED,
      deep: { a: { b: { c: { d: { e: { f: { documentNumber: REDACTED } } } } } } },
      items: [{ fullName: REDACTED, kind: 'document' }],
      request: { headers: REDACTED, Address: REDACTED },
      vendor: { date_of_birth: REDACTED, 'X-Api-Key': REDACTED },
    });
  });

  it('lets no field forge the level, time or context of a line', () => {
    const { logger, entries } = memoryLogger();
    logger.log({ msg: 'm', level: 'fatal', time: 'then', context: 'Forged', n: 1 }, 'Real');
    expect(entries()).toEqual([
      { level: 'info', time: expect.stringMatching(ISO_TIME), context: 'Real', msg: 'm', n: 1 },
    ]);
  });

  it('reduces an error to its class and code: never its message, stack frames only at debug', () => {
    const foreign = Object.assign(new TypeError(`cannot parse "${PERSON.fullName}"`), { code: 'ERR_PARSE' });
    const info = memoryLogger('info');
    info.logger.error(foreign, 'Webhooks');
    info.logger.error({ msg: 'request failed', err: new NotFoundError('subject', 'sub_secret') }, 'Problem');
    info.logger.error('append failed', foreign.stack, 'Ledger');
    info.logger.error('no context', foreign.stack);
    expect(info.lines.join('\n')).not.toContain(PERSON.fullName);
    expect(info.lines.join('\n')).not.toContain('sub_secret');
    expect(info.entries()).toEqual([
      expect.objectContaining({ msg: 'TypeError', err: { type: 'TypeError', code: 'ERR_PARSE' } }),
      expect.objectContaining({ msg: 'request failed', err: { type: 'NotFoundError', code: 'not_found' } }),
      { level: 'error', time: expect.any(String), context: 'Ledger', msg: 'append failed' },
      { level: 'error', time: expect.any(String), context: 'kyc-ledger', msg: 'no context' },
    ]);

    const debug = memoryLogger('debug');
    debug.logger.error(foreign, 'Webhooks');
    debug.logger.error('append failed', foreign.stack, 'Ledger');
    expect(debug.lines.join('\n')).not.toContain(PERSON.fullName);
    const [withError, withStack] = debug.entries();
    const frames = (withError?.err as { stack?: string[] }).stack;
    expect(frames?.length).toBeGreaterThan(0);
    expect(frames?.every((frame) => /^\s+at /.test(frame))).toBe(true);
    expect(withStack).toMatchObject({ context: 'Ledger', stack: frames });
  });

  it('keeps the class of an error’s cause, not its message', () => {
    const { logger, lines, entries } = memoryLogger('info');
    logger.warn(new Error('outer', { cause: new RangeError(PERSON.documentNumber) }), 'C');
    expect(lines[0]).not.toContain(PERSON.documentNumber);
    expect(entries()[0]).toMatchObject({ err: { type: 'Error', cause: { type: 'RangeError' } } });
  });

  it('scrubs e-mail addresses, bearer tokens, key material and subject ids from messages', () => {
    const { logger, lines } = memoryLogger();
    const key = `test_operator_${'a1'.repeat(16)}`;
    logger.warn(
      `mail unit.testperson@example.org with Bearer ${key} for /v1/subjects/sub_abc123/consents in kyc-subject-sub_abc123`,
      'C',
    );
    const [line] = lines;
    for (const secret of ['unit.testperson@example.org', key, 'sub_abc123'])
      expect(line).not.toContain(secret);
    expect(line).toContain('/v1/subjects/:subjectId/consents');
    expect(line).toContain('kyc-subject-:subjectId');
  });

  it('bounds depth and survives cycles', () => {
    const { logger, entries } = memoryLogger();
    const cyclic: Record<string, unknown> = { id: 'x' };
    cyclic.self = cyclic;
    logger.log({ msg: 'cyclic', cyclic }, 'C');
    expect(JSON.stringify(entries()[0])).toContain('[truncated]');
  });
});

describe('pino redaction (second net under the sanitizer)', () => {
  it('redacts known keys at the top and one level down when pino is used directly', () => {
    const lines: string[] = [];
    const pino = createPino({
      level: 'info',
      destination: { write: (chunk: string) => void lines.push(chunk) },
    });
    pino.info(
      {
        attributes: { fullName: PERSON.fullName },
        justification: 'DSAR for Testperson',
        req: { headers: { authorization: 'Bearer abc', 'x-api-key': 'key_123', cookie: 'sid=1' } },
        vendor: { 'x-api-key': 'key_456', documentNumber: PERSON.documentNumber, id: 'acme' },
        user: { email: 'p@example.org' },
        kept: 'ok',
      },
      'direct',
    );
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'info',
      msg: 'direct',
      attributes: REDACTED,
      justification: REDACTED,
      req: { headers: REDACTED },
      vendor: { 'x-api-key': REDACTED, documentNumber: REDACTED, id: 'acme' },
      user: { email: REDACTED },
      kept: 'ok',
    });
    const secrets = [
      PERSON.fullName,
      PERSON.documentNumber,
      'Bearer abc',
      'key_123',
      'key_456',
      'sid=1',
      'DSAR',
    ];
    for (const value of [...secrets, 'p@example.org']) expect(lines[0]).not.toContain(value);
  });
});

describe(scrubText.name, () => {
  it('leaves ordinary messages, UUIDs, route templates and file paths alone', () => {
    const text =
      'projection verification_status: lease taken; session 6c6c8db6-f4ed-417f-80be-934922ad00c4 ' +
      'Mapped {/v1/subjects/:subjectId/consents, POST} key in /tmp/kyc-ledger-start-x1Y2z3/dev-api-key.json';
    expect(scrubText(text)).toBe(text);
  });
});

describe(RouteTemplates.name, () => {
  const templates = new RouteTemplates([
    { method: 'GET', path: '/v1/verifications/:sessionId' },
    { method: 'GET', path: '/v1/verifications/:sessionId/timeline' },
    { method: 'POST', path: '/v1/verifications/:sessionId/evidence' },
    { method: 'GET', path: '/v1/subjects/:subjectId/personal-data' },
    { method: 'GET', path: '/v1/audit/checkpoints/latest' },
    { method: 'GET', path: '/v1/audit/proofs/:eventId' },
  ]);

  it('answers the declared template of the route a path addresses', () => {
    expect(templates.templateOf('GET', '/v1/verifications/ses_1')).toBe('/v1/verifications/:sessionId');
    expect(templates.templateOf('post', '/v1/verifications/ses_1/evidence')).toBe(
      '/v1/verifications/:sessionId/evidence',
    );
    expect(templates.templateOf('GET', '/v1/subjects/Max%20Mustermann/personal-data/')).toBe(
      '/v1/subjects/:subjectId/personal-data',
    );
    expect(templates.templateOf('GET', '/v1/audit/checkpoints/latest')).toBe('/v1/audit/checkpoints/latest');
  });

  it('keeps only static route segments of a path that matches no route', () => {
    expect(templates.templateOf('GET', '/v1/subjects/max.mustermann@example.org/unknown')).toBe(
      '/v1/subjects/:param/:param',
    );
    expect(templates.templateOf('DELETE', '/')).toBe('/');
  });
});
