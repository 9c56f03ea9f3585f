import { randomUUID } from 'node:crypto';
import { startSumsubStandIn, sumsubAuthHeaders } from '../test/support/vendors/sumsub';
import { startCompiledApp } from './compiled-app';
import { measure, report, reportRun } from './lib';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const SESSIONS = Math.max(20, Math.round(300 * SCALE));
const APP_TOKEN = 'sbx:bench-token';
const SECRET = 'bench-sumsub-secret';

/**
 * Vendor orchestration: opening a vendor session through the compiled app (embedded profile) against a Sumsub API
 * stand-in on loopback that answers at once, beside its peer — the same two vendor calls (create applicant, SDK
 * token) made directly from this process. The difference is the ledger's own cost per session: domain checks,
 * the `VendorSessionOpened` append, the resilience policy, HTTP. Then the answer time of a vendor that is down:
 * with the breaker closed (the call and its retries with backoff) and once the breaker is open (refused at once);
 * the time from the vendor's recovery to an empty queue (the dispatcher opens the queued sessions by itself,
 * beside its limit: breaker open time plus one round); and with the vendor failing half its calls, how many
 * sessions open at once and how many are queued, and how long the queue takes to drain once it is healthy.
 */
export async function benchVendors(): Promise<void> {
  const sumsub = await startSumsubStandIn({ appToken: APP_TOKEN, secretKey: SECRET });
  const direct = async (): Promise<void> => {
    const externalUserId = `bench_${randomUUID()}`;
    const create = '/resources/applicants?levelName=basic-kyc-level';
    const createBody = JSON.stringify({ externalUserId });
    const created = await fetch(`${sumsub.baseUrl}${create}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...sumsubAuthHeaders(APP_TOKEN, SECRET, 'POST', create, createBody),
      },
      body: createBody,
    });
    if (created.status !== 201) throw new Error(`direct create: ${created.status}`);
    await created.arrayBuffer();
    const token = '/resources/accessTokens/sdk';
    const tokenBody = JSON.stringify({
      userId: externalUserId,
      levelName: 'basic-kyc-level',
      ttlInSecs: 1800,
    });
    const minted = await fetch(`${sumsub.baseUrl}${token}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...sumsubAuthHeaders(APP_TOKEN, SECRET, 'POST', token, tokenBody),
      },
      body: tokenBody,
    });
    if (minted.status !== 200) throw new Error(`direct token: ${minted.status}`);
    await minted.arrayBuffer();
  };

  const bench = await startCompiledApp('vendors', {
    SUMSUB_APP_TOKEN: APP_TOKEN,
    SUMSUB_SECRET_KEY: SECRET,
    SUMSUB_API_URL: sumsub.baseUrl,
  });
  const { post, base } = bench;
  try {
    const start = async (): Promise<string> => {
      const subjectId = `bench_${randomUUID().slice(0, 12)}`;
      await post(
        `/v1/subjects/${subjectId}/consents`,
        { scopes: ['identity_verification'], noticeVersion: '2026-01', locale: 'de-DE', channel: 'web' },
        201,
      );
      const started = await post(
        '/v1/verifications',
        { subjectId, jurisdiction: 'DE', segment: 'retail' },
        201,
      );
      return started.sessionId as string;
    };
    const sessions: string[] = [];
    await measure(SESSIONS * 2 + 40 + Math.max(20, Math.round(100 * SCALE)), 8, async () => {
      sessions.push(await start());
    });
    for (const concurrency of [1, 8]) {
      const slice = sessions.splice(0, SESSIONS);
      reportRun(`vendors.direct.c${concurrency}`, await measure(SESSIONS, concurrency, direct), 'sessions/s');
      reportRun(
        `vendors.ledger.c${concurrency}`,
        await measure(slice.length, concurrency, (i) =>
          post(`/v1/verifications/${slice[i] ?? ''}/vendor-session`, { vendor: 'sumsub' }, 200),
        ),
        'sessions/s',
      );
    }

    // The vendor is down: each call fails after its retries until the breaker opens, then is refused at once.
    sumsub.down();
    const downTimes: number[] = [];
    const open = async (sessionId: string): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${base}/v1/verifications/${sessionId}/vendor-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bench.key}` },
        body: JSON.stringify({ vendor: 'sumsub' }),
      });
      await res.arrayBuffer();
      if (res.status !== 503) throw new Error(`vendor down: expected 503, got ${res.status}`);
      return performance.now() - t0;
    };
    for (const sessionId of sessions.splice(0, 5)) downTimes.push(await open(sessionId));
    report('vendors.down.breaker_closed.first_503', downTimes[0] ?? Number.NaN, 'ms');
    const refused: number[] = [];
    for (const sessionId of sessions.splice(0, 20)) refused.push(await open(sessionId));
    refused.sort((a, b) => a - b);
    report('vendors.down.breaker_open.p50_503', refused[Math.floor(refused.length / 2)] ?? Number.NaN, 'ms');

    // Every session the outage turned away is queued; once the vendor answers again, the dispatcher opens them
    // by itself. Its limit: the breaker's open time (30 s) plus one dispatcher round (5 s), then the opens.
    const queuedAtOutage = await queuedSessions(base);
    sumsub.up();
    const recovered = performance.now();
    await drained(base, 120_000);
    const drainMs = performance.now() - recovered;
    report('vendors.outage.queued_sessions', queuedAtOutage, 'sessions');
    report('vendors.outage.recovery_to_empty_queue', drainMs, 'ms');
    report('vendors.outage.recovery_limit_breaker_plus_round', 35_000, 'ms');

    // A vendor failing half its calls (each call retried twice with backoff): how many sessions open at once and
    // how many are queued, beside the same number against the healthy vendor above (all open).
    const flaky = sessions.splice(0, Math.min(sessions.length, Math.max(20, Math.round(100 * SCALE))));
    sumsub.flaky(0.5, 7);
    let completed = 0;
    let queued = 0;
    const t0 = performance.now();
    await measure(flaky.length, 8, async (i) => {
      const res = await fetch(`${base}/v1/verifications/${flaky[i] ?? ''}/vendor-session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bench.key}` },
        body: JSON.stringify({ vendor: 'sumsub' }),
      });
      await res.arrayBuffer();
      if (res.status === 200) completed += 1;
      else if (res.status === 503) queued += 1;
      else throw new Error(`vendor failing half its calls: ${res.status}`);
    });
    const flakyMs = performance.now() - t0;
    report('vendors.flaky50.sessions', flaky.length, 'sessions');
    report('vendors.flaky50.completed', completed, 'sessions');
    report('vendors.flaky50.queued', queued, 'sessions');
    report('vendors.flaky50.throughput', (flaky.length / flakyMs) * 1000, 'sessions/s');
    const flakyQueued = await queuedSessions(base);
    sumsub.up();
    const back = performance.now();
    await drained(base, 120_000);
    report('vendors.flaky50.queued_at_end', flakyQueued, 'sessions');
    report('vendors.flaky50.recovery_to_empty_queue', performance.now() - back, 'ms');
    const applicants = new Map<string, number>();
    for (const applicant of sumsub.applicants.values()) {
      applicants.set(applicant.externalUserId, (applicants.get(applicant.externalUserId) ?? 0) + 1);
    }
    const duplicates = [...applicants.values()].filter((n) => n > 1).length;
    report('vendors.duplicate_applicants', duplicates, 'applicants');
  } finally {
    await bench.close();
    await sumsub.close();
  }
}

/** Sessions waiting for a vendor, as `/metrics` counts them (`kyc_ledger_vendor_queued_calls`, open_session). */
async function queuedSessions(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('kyc_ledger_vendor_queued_calls{') && line.includes('operation="open_session"')) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

/** Resolves once no session waits for a vendor; fails after `timeoutMs`. */
async function drained(base: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await queuedSessions(base)) > 0) {
    if (performance.now() > deadline) throw new Error(`the vendor queue did not drain in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
