import { EventEmitter } from 'node:events';
import type { NextFunction, Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import {
  type RequestLine,
  requestLogging,
  RouteTemplates,
} from '../../src/platform/observability/request-logging';

const ROUTES = new RouteTemplates([
  { method: 'GET', path: '/health' },
  { method: 'GET', path: '/health/live' },
  { method: 'GET', path: '/health/ready' },
  { method: 'GET', path: '/metrics' },
  { method: 'GET', path: '/v1/verifications/:sessionId' },
]);

/** Runs one request through the middleware and answers it with `status`; returns the level and line logged. */
function logOf(method: string, path: string, status: number): { level: string; line: RequestLine }[] {
  const logged: { level: string; line: RequestLine }[] = [];
  const logger = {
    log: (line: RequestLine) => logged.push({ level: 'info', line }),
    debug: (line: RequestLine) => logged.push({ level: 'debug', line }),
  };
  const res = Object.assign(new EventEmitter(), { statusCode: status, writableFinished: true });
  const req = { method, originalUrl: path, url: path, baseUrl: '' };
  const next: NextFunction = () => undefined;
  requestLogging(ROUTES, logger)(req as unknown as Request, res as unknown as Response, next);
  res.emit('finish');
  return logged;
}

describe(requestLogging.name, () => {
  it('logs probes and scrapes that succeeded at debug, and every other request at info', () => {
    for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) {
      expect(
        logOf('GET', path, 200).map((l) => l.level),
        path,
      ).toEqual(['debug']);
    }
    expect(logOf('GET', '/v1/verifications/ses_1', 200)).toEqual([
      {
        level: 'info',
        line: expect.objectContaining({ route: '/v1/verifications/:sessionId', status: 200 }),
      },
    ]);
  });

  it('logs a failed probe at info: an unready service is news', () => {
    expect(logOf('GET', '/health/ready', 503).map((l) => l.level)).toEqual(['info']);
    expect(logOf('GET', '/health', 401).map((l) => l.level)).toEqual(['info']);
    expect(logOf('POST', '/health/live', 404).map((l) => l.level)).toEqual(['info']);
  });
});
