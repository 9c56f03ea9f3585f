import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export type TestAlg = 'RS256' | 'ES256' | 'EdDSA';

interface KeyPair {
  readonly kid: string;
  readonly alg: TestAlg;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * An identity provider's JWKS endpoint on loopback, with keys generated for the test run, and a token minter.
 * Keys not published (`unpublished`) sign tokens that the service cannot know.
 */
export class TestIdentityProvider {
  private server: Server | undefined;
  private keys: KeyPair[] = [];
  private unpublishedKey: KeyPair | undefined;
  /** Requests the JWKS endpoint served. */
  requests = 0;
  /** When set, the endpoint answers with this status and no key set. */
  failWith: number | undefined;

  readonly issuer = 'https://idp.test.example/';
  readonly audience = 'kyc-ledger-tests';
  url = '';

  async start(): Promise<this> {
    this.keys = await Promise.all((['RS256', 'ES256', 'EdDSA'] as const).map((alg) => keyPair(alg)));
    this.unpublishedKey = await keyPair('RS256');
    this.server = createServer((req, res) => {
      this.requests += 1;
      if (this.failWith !== undefined) {
        res.writeHead(this.failWith).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/.well-known/jwks.json`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      LEDGER_JWKS_URL: this.url,
      LEDGER_JWT_ISSUER: this.issuer,
      LEDGER_JWT_AUDIENCE: this.audience,
      ...extra,
    };
  }

  publicJwk(alg: TestAlg): JWK {
    return this.key(alg).publicJwk;
  }

  /** A signed token; `claims` override the defaults (sub, roles, iss, aud, iat, exp 5 minutes after `now`). */
  async token(
    now: Date,
    claims: JWTPayload & { roles?: unknown } = {},
    options: { alg?: TestAlg; unpublished?: boolean; omit?: readonly string[] } = {},
  ): Promise<string> {
    const key = options.unpublished === true ? this.unpublished() : this.key(options.alg ?? 'RS256');
    const seconds = Math.floor(now.getTime() / 1000);
    const omitted = new Set(options.omit ?? []);
    const defaults: JWTPayload = {
      sub: 'alice',
      roles: ['operator'],
      iss: this.issuer,
      aud: this.audience,
      iat: seconds,
      exp: seconds + 300,
      ...claims,
    };
    const payload = Object.fromEntries(Object.entries(defaults).filter(([name]) => !omitted.has(name)));
    return new SignJWT(payload)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  private key(alg: TestAlg): KeyPair {
    const found = this.keys.find((k) => k.alg === alg);
    if (!found) throw new Error(`no ${alg} key`);
    return found;
  }

  private unpublished(): KeyPair {
    if (!this.unpublishedKey) throw new Error('not started');
    return this.unpublishedKey;
  }
}

async function keyPair(alg: TestAlg): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `${alg.toLowerCase()}-${Math.random().toString(36).slice(2, 10)}`;
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}
