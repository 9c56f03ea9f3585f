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
 * with the breaker closed (the call and its retries with backoff) and once the breaker is open (refused at once).
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
    await measure(SESSIONS * 2 + 40, 8, async () => {
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
    sumsub.up();
  } finally {
    await bench.close();
    await sumsub.close();
  }
}
