import type { Role } from '../config/config';

/** Who is calling: the authenticated principal and its roles. Attached to the request by the auth guard. */
export interface Principal {
  readonly id: string;
  readonly roles: readonly Role[];
  readonly via: 'api_key' | 'jwt';
}

/**
 * The one spelling of a principal id: Unicode NFKC, lower case. Keys and JWT subjects are compared in it, so
 * `Rita` and `rita` are one person everywhere (four eyes, assignments, the audit trail).
 */
export function normalisePrincipalId(id: string): string {
  return id.normalize('NFKC').toLowerCase();
}

export function hasRole(principal: Principal, role: Role): boolean {
  // admin may do everything an operator, reviewer, auditor or privacy officer may.
  return principal.roles.includes(role) || principal.roles.includes('admin');
}
