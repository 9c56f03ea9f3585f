import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookVendor } from '../../src/webhooks/delivery';
import type { TestApp } from './app';

/** Vendor secrets of the test apps (Persona with two: the new one first, as during a rotation). */
/** The personal data the webhook fixtures carry (made up): none of it may survive normalisation or be stored. */
export const FIXTURE_PII: readonly string[] = [
  'Erika',
  'ERIKA',
  'Mustermann',
  'MUSTERMANN',
  '1964-08-12',
  'T22000129',
  'Heidestrasse',
  '203.0.113.7',
];

export const WEBHOOK_SECRETS = {
  onfido: 'onfido_webhook_token_for_tests_0001',
  veriff: 'veriff-shared-secret-for-tests-0002',
  sumsub: 'sumsub_secret_key_for_tests_0003',
  persona: ['wbhsec_persona_new_for_tests_0004', 'wbhsec_persona_old_for_tests_0005'],
} as const;

export const WEBHOOK_ENV: Record<string, string> = {
  ONFIDO_WEBHOOK_TOKEN: WEBHOOK_SECRETS.onfido,
  VERIFF_WEBHOOK_SECRET: WEBHOOK_SECRETS.veriff,
  SUMSUB_WEBHOOK_SECRET: WEBHOOK_SECRETS.sumsub,
  PERSONA_WEBHOOK_SECRETS: WEBHOOK_SECRETS.persona.join(','),
  PERSONA_WEBHOOK_TOLERANCE_SECONDS: '300',
};

const FIXTURES = join(__dirname, '../fixtures/webhooks');

/** A fixture's bytes with its `{{placeholders}}` filled in (placeholders left unfilled are an error). */
export function fixture(path: string, values: Readonly<Record<string, string>> = {}): Buffer {
  const text = readFileSync(join(FIXTURES, path), 'utf8').replace(
    /\{\{(\w+)\}\}/g,
    (_match, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`fixture ${path} needs a value for {{${name}}}`);
      return value;
    },
  );
  return Buffer.from(text, 'utf8');
}

export function hmacHex(
  algorithm: 'sha1' | 'sha256' | 'sha512',
  secret: string,
  ...parts: (string | Buffer)[]
): string {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
}

export interface SignOptions {
  readonly secret?: string;
  /** Sumsub: the digest algorithm header value. */
  readonly sumsubAlg?: 'HMAC_SHA1_HEX' | 'HMAC_SHA256_HEX' | 'HMAC_SHA512_HEX';
  /** Persona: unix seconds in `t=` (default: now). */
  readonly timestamp?: number;
}

/** Headers signing `body` the way the vendor does. */
export function signedHeaders(
  vendor: WebhookVendor,
  body: Buffer,
  options: SignOptions = {},
): Record<string, string> {
  switch (vendor) {
    case 'onfido':
      return { 'x-sha2-signature': hmacHex('sha256', options.secret ?? WEBHOOK_SECRETS.onfido, body) };
    case 'veriff':
      return {
        'x-auth-client': 'veriff-public-api-key-for-tests',
        'x-hmac-signature': hmacHex('sha256', options.secret ?? WEBHOOK_SECRETS.veriff, body),
      };
    case 'sumsub': {
      const alg = options.sumsubAlg ?? 'HMAC_SHA256_HEX';
      const algorithm = alg === 'HMAC_SHA1_HEX' ? 'sha1' : alg === 'HMAC_SHA256_HEX' ? 'sha256' : 'sha512';
      return {
        'x-payload-digest': hmacHex(algorithm, options.secret ?? WEBHOOK_SECRETS.sumsub, body),
        'x-payload-digest-alg': alg,
      };
    }
    case 'persona': {
      const t = options.timestamp ?? Math.floor(Date.now() / 1000);
      const v1 = hmacHex('sha256', options.secret ?? WEBHOOK_SECRETS.persona[0], `${t}.`, body);
      return { 'persona-signature': `t=${t},v1=${v1}` };
    }
  }
}

export interface WebhookResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly text: string;
  readonly headers: Headers;
}

/** Posts raw bytes to a vendor's webhook endpoint, exactly as given. */
export async function deliver(
  t: TestApp,
  vendor: string,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<WebhookResponse> {
  const res = await fetch(`${t.baseUrl}/v1/webhooks/${vendor}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    headers: res.headers,
  };
}
