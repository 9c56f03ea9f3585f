import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ROLES, type AppConfig, type Role } from '../config/config';
import type { Clock } from '../../shared/clock';
import { IdentityProviderUnavailableError } from './auth.errors';
import { normalisePrincipalId, type Principal } from './principal';

export type JwtConfig = NonNullable<AppConfig['jwt']>;

/** Three base64url segments: the only shape a compact JWS has. Anything else is not tried as a JWT. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** What may stand for a principal in event metadata and logs: an opaque id, no spaces, bounded. */
const SUBJECT = /^[A-Za-z0-9._@|:+-]{1,128}$/;
/** Leeway for clocks that are a little apart (exp, nbf, iat). */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Failures of the identity provider rather than of the token: the key set timed out, was not a 200 answer or
 * not JSON (jose's generic error), is malformed, or the fetch itself failed (not a jose error at all).
 */
function providerFailure(error: unknown): boolean {
  return (
    !(error instanceof errors.JOSEError) ||
    error.constructor === errors.JOSEError ||
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid
  );
}

export function looksLikeJwt(token: string): boolean {
  return COMPACT_JWS.test(token);
}

/** The role claim: a list of names (or one space-separated string); a dotted name walks nested claims. */
export function rolesFrom(payload: JWTPayload, claim: string): Role[] {
  let value: unknown = Object.hasOwn(payload, claim) ? payload[claim] : undefined;
  if (value === undefined && claim.includes('.')) {
    value = claim.split('.').reduce<unknown>((node, key) => {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      return Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    }, payload);
  }
  const names = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
  return [...new Set(names.filter((name): name is Role => (ROLES as readonly unknown[]).includes(name)))];
}

/**
 * Bearer JWTs verified against the identity provider's JWKS: signature with an allowed asymmetric algorithm,
 * issuer, audience, expiry (required) and not-before; the principal is `sub` and its roles come from the
 * configured claim (unknown role names are ignored). Keys are fetched on first use and cached by `jose`, which
 * also rate-limits refetches for unknown key ids.
 */
export class JwtAuthenticator {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly config: JwtConfig,
    private readonly clock: Clock,
  ) {
    this.keys = createRemoteJWKSet(new URL(config.jwksUrl), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
  }

  /** The principal, or undefined for a token that does not verify. Throws when the JWKS cannot be fetched. */
  async authenticate(token: string): Promise<Principal | undefined> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: [...this.config.algorithms],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: this.clock.now(),
      }));
    } catch (error) {
      if (providerFailure(error)) throw new IdentityProviderUnavailableError();
      return undefined;
    }
    const subject = payload.sub;
    if (subject === undefined || !SUBJECT.test(subject)) return undefined;
    return {
      id: normalisePrincipalId(subject),
      roles: rolesFrom(payload, this.config.rolesClaim),
      via: 'jwt',
    };
  }
}
