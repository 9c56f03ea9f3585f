import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type * as Vendors from '../src/webhooks/vendors';
import { startCompiledApp } from './compiled-app';
import { measure, report, reportRun } from './lib';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const SESSIONS = Math.max(20, Math.round(400 * SCALE));
const SECRET = 'sumsub_bench_secret_key';

const hmac = (algorithm: string, secret: string, ...parts: (string | Buffer)[]): string => {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
};

/**
 * Vendor webhooks: signature checks alone (every vendor's scheme, in process), then signed Sumsub deliveries over
 * HTTP against the compiled app on the embedded profile — first deliveries (each records a result and approves
 * its session), then redeliveries of the same events (duplicates: verified, looked up, nothing appended).
 */
export async function benchWebhooks(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the compiled app, loaded at run time */
  const { vendorAdapters } = require('../dist/webhooks/vendors') as typeof Vendors;
  /* eslint-enable @typescript-eslint/no-require-imports */

  const body = Buffer.from(
    JSON.stringify({
      applicantId: 'a'.repeat(24),
      type: 'applicantReviewed',
      createdAtMs: '2026-11-26 10:00:00.000',
    }),
  );
  const now = new Date();
  const t = String(Math.floor(now.getTime() / 1000));
  const adapters = vendorAdapters({
    onfido: SECRET,
    veriff: SECRET,
    sumsub: SECRET,
    persona: ['wbhsec_other', SECRET],
    personaToleranceSeconds: 300,
  });
  const headers = {
    onfido: { 'x-sha2-signature': hmac('sha256', SECRET, body) },
    veriff: { 'x-auth-client': 'k', 'x-hmac-signature': hmac('sha256', SECRET, body) },
    sumsub: { 'x-payload-digest': hmac('sha512', SECRET, body), 'x-payload-digest-alg': 'HMAC_SHA512_HEX' },
    persona: { 'persona-signature': `t=${t},v1=${hmac('sha256', SECRET, `${t}.`, body)}` },
  };
  for (const vendor of ['onfido', 'veriff', 'sumsub', 'persona'] as const) {
    const rounds = Math.max(2000, Math.round(50_000 * SCALE));
    const t0 = performance.now();
    for (let i = 0; i < rounds; i += 1) adapters[vendor].verify(body, headers[vendor], now);
    report(`webhooks.verify.${vendor}`, rounds / ((performance.now() - t0) / 1000), 'verifications/s');
  }

  const bench = await startCompiledApp('webhooks', { SUMSUB_WEBHOOK_SECRET: SECRET });
  const { base, post } = bench;

  try {
    // Sessions waiting for their identity checks: consent, start, evidence at Sumsub, a clear screening.
    const deliveries: Buffer[] = [];
    await measure(SESSIONS, 8, async () => {
      const subjectId = `bench_${randomUUID().slice(0, 12)}`;
      const applicantId = randomBytes(12).toString('hex');
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
      const id = started.sessionId as string;
      await post(
        `/v1/verifications/${id}/evidence`,
        {
          kind: 'document',
          documentType: 'passport',
          issuingCountry: 'DE',
          vendor: 'sumsub',
          vendorReference: applicantId,
        },
        201,
      );
      await post(
        `/v1/verifications/${id}/vendor-results`,
        {
          vendor: 'screening',
          vendorEventId: `scr_${id}`,
          vendorCreatedAt: new Date().toISOString(),
          checks: [{ kind: 'sanctions', result: 'clear' }],
        },
        200,
      );
      deliveries.push(
        Buffer.from(
          JSON.stringify({
            applicantId,
            type: 'applicantReviewed',
            externalUserId: id,
            levelName: 'id-and-liveness',
            reviewResult: { reviewAnswer: 'GREEN' },
            reviewStatus: 'completed',
            createdAtMs: new Date().toISOString().replace('T', ' ').replace('Z', ''),
          }),
        ),
      );
    });

    const deliver = async (raw: Buffer, expected: string): Promise<void> => {
      const res = await fetch(`${base}/v1/webhooks/sumsub`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-payload-digest': hmac('sha256', SECRET, raw),
          'x-payload-digest-alg': 'HMAC_SHA256_HEX',
        },
        body: raw,
      });
      const json = (await res.json()) as { status?: string };
      if (res.status !== 200 || json.status !== expected) {
        throw new Error(`webhook: ${res.status} ${JSON.stringify(json)}`);
      }
    };
    for (const concurrency of [1, 16]) {
      const slice =
        concurrency === 1 ? deliveries.splice(0, Math.max(10, Math.round(SESSIONS / 4))) : deliveries;
      reportRun(
        `webhooks.http.c${concurrency}.recorded`,
        await measure(slice.length, concurrency, (i) => deliver(slice[i] ?? Buffer.alloc(0), 'recorded')),
        'deliveries/s',
      );
      reportRun(
        `webhooks.http.c${concurrency}.duplicate`,
        await measure(slice.length, concurrency, (i) => deliver(slice[i] ?? Buffer.alloc(0), 'duplicate')),
        'deliveries/s',
      );
    }
  } finally {
    await bench.close();
  }
}
