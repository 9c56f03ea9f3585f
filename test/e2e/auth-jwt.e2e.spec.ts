import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwtAuthenticator, rolesFrom } from '../../src/platform/auth/jwt.authenticator';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { toLedgerEvent } from '../../src/ledger/ledger';
import { subjectStream } from '../../src/ledger/stream-names';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { TestIdentityProvider } from '../support/auth-jwks-server';

const T0 = new Date('2026-11-26T10:00:00.000Z');
const CONSENT = {
  scopes: ['identity_verification'],
  noticeVersion: '2026-01',
  locale: 'de-DE',
  channel: 'web',
};

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe(JwtAuthenticator.name, () => {
  const idp = new TestIdentityProvider();
  const clock = new ManualClock(T0);
  let t: TestApp;

  beforeAll(async () => {
    await idp.start();
    // ES256 is published by the identity provider but not on the allow-list.
    t = await startTestApp(idp.env({ LEDGER_JWT_ALGORITHMS: 'RS256,EdDSA' }), { clock });
  });
  afterAll(async () => {
    await t.close();
    await idp.stop();
  });

  async function call(token: string | undefined, method: string, path: string, body?: unknown) {
    const res = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
      text,
    };
  }

  /** An operator-only command with an empty body: 400 once authorised, 401/403 before. */
  const operatorCall = (token: string | undefined) => call(token, 'POST', '/v1/verifications', {});

  it('accepts a valid token from the JWKS; the principal is `sub`, with the roles of the claim', async () => {
    const token = await idp.token(clock.now(), { sub: 'ops-alice', roles: ['operator'] });
    expect((await operatorCall(token)).status).toBe(400);
    const subjectId = `sub_jwt_${Date.now()}`;
    const res = await call(token, 'POST', `/v1/subjects/${subjectId}/consents`, CONSENT);
    expect(res.status, res.text).toBe(201);
    const [event] = (await t.app.get<EventStore>(EVENT_STORE).readStream(subjectStream(subjectId))).map(
      toLedgerEvent,
    );
    expect(event?.metadata.actor).toEqual({ kind: 'user', id: 'ops-alice', roles: ['operator'] });
  });

  it('accepts EdDSA, the other allowed algorithm, and keeps API keys working alongside', async () => {
    expect((await operatorCall(await idp.token(clock.now(), {}, { alg: 'EdDSA' }))).status).toBe(400);
    expect((await operatorCall(t.keys.operator)).status).toBe(400);
  });

  it('applies the roles of the token: another role is forbidden, unknown role names are ignored', async () => {
    const auditor = await idp.token(clock.now(), { roles: ['auditor'] });
    expect(await operatorCall(auditor)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const unknown = await idp.token(clock.now(), { roles: ['superuser', 'root'] });
    expect(await operatorCall(unknown)).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    const admin = await idp.token(clock.now(), { roles: 'admin reviewer' });
    expect((await operatorCall(admin)).status).toBe(400);
  });

  it.each([
    ['expired', { exp: Math.floor(T0.getTime() / 1000) - 60 }],
    ['not yet valid', { nbf: Math.floor(T0.getTime() / 1000) + 600 }],
    ['from another issuer', { iss: 'https://evil.example/' }],
    ['for another audience', { aud: 'another-service' }],
    ['with a subject that is no id', { sub: 'Erika Mustermann <erika@example.com>' }],
  ])('refuses a token %s', async (_case, claims) => {
    const res = await operatorCall(await idp.token(clock.now(), claims));
    expect(res).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect(res.text).not.toContain('Erika');
  });

  it('refuses tokens without exp or sub', async () => {
    for (const omit of ['exp', 'sub']) {
      expect((await operatorCall(await idp.token(clock.now(), {}, { omit: [omit] }))).status, omit).toBe(401);
    }
  });

  it('refuses an algorithm outside the allow-list although the JWKS publishes its key', async () => {
    expect((await operatorCall(await idp.token(clock.now(), {}, { alg: 'ES256' }))).status).toBe(401);
  });

  it('refuses alg "none", HMAC with the public key as secret, an unknown key and a changed payload', async () => {
    const claims = { sub: 'mallory', roles: ['admin'], iss: idp.issuer, aud: idp.audience, exp: 4102444800 };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    expect((await operatorCall(none)).status).toBe(401);

    const publicJwk = idp.publicJwk('RS256');
    const header = b64url({ alg: 'HS256', typ: 'JWT', kid: publicJwk.kid });
    const signingInput = `${header}.${b64url(claims)}`;
    const confused = `${signingInput}.${createHmac('sha256', JSON.stringify(publicJwk)).update(signingInput).digest('base64url')}`;
    expect((await operatorCall(confused)).status).toBe(401);

    expect((await operatorCall(await idp.token(clock.now(), {}, { unpublished: true }))).status).toBe(401);

    const [h, , s] = (await idp.token(clock.now(), { roles: ['auditor'] })).split('.');
    expect((await operatorCall(`${h}.${b64url({ ...claims, roles: ['operator'] })}.${s}`)).status).toBe(401);
  });

  it('follows the clock for expiry', async () => {
    const token = await idp.token(clock.now(), { exp: Math.floor(T0.getTime() / 1000) + 60 });
    expect((await operatorCall(token)).status).toBe(400);
    clock.advance(60_000 + 31_000);
    try {
      expect((await operatorCall(token)).status).toBe(401);
    } finally {
      clock.set(T0);
    }
  });

  it('answers 503 when the identity provider cannot give its keys, never 500 or a pass', async () => {
    const other = new TestIdentityProvider();
    await other.start();
    other.failWith = 500;
    const app = await startTestApp(other.env(), { clock });
    try {
      const res = await fetch(`${app.baseUrl}/v1/verifications`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await other.token(clock.now())}`,
          'content-type': 'application/json',
        },
        body: '{}',
      });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ code: 'identity_provider_unavailable' });
    } finally {
      await app.close();
      await other.stop();
    }
  });

  describe(rolesFrom.name, () => {
    it('reads a list, a space-separated string or a dotted path, keeping known roles only', () => {
      expect(rolesFrom({ roles: ['operator', 'nobody', 'auditor'] }, 'roles')).toEqual([
        'operator',
        'auditor',
      ]);
      expect(rolesFrom({ scope: 'reviewer senior_reviewer x' }, 'scope')).toEqual([
        'reviewer',
        'senior_reviewer',
      ]);
      expect(rolesFrom({ realm_access: { roles: ['privacy_officer'] } }, 'realm_access.roles')).toEqual([
        'privacy_officer',
      ]);
      expect(rolesFrom({ 'https://kyc/roles': ['admin'] }, 'https://kyc/roles')).toEqual(['admin']);
      expect(rolesFrom({ roles: 42 }, 'roles')).toEqual([]);
      expect(rolesFrom({}, 'roles')).toEqual([]);
    });
  });
});
