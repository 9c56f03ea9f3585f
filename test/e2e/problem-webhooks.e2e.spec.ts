import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { signedHeaders, WEBHOOK_SECRETS } from '../support/webhook-signing';

/** A deployment that configured Veriff only: the other vendors cannot be verified, which is not a bad signature. */
describe('webhooks of vendors that are not configured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ VERIFF_WEBHOOK_SECRET: WEBHOOK_SECRETS.veriff }, {}, { captureLogs: true });
  });
  afterAll(async () => {
    await t.close();
  });

  const deliver = (vendor: string, body: Buffer, headers: Record<string, string>) =>
    fetch(`${t.baseUrl}/v1/webhooks/${vendor}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('answers 404 vendor_not_configured for a known vendor without a secret, with no bearer challenge', async () => {
    const body = Buffer.from('{"payload":{"resource_type":"check"}}');
    for (const vendor of ['onfido', 'sumsub', 'persona'] as const) {
      const res = await deliver(vendor, body, signedHeaders(vendor, body));
      expect(res.status, vendor).toBe(404);
      expect(res.headers.get('www-authenticate'), vendor).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ status: 404, code: 'vendor_not_configured', vendor });
    }
  });

  it('still answers 401 to a bad signature of a configured vendor, without WWW-Authenticate', async () => {
    const body = Buffer.from('{"id":"x"}');
    const res = await deliver('veriff', body, signedHeaders('veriff', body, { secret: 'not-the-secret' }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await res.json()).toMatchObject({ code: 'invalid_webhook_signature' });
    // An unknown vendor is a route that does not exist.
    const unknown = await deliver('acme', body, {});
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not_found' });
    // The API's own 401 keeps its bearer challenge.
    const api = await fetch(`${t.baseUrl}/v1/verifications`);
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('says at start-up which vendors are configured, by name and never a secret', () => {
    const lines = t.logLines();
    const line = lines.find((l) => l.includes('vendor webhooks configured'));
    expect(line, lines.join('\n')).toBeDefined();
    expect(line).toMatch(/vendor webhooks configured: veriff; not configured[^"]*onfido, sumsub, persona/);
    expect(lines.filter((l) => l.includes(WEBHOOK_SECRETS.veriff))).toEqual([]);
  });
});
