import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SignatureCheckFailed, hexMatches } from '../../src/webhooks/signature';
import { OnfidoAdapter } from '../../src/webhooks/vendors/onfido';
import { parsePersonaSignature, PersonaAdapter } from '../../src/webhooks/vendors/persona';
import { SumsubAdapter } from '../../src/webhooks/vendors/sumsub';
import { VeriffAdapter } from '../../src/webhooks/vendors/veriff';
import type { VendorAdapter } from '../../src/webhooks/vendors/vendor-adapter';
import { hmacHex, signedHeaders, WEBHOOK_SECRETS } from '../support/webhook-signing';

const BODY = Buffer.from('{"type":"applicantReviewed","applicantId":"5cb56e8e0a975a35f333cb83"}');
const NOW = new Date('2026-11-26T10:00:00.000Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);

function failure(adapter: VendorAdapter, body: Buffer, headers: Record<string, string>, now = NOW): string {
  try {
    adapter.verify(body, headers, now);
  } catch (error) {
    expect(error).toBeInstanceOf(SignatureCheckFailed);
    return (error as SignatureCheckFailed).reason;
  }
  return 'verified';
}

/** The same body with one byte changed. */
function tampered(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  copy[copy.length - 2] = (copy[copy.length - 2] ?? 0) ^ 1;
  return copy;
}

describe(OnfidoAdapter.name, () => {
  const adapter = new OnfidoAdapter(WEBHOOK_SECRETS.onfido);

  it('verifies the test vector of Onfido’s public SDK tests', () => {
    const vector = JSON.parse(
      readFileSync(join(__dirname, '../fixtures/webhooks/onfido/sdk-test-vector.json'), 'utf8'),
    ) as { token: string; signature: string; body: string };
    const sdk = new OnfidoAdapter(vector.token);
    const raw = Buffer.from(vector.body, 'utf8');
    expect(failure(sdk, raw, { 'x-sha2-signature': vector.signature })).toBe('verified');
    expect(failure(sdk, raw, { 'x-sha2-signature': vector.signature.toUpperCase() })).toBe('verified');
    // The SDK's own negative case: the first nibble changed.
    expect(failure(sdk, raw, { 'x-sha2-signature': `b${vector.signature.slice(1)}` })).toBe('mismatch');
    // Signatures cover the raw bytes: the same JSON re-serialised with other whitespace does not verify.
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(vector.body), null, 1));
    expect(failure(sdk, reformatted, { 'x-sha2-signature': vector.signature })).toBe('mismatch');
  });

  it('refuses a changed body, another token, a missing header and an unconfigured token', () => {
    const headers = signedHeaders('onfido', BODY);
    expect(failure(adapter, BODY, headers)).toBe('verified');
    expect(failure(adapter, tampered(BODY), headers)).toBe('mismatch');
    expect(failure(adapter, BODY, signedHeaders('onfido', BODY, { secret: 'another-token' }))).toBe(
      'mismatch',
    );
    expect(failure(adapter, BODY, {})).toBe('missing_header');
    expect(failure(new OnfidoAdapter(undefined), BODY, headers)).toBe('not_configured');
  });
});

describe(VeriffAdapter.name, () => {
  const adapter = new VeriffAdapter(WEBHOOK_SECRETS.veriff);

  it('verifies X-HMAC-SIGNATURE over the raw body and needs X-AUTH-CLIENT', () => {
    const headers = signedHeaders('veriff', BODY);
    expect(failure(adapter, BODY, headers)).toBe('verified');
    expect(failure(adapter, tampered(BODY), headers)).toBe('mismatch');
    expect(failure(adapter, BODY, { 'x-hmac-signature': headers['x-hmac-signature']! })).toBe(
      'missing_header',
    );
    expect(failure(adapter, BODY, signedHeaders('veriff', BODY, { secret: 'nope' }))).toBe('mismatch');
    expect(failure(new VeriffAdapter(undefined), BODY, headers)).toBe('not_configured');
  });
});

describe(SumsubAdapter.name, () => {
  const adapter = new SumsubAdapter(WEBHOOK_SECRETS.sumsub);

  it('verifies X-Payload-Digest with each algorithm X-Payload-Digest-Alg names', () => {
    for (const sumsubAlg of ['HMAC_SHA1_HEX', 'HMAC_SHA256_HEX', 'HMAC_SHA512_HEX'] as const) {
      const headers = signedHeaders('sumsub', BODY, { sumsubAlg });
      expect(failure(adapter, BODY, headers), sumsubAlg).toBe('verified');
      expect(failure(adapter, tampered(BODY), headers), sumsubAlg).toBe('mismatch');
    }
  });

  it('refuses a digest under another algorithm than the header names, an unknown algorithm and no header', () => {
    const sha1 = signedHeaders('sumsub', BODY, { sumsubAlg: 'HMAC_SHA1_HEX' });
    expect(failure(adapter, BODY, { ...sha1, 'x-payload-digest-alg': 'HMAC_SHA256_HEX' })).toBe('mismatch');
    expect(failure(adapter, BODY, { ...sha1, 'x-payload-digest-alg': 'MD5_HEX' })).toBe('malformed_header');
    expect(failure(adapter, BODY, { 'x-payload-digest': sha1['x-payload-digest']! })).toBe('missing_header');
    expect(failure(new SumsubAdapter(undefined), BODY, sha1)).toBe('not_configured');
  });
});

