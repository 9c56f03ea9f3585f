import { afterEach, describe, expect, it, vi } from 'vitest';
import { VendorCallError, VendorUnavailableError } from '../../src/vendors/vendor-errors';
import { type ResilienceOptions, VendorResilience } from '../../src/vendors/vendor-resilience';

const OPTIONS: ResilienceOptions = {
  retries: 2,
  backoffMs: 0,
  breakAfter: 2,
  halfOpenAfterMs: 30_000,
  concurrency: 4,
  queue: 4,
};

const failing = (status: number) => (): Promise<never> =>
  Promise.reject(new VendorCallError('sumsub', 'create', 'VendorHttpError', { httpStatus: status }));

describe('VendorResilience', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries what is worth another attempt and counts the attempts; a refused request (4xx) once', async () => {
    const guard = new VendorResilience('sumsub', OPTIONS);
    const busy = await guard.run('create', failing(503));
    expect(busy).toMatchObject({ ok: false, attempts: 3 });
    const refused = await new VendorResilience('sumsub', OPTIONS).run('create', failing(400));
    expect(refused).toMatchObject({ ok: false, attempts: 1 });
    let calls = 0;
    const flaky = await new VendorResilience('sumsub', OPTIONS).run('create', () => {
      calls += 1;
      return calls < 3 ? failing(502)() : Promise.resolve('ok');
    });
    expect(flaky).toEqual({ ok: true, value: 'ok', attempts: 3 });
  });

  it('opens the breaker after consecutive failed calls, refuses without calling, and lets one call try once its open time is over', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const guard = new VendorResilience('sumsub', OPTIONS);
    expect(guard.state).toBe('closed');
    await guard.run('create', failing(503));
    expect(guard.state).toBe('closed');
    await guard.run('create', failing(503));
    expect(guard.state).toBe('open');
    let called = false;
    const refused = await guard.run('create', () => {
      called = true;
      return Promise.resolve('ok');
    });
    expect(called).toBe(false);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error).toBeInstanceOf(VendorUnavailableError);
    expect(!refused.ok && (refused.error as VendorUnavailableError).retryAfterSeconds).toBe(30);
    // The open time passes with no call: callers (health, the dispatcher) see that the next call may try,
    // although cockatiel itself moves on only when that call comes.
    vi.setSystemTime(Date.now() + OPTIONS.halfOpenAfterMs - 1);
    expect(guard.state).toBe('open');
    vi.setSystemTime(Date.now() + 1);
    expect(guard.state).toBe('half_open');
    await expect(guard.run('create', () => Promise.resolve('back'))).resolves.toMatchObject({ ok: true });
    expect(guard.state).toBe('closed');
  });
});
