import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/platform/auth/rate-limit.guard';
import { applyServerTimeouts } from '../../src/app/server-timeouts';
import { startTestApp, type TestApp } from '../support/app';
import { deliver, fixture, signedHeaders, WEBHOOK_ENV } from '../support/webhook-signing';

/** The per-minute limit of these apps: small, so that a budget is spent in a handful of requests. */
const LIMIT = 5;
const LIMITED_ENV = { ...WEBHOOK_ENV, LEDGER_RATE_LIMIT_PER_MINUTE: String(LIMIT) };

async function status(t: TestApp, path: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`${t.baseUrl}${path}`, { headers });
  await res.arrayBuffer();
  return res.status;
}

/** A request with an API key nobody holds, from the client `forwardedFor` names (when given). */
function guess(t: TestApp, forwardedFor?: string): Promise<number> {
  return status(t, '/v1/me', {
    authorization: `Bearer guess-${randomUUID()}`,
    ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
  });
}

async function guesses(t: TestApp, count: number, forwardedFor?: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push(await guess(t, forwardedFor));
  return statuses;
}

/** A Sumsub delivery of its own (a new applicant each time), signed with the test secret unless told otherwise. */
function sumsubDelivery(t: TestApp, signature: 'valid' | 'forged' = 'valid') {
  const body = fixture('sumsub/applicant-pending.json', {
    vendorReference: randomUUID().replaceAll('-', '').slice(0, 24),
    sessionId: randomUUID(),
    createdAtMs: '2026-11-26 10:00:00.000',
  });
  const headers = signedHeaders('sumsub', body, signature === 'forged' ? { secret: 'not-the-secret' } : {});
  return deliver(t, 'sumsub', body, headers);
}

describe(`${RateLimiter.name}: separate budgets`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(LIMITED_ENV);
  });
  afterAll(async () => {
    await t.close();
  });

  it('throttles failed authentications per address, and nothing else with them', async () => {
    const statuses = await guesses(t, LIMIT + 1);
    expect(statuses.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(statuses[LIMIT]).toBe(429);

    // The orchestrator's probes and the scraper are never limited.
    for (let i = 0; i < LIMIT + 1; i += 1) {
      expect(await status(t, '/health/live')).toBe(200);
      expect(await status(t, '/health/ready')).toBe(200);
      expect(await status(t, '/health')).toBe(200);
      expect(await status(t, '/metrics')).toBe(200);
    }
    // A vendor's signed delivery spends the vendor's budget, not the address's failures.
    const delivery = await sumsubDelivery(t);
    expect([200, 202]).toContain(delivery.status);
    // A principal has a budget of its own.
    expect(await status(t, '/v1/me', { authorization: `Bearer ${t.keys.auditor}` })).toBe(200);
    // And the address's failures stay throttled.
    expect(await guess(t)).toBe(429);
    expect((await sumsubDelivery(t, 'forged')).status).toBe(429);
  });
});