describe(PersonaAdapter.name, () => {
  const adapter = new PersonaAdapter(WEBHOOK_SECRETS.persona, 300);
  const sign = (t: number, secret: string = WEBHOOK_SECRETS.persona[0]): string =>
    `t=${t},v1=${hmacHex('sha256', secret, `${t}.`, BODY)}`;

  it('verifies v1 over "{t}.{raw body}" within the tolerance', () => {
    expect(failure(adapter, BODY, { 'persona-signature': sign(NOW_S) })).toBe('verified');
    expect(failure(adapter, BODY, { 'persona-signature': sign(NOW_S - 299) })).toBe('verified');
    expect(failure(adapter, tampered(BODY), { 'persona-signature': sign(NOW_S) })).toBe('mismatch');
    // The timestamp is signed: moving it forward breaks the signature.
    const moved = sign(NOW_S - 1000).replace(`t=${NOW_S - 1000}`, `t=${NOW_S}`);
    expect(failure(adapter, BODY, { 'persona-signature': moved })).toBe('mismatch');
  });

  it('refuses a replay outside the tolerance, in the past and in the future', () => {
    expect(failure(adapter, BODY, { 'persona-signature': sign(NOW_S - 301) })).toBe('stale_timestamp');
    expect(failure(adapter, BODY, { 'persona-signature': sign(NOW_S + 301) })).toBe('stale_timestamp');
    const strict = new PersonaAdapter(WEBHOOK_SECRETS.persona, 10);
    expect(failure(strict, BODY, { 'persona-signature': sign(NOW_S - 11) })).toBe('stale_timestamp');
  });

  it('accepts any of several signature sets during a rotation, under any configured secret', () => {
    const unknown = sign(NOW_S, 'wbhsec_unknown');
    const header = `${unknown} ${sign(NOW_S, WEBHOOK_SECRETS.persona[1])}`;
    expect(failure(adapter, BODY, { 'persona-signature': header })).toBe('verified');
    expect(failure(adapter, BODY, { 'persona-signature': `${sign(NOW_S - 900)} ${sign(NOW_S)}` })).toBe(
      'verified',
    );
    expect(failure(adapter, BODY, { 'persona-signature': `${unknown} ${sign(NOW_S, 'wbhsec_other')}` })).toBe(
      'mismatch',
    );
    // After the rotation only the new secret is configured: the old one no longer verifies.
    const rotated = new PersonaAdapter([WEBHOOK_SECRETS.persona[0]], 300);
    expect(failure(rotated, BODY, { 'persona-signature': sign(NOW_S, WEBHOOK_SECRETS.persona[1]) })).toBe(
      'mismatch',
    );
  });

  it('refuses malformed headers and works with no secret configured only to refuse', () => {
    for (const header of ['v1=abc', 't=abc,v1=00', 't=1', 'garbage', '']) {
      const reason = failure(adapter, BODY, header === '' ? {} : { 'persona-signature': header });
      expect(['malformed_header', 'missing_header'], header).toContain(reason);
    }
    expect(failure(new PersonaAdapter([], 300), BODY, { 'persona-signature': sign(NOW_S) })).toBe(
      'not_configured',
    );
  });

  it('parses at most a bounded number of sets and signatures', () => {
    const many = Array.from({ length: 20 }, (_, i) => `t=${NOW_S},v1=${i}`).join(' ');
    expect(parsePersonaSignature(many)).toHaveLength(4);
    expect(parsePersonaSignature(`t=${NOW_S},v1=a,v1=b`)).toEqual([
      { timestamp: NOW_S, signatures: ['a', 'b'] },
    ]);
  });
});

describe(hexMatches.name, () => {
  it('compares hex of the expected length only, in either case', () => {
    const expected = Buffer.from('00ff10', 'hex');
    expect(hexMatches('00ff10', expected)).toBe(true);
    expect(hexMatches('00FF10', expected)).toBe(true);
    expect(hexMatches('00ff1', expected)).toBe(false);
    expect(hexMatches('00ff100', expected)).toBe(false);
    expect(hexMatches('00ff1g', expected)).toBe(false);
    expect(hexMatches('', expected)).toBe(false);
  });
});
