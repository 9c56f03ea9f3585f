import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { applyServerTimeouts } from '../../src/app/server-timeouts';
import {
  clientAddress,
  type RateBudget,
  RateLimiter,
  RateLimitExceededError,
} from '../../src/platform/auth/rate-limit.guard';
import { SlidingWindowStorage } from '../../src/platform/auth/sliding-window-storage';
import { type AppConfig, loadConfig } from '../../src/platform/config/config';
import { parseTrustProxy } from '../../src/platform/config/config-schema';
import { configProblems } from '../support/config-problems';

const problemsOf = configProblems;

describe('LEDGER_TRUST_PROXY', () => {
  it('believes no proxy unless told', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ LEDGER_TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(loadConfig({ LEDGER_TRUST_PROXY: '0' }).trustProxy).toBe(false);
  });

  it('takes a hop count, or the proxies by address, CIDR or Express name', () => {
    expect(loadConfig({ LEDGER_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ LEDGER_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1 ,fd00::/8,loopback' }).trustProxy).toEqual(
      ['10.0.0.0/8', '127.0.0.1', 'fd00::/8', 'loopback'],
    );
  });

  it.each([
    ['true', /must not be true/],
    ['11', /at most 10 hops/],
    ['10.0.0.0/33', /addresses and CIDRs/],
    ['proxy.internal', /addresses and CIDRs/],
    ['10.0.0.1/8/8', /addresses and CIDRs/],
  ])('refuses %s', (value, problem) => {
    const problems = problemsOf({ LEDGER_TRUST_PROXY: value });
    expect(problems).toEqual([expect.stringMatching(/^LEDGER_TRUST_PROXY /)]);
    expect(problems[0]).toMatch(problem);
    expect(parseTrustProxy(value)).toEqual(expect.any(String));
  });
});

describe('server timeouts', () => {
  it('defaults to 10 s for headers, 30 s for the request, 5 s keep-alive', () => {
    expect(loadConfig({}).serverTimeouts).toEqual({
      headersMs: 10_000,
      requestMs: 30_000,
      keepAliveMs: 5_000,
    });
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(problemsOf({ LEDGER_HEADERS_TIMEOUT_MS: '5000', LEDGER_REQUEST_TIMEOUT_MS: '4000' })).toEqual([
      'LEDGER_HEADERS_TIMEOUT_MS must not exceed LEDGER_REQUEST_TIMEOUT_MS',
    ]);
  });

  it(`${applyServerTimeouts.name} sets them on the server, and checks often enough to keep them`, () => {
    const server = createServer();
    applyServerTimeouts(server, loadConfig({}));
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(30_000);
    expect(server.keepAliveTimeout).toBe(5_000);
    // Node's default check every 30 s would let a 10 s headers timeout run to 40 s.
    expect((server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval).toBe(
      1000,
    );
  });
});

describe(RateLimiter.name, () => {
  const storage = new SlidingWindowStorage();
  afterEach(() => {
    storage.onApplicationShutdown();
  });
  const limiter = (limit: number): RateLimiter =>
    new RateLimiter(storage, { rateLimitPerMinute: limit } as AppConfig);

  async function outcome(rateLimiter: RateLimiter, budget: RateBudget): Promise<'ok' | number> {
    try {
      await rateLimiter.spend(budget);
      return 'ok';
    } catch (error) {
      if (error instanceof RateLimitExceededError) return error.retryAfterSeconds;
      throw error;
    }
  }

  it('keeps each budget apart: spending one does not touch another', async () => {
    const rateLimiter = limiter(2);
    const failures: RateBudget = { kind: 'failed_authentication', address: '203.0.113.1' };
    expect(await outcome(rateLimiter, failures)).toBe('ok');
    expect(await outcome(rateLimiter, failures)).toBe('ok');
    const refused = await outcome(rateLimiter, failures);
    expect(refused).toBeGreaterThanOrEqual(1);
    // The window and at most one bucket (SlidingWindowStorage).
    expect(refused).toBeLessThanOrEqual(61);

    for (const other of [
      { kind: 'failed_authentication', address: '203.0.113.2' },
      { kind: 'vendor', vendor: 'sumsub' },
      { kind: 'principal', principalId: '203.0.113.1' },
    ] satisfies RateBudget[]) {
      expect(await outcome(rateLimiter, other), JSON.stringify(other)).toBe('ok');
    }
  });

  it('counts an IPv6 client by its /64', () => {
    expect(clientAddress({ ip: '2001:db8:1:2::a' })).toBe(clientAddress({ ip: '2001:db8:1:2::b' }));
    expect(clientAddress({ ip: '2001:db8:1:3::a' })).not.toBe(clientAddress({ ip: '2001:db8:1:2::a' }));
    expect(clientAddress({ ip: '203.0.113.1' })).not.toBe(clientAddress({ ip: '203.0.113.2' }));
  });
});

describe(SlidingWindowStorage.name, () => {
  const MINUTE = 60_000;
  let clock = 0;
  const storage = (): SlidingWindowStorage => new SlidingWindowStorage(() => clock);
  afterEach(() => {
    clock = 0;
  });
  const hit = async (s: SlidingWindowStorage, key: string, limit: number) =>
    s.increment(key, MINUTE, limit, 0, 'principal');

  it('lets exactly the limit through in any window, and counts a hit for at least the whole window', async () => {
    const s = storage();
    clock = 10_500;
    for (let i = 0; i < 3; i += 1) expect((await hit(s, 'k', 3)).isBlocked).toBe(false);
    const refused = await hit(s, 'k', 3);
    expect(refused.isBlocked).toBe(true);
    // The oldest bucket (10 s … 11 s) leaves one minute after its end: at 71 s, 60.5 s from now.
    expect(refused.timeToBlockExpire).toBe(61);
    clock = 10_500 + MINUTE - 1;
    expect((await hit(s, 'k', 3)).isBlocked).toBe(true);
    // All three fell in that bucket: they leave together.
    clock = 71_000;
    for (let i = 0; i < 3; i += 1) expect((await hit(s, 'k', 3)).isBlocked).toBe(false);
    expect((await hit(s, 'k', 3)).isBlocked).toBe(true);
  });

  it('frees the budget bucket by bucket as the window slides', async () => {
    const s = storage();
    for (const at of [0, 20_000, 40_000]) {
      clock = at;
      expect((await hit(s, 'k', 3)).isBlocked).toBe(false);
    }
    clock = 50_000;
    const refused = await hit(s, 'k', 3);
    expect(refused).toMatchObject({ isBlocked: true, totalHits: 4, timeToBlockExpire: 11 });
    clock = 61_000;
    expect((await hit(s, 'k', 3)).isBlocked).toBe(false);
    expect((await hit(s, 'k', 3)).isBlocked).toBe(true);
  });

  it('keeps budgets and throttler names apart', async () => {
    const s = storage();
    expect((await hit(s, 'a', 1)).isBlocked).toBe(false);
    expect((await hit(s, 'a', 1)).isBlocked).toBe(true);
    expect((await hit(s, 'b', 1)).isBlocked).toBe(false);
    expect((await s.increment('a', MINUTE, 1, 0, 'vendor')).isBlocked).toBe(false);
  });

  it('holds a budget of any size in at most 60 buckets: a million hits in a window neither throw nor grow it', async () => {
    const s = storage();
    let blocked = 0;
    for (let i = 0; i < 1_000_000; i += 1) {
      clock = i * 0.05; // 50 s of hits, all inside one window
      if ((await hit(s, 'busy', 10_000_000)).isBlocked) blocked += 1;
    }
    expect(blocked).toBe(0);
    const buckets = (s as unknown as { windows: Map<string, { starts: number[] }> }).windows.get(
      'principal\nbusy',
    )?.starts.length;
    expect(buckets).toBeLessThanOrEqual(60);
    expect((await hit(s, 'busy', 1_000_000)).totalHits).toBe(1_000_001);
  });

  it('forgets a budget whose window holds no hit', async () => {
    const s = storage();
    await hit(s, 'gone', 5);
    clock = 30_000;
    await hit(s, 'kept', 5);
    clock = 61_000;
    s.sweep();
    expect(s.size).toBe(1);
    clock = 91_000;
    s.sweep();
    expect(s.size).toBe(0);
    s.onApplicationShutdown();
  });
});