describe(`${RateLimiter.name}: vendor webhooks`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(LIMITED_ENV);
  });
  afterAll(async () => {
    await t.close();
  });

  it('counts a forged signature as a failed authentication, a verified delivery against its vendor', async () => {
    const forged: number[] = [];
    for (let i = 0; i < LIMIT + 1; i += 1) forged.push((await sumsubDelivery(t, 'forged')).status);
    expect(forged.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(forged[LIMIT]).toBe(429);

    // Forgeries did not spend Sumsub's budget: its real deliveries still arrive, up to its own limit.
    const delivered: number[] = [];
    for (let i = 0; i < LIMIT + 1; i += 1) delivered.push((await sumsubDelivery(t)).status);
    expect(delivered.slice(0, LIMIT).every((s) => s === 200 || s === 202)).toBe(true);
    const parked = async (): Promise<number> => {
      const res = await fetch(`${t.baseUrl}/v1/webhooks/parked?vendor=sumsub&limit=200`, {
        headers: { authorization: `Bearer ${t.keys.admin}` },
      });
      return ((await res.json()) as { items: unknown[] }).items.length;
    };
    const before = await parked();
    const limited = await sumsubDelivery(t);
    expect(limited.status).toBe(429);
    // Refused before anything was kept: the vendor's retry will be the delivery's first arrival.
    expect(await parked()).toBe(before);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.body).toMatchObject({ code: 'too_many_requests' });

    // Another vendor has its own budget.
    const body = fixture('persona/inquiry-created.json', {
      vendorReference: `inq_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      sessionId: randomUUID(),
      eventId: `evt_${randomUUID().replaceAll('-', '').slice(0, 24)}`,
      occurredAt: new Date().toISOString(),
    });
    const persona = await deliver(t, 'persona', body, signedHeaders('persona', body));
    expect([200, 202]).toContain(persona.status);
  });
});

describe(`${RateLimiter.name}: client address behind a proxy`, () => {
  it('ignores X-Forwarded-For unless LEDGER_TRUST_PROXY trusts the hop it came from', async () => {
    const t = await startTestApp(LIMITED_ENV);
    try {
      expect((await guesses(t, LIMIT + 1, '203.0.113.10')).at(-1)).toBe(429);
      // Not trusted: every client behind the header is the same address, the one that connected.
      expect(await guess(t, '203.0.113.11')).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('gives each client behind a trusted proxy its own budget', async () => {
    const t = await startTestApp({ ...LIMITED_ENV, LEDGER_TRUST_PROXY: '127.0.0.1' });
    try {
      expect((await guesses(t, LIMIT + 1, '203.0.113.10')).at(-1)).toBe(429);
      expect(await guess(t, '203.0.113.11')).toBe(401);
      // Only the trusted hop is believed: a client cannot pick its address by prepending one.
      expect(await guess(t, '198.51.100.7, 203.0.113.10')).toBe(429);
    } finally {
      await t.close();
    }
  });
});

/** A raw TCP connection to the app; `closed` resolves when the server hangs up, with when and what it sent. */
function rawConnection(t: TestApp): { socket: Socket; closed: Promise<{ at: number; received: string }> } {
  const { port } = new URL(t.baseUrl);
  const socket = connect(Number(port), '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  // Writes after the server hung up fail; the close is what the test waits for.
  socket.on('error', () => {
    // the close is what counts
  });
  const closed = new Promise<{ at: number; received: string }>((resolve) => {
    socket.on('close', () => {
      resolve({ at: Date.now(), received });
    });
  });
  return { socket, closed };
}

/** Sends one byte every 100 ms until the connection closes (a slowloris client). */
function trickle(socket: Socket, byte: string): void {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(byte);
  }, 100);
  socket.on('close', () => {
    clearInterval(timer);
  });
}

describe(applyServerTimeouts.name, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      LEDGER_HEADERS_TIMEOUT_MS: '1000',
      LEDGER_REQUEST_TIMEOUT_MS: '2000',
      LEDGER_KEEP_ALIVE_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('cuts off a client that sends its headers slowly', { timeout: 20_000 }, async () => {
    const { socket, closed } = rawConnection(t);
    const started = Date.now();
    socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    trickle(socket, 'a');
    const { at, received } = await closed;
    // 1 s headers timeout, checked every 250 ms; Node's defaults would hold the connection for 60 s.
    expect(at - started).toBeLessThan(4000);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts off a client that sends its body slowly', { timeout: 20_000 }, async () => {
    const { socket, closed } = rawConnection(t);
    const started = Date.now();
    socket.write(
      'POST /v1/webhooks/sumsub HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        'Content-Length: 10000\r\n\r\n{',
    );
    trickle(socket, ' ');
    const { at, received } = await closed;
    // 2 s request timeout; Node's default is 300 s.
    expect(at - started).toBeLessThan(5000);
    expect(at - started).toBeGreaterThanOrEqual(1500);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes an idle keep-alive connection after the keep-alive timeout', { timeout: 20_000 }, async () => {
    const { socket, closed } = rawConnection(t);
    const answered = new Promise<number>((resolve) => {
      socket.on('data', (chunk: string) => {
        if (chunk.includes('"status":"ok"')) resolve(Date.now());
      });
    });
    socket.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n');
    const answeredAt = await answered;
    const { at } = await closed;
    // 1 s keep-alive timeout; Node's default is 5 s.
    expect(at - answeredAt).toBeLessThan(3000);
  });
});
