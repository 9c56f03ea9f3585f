import type { Schemas } from './api';

export type Me = Schemas['MeView'];
export type Role = 'operator' | 'reviewer' | 'senior_reviewer' | 'auditor' | 'privacy_officer' | 'admin';

/** Whether the signed-in principal holds the role (admin holds every role), as the server's matrix decides. */
export function can(me: Me, ...roles: Role[]): boolean {
  return me.roles.includes('admin') || roles.some((role) => me.roles.includes(role));
}
