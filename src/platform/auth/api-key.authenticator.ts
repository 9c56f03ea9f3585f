import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../config/config';
import { normalisePrincipalId, type Principal } from './principal';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Looks up API keys in constant time: every configured key is compared (as SHA-256 digests of equal length),
 * so neither the position of a match nor the length of a key leaks through timing.
 */
export class ApiKeyAuthenticator {
  private readonly keys: readonly { digest: Buffer; principal: Principal }[];

  constructor(keys: readonly ApiKey[]) {
    this.keys = keys.map((k) => ({
      digest: digest(k.key),
      principal: { id: normalisePrincipalId(k.principal), roles: k.roles, via: 'api_key' },
    }));
  }

  authenticate(presented: string): Principal | undefined {
    const candidate = digest(presented);
    let found: Principal | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(candidate, key.digest) && !found) found = key.principal;
    }
    return found;
  }
}
