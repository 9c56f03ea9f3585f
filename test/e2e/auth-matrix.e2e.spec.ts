import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admits, AUTHORIZATION_MATRIX, type MatrixEntry } from '../../src/platform/auth/authorization-matrix';
import type { Principal } from '../../src/platform/auth/principal';
import { registeredRoutes } from '../../src/platform/auth/route-inventory';
import { PRINCIPALS, type PrincipalName, startTestApp, type TestApp } from '../support/app';
import { WEBHOOK_ENV } from '../support/webhook-signing';

const CALLERS: readonly (PrincipalName | null)[] = [null, ...(Object.keys(PRINCIPALS) as PrincipalName[])];
const AUTH_CODES = new Set(['unauthenticated', 'forbidden']);

/** Fills path parameters with ids that are valid in form and exist nowhere. */
function concrete(path: string): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => (name === 'vendor' ? 'onfido' : `mx_${name}`));
}

function principal(name: PrincipalName | null): Principal | undefined {
  return name === null ? undefined : { id: name, roles: PRINCIPALS[name], via: 'api_key' };
}

const label = (entry: MatrixEntry): string => `${entry.method} ${entry.path}`;

describe('authorization matrix', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ...WEBHOOK_ENV, LEDGER_RATE_LIMIT_PER_MINUTE: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists every route Nest registers, with exactly the roles its @Roles declares', () => {
    const registered = registeredRoutes(t.app);
    const declared = new Map(AUTHORIZATION_MATRIX.map((entry) => [label(entry), entry]));
    const unlisted = registered.filter((route) => !declared.has(`${route.method} ${route.path}`));
    expect(unlisted, 'routes missing from src/platform/auth/authorization-matrix.ts').toEqual([]);
    for (const route of registered) {
      const entry = declared.get(`${route.method} ${route.path}`);
      const access = entry?.access;
      if (route.access === 'public') {
        expect(access?.kind, `${route.method} ${route.path} is @Public()`).toMatch(
          /^(public|vendor_signature)$/,
        );
      } else {
        expect(
          access?.kind === 'roles' ? [...access.roles].sort() : access,
          `${route.method} ${route.path}`,
        ).toEqual(route.access);
      }
    }
    const stale = AUTHORIZATION_MATRIX.filter(
      (entry) => !registered.some((route) => `${route.method} ${route.path}` === label(entry)),
    );
    expect(stale.map(label), 'matrix entries without a route').toEqual([]);
  });

  it('declares roles for every non-public route (an empty list would close it to everyone)', () => {
    for (const entry of AUTHORIZATION_MATRIX) {
      if (entry.access.kind === 'roles') expect(entry.access.roles.length, label(entry)).toBeGreaterThan(0);
    }
  });

  describe.each(AUTHORIZATION_MATRIX.map((entry) => [label(entry), entry] as const))(
    '%s',
    (_label, entry) => {
      it.each(CALLERS.map((caller) => [caller ?? 'no credentials', caller] as const))(
        'as %s',
        async (_who, caller) => {
          const res = await fetch(`${t.baseUrl}${concrete(entry.path)}`, {
            method: entry.method,
            headers: {
              ...(caller === null ? {} : { authorization: `Bearer ${t.keys[caller]}` }),
              ...(entry.method === 'GET' ? {} : { 'content-type': 'application/json' }),
            },
            ...(entry.method === 'GET' ? {} : { body: '{}' }),
          });
          const text = await res.text();
          const body = (
            res.headers.get('content-type')?.includes('json') === true ? JSON.parse(text) : {}
          ) as {
            code?: string;
          };
          expect(res.status, JSON.stringify(body)).toBeLessThan(500);
          const denied = (res.status === 401 || res.status === 403) && AUTH_CODES.has(body.code ?? '');
          if (entry.access.kind === 'vendor_signature') {
            // No API key or role opens a webhook: only a vendor signature does.
            expect(res.status).toBe(401);
            expect(body.code).toBe('invalid_webhook_signature');
            return;
          }
          if (admits(entry.access, principal(caller))) {
            expect(denied, `${label(entry)} must admit ${caller ?? 'anyone'}: ${JSON.stringify(body)}`).toBe(
              false,
            );
          } else {
            expect(denied, `${label(entry)} must refuse ${caller ?? 'an anonymous caller'}`).toBe(true);
            expect(res.status).toBe(caller === null ? 401 : 403);
          }
        },
      );
    },
  );
});
