import type { Role } from '../config/config';
import { hasRole, type Principal } from './principal';

/**
 * Who may call what: every HTTP route, declared once. The auth guard enforces the `@Roles(…)` / `@Public()` of
 * each handler; a test holds this matrix and those decorators equal (no route without an entry, no entry without
 * a route) and walks every cell over HTTP with every role and without credentials.
 *
 * - `public`: no credentials (health, metrics). `detailsFor`: the roles to whom the endpoint shows more than its
 *   bare answer (credentials presented there are checked; wrong ones are refused 401 as anywhere else).
 * - `vendor_signature`: public for the API-key guard; the vendor's signature over the raw body authenticates.
 * - roles: any one of them suffices; `admin` holds every role.
 * - `personalData`: a successful answer may carry decrypted personal data (to the roles listed only).
 */
export type Access =
  | { readonly kind: 'public'; readonly detailsFor?: readonly Role[] }
  | { readonly kind: 'vendor_signature' }
  | { readonly kind: 'roles'; readonly roles: readonly Role[]; readonly personalData?: boolean };

export interface MatrixEntry {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly access: Access;
}

const PUBLIC: Access = { kind: 'public' };
const roles = (...names: Role[]): Access => ({ kind: 'roles', roles: names });

/**
 * Who sees the details of `GET /health` and `GET /health/ready` (checks with the event store's head position,
 * components); everyone else gets the bare status (same HTTP status).
 */
export const HEALTH_DETAIL_ROLES: readonly Role[] = ['operator', 'auditor'];

export const AUTHORIZATION_MATRIX: readonly MatrixEntry[] = [
  { method: 'GET', path: '/health', access: { kind: 'public', detailsFor: HEALTH_DETAIL_ROLES } },
  { method: 'GET', path: '/health/live', access: PUBLIC },
  { method: 'GET', path: '/health/ready', access: { kind: 'public', detailsFor: HEALTH_DETAIL_ROLES } },
  { method: 'GET', path: '/metrics', access: PUBLIC },
  {
    method: 'GET',
    path: '/v1/me',
    access: roles('operator', 'reviewer', 'senior_reviewer', 'auditor', 'privacy_officer', 'admin'),
  },

  { method: 'POST', path: '/v1/webhooks/:vendor', access: { kind: 'vendor_signature' } },
  { method: 'GET', path: '/v1/webhooks/parked', access: roles('admin') },
  { method: 'GET', path: '/v1/projections/parked', access: roles('admin') },
  { method: 'POST', path: '/v1/webhooks/parked/:id/replay', access: roles('admin') },
  { method: 'POST', path: '/v1/projections/parked/:id/retry', access: roles('admin') },

  {
    method: 'GET',
    path: '/v1/subjects/:subjectId/consents',
    access: roles('operator', 'auditor', 'privacy_officer'),
  },
  { method: 'POST', path: '/v1/subjects/:subjectId/consents', access: roles('operator') },
  {
    method: 'POST',
    path: '/v1/subjects/:subjectId/consents/:consentId/withdrawal',
    access: roles('operator'),
  },
  { method: 'POST', path: '/v1/subjects/:subjectId/relationship-end', access: roles('privacy_officer') },
  { method: 'POST', path: '/v1/subjects/:subjectId/legal-holds', access: roles('privacy_officer') },
  { method: 'POST', path: '/v1/subjects/:subjectId/erasure-requests', access: roles('privacy_officer') },
  {
    method: 'POST',
    path: '/v1/subjects/:subjectId/erasure-requests/:requestId/release',
    access: roles('privacy_officer'),
  },
  {
    method: 'GET',
    path: '/v1/subjects/:subjectId/retention',
    access: roles('privacy_officer', 'auditor'),
  },
  {
    method: 'POST',
    path: '/v1/subjects/:subjectId/legal-holds/:holdId/release',
    access: roles('privacy_officer'),
  },
  {
    method: 'GET',
    path: '/v1/subjects/:subjectId/personal-data',
    access: { kind: 'roles', roles: ['privacy_officer'], personalData: true },
  },
  { method: 'GET', path: '/v1/subjects/:subjectId/timeline', access: roles('auditor', 'privacy_officer') },

  { method: 'POST', path: '/v1/verifications', access: roles('operator') },
  {
    method: 'GET',
    path: '/v1/verifications',
    access: roles('operator', 'reviewer', 'senior_reviewer', 'auditor'),
  },
  {
    method: 'GET',
    path: '/v1/verifications/:sessionId',
    access: roles('operator', 'reviewer', 'senior_reviewer', 'auditor'),
  },
  { method: 'POST', path: '/v1/verifications/:sessionId/capture', access: roles('operator') },
  { method: 'POST', path: '/v1/verifications/:sessionId/evidence', access: roles('operator') },
  { method: 'POST', path: '/v1/verifications/:sessionId/vendor-session', access: roles('operator') },
  { method: 'POST', path: '/v1/verifications/:sessionId/vendor-results', access: roles('operator') },
  {
    method: 'POST',
    path: '/v1/verifications/:sessionId/review/assignment',
    access: roles('reviewer', 'senior_reviewer'),
  },
  {
    method: 'POST',
    path: '/v1/verifications/:sessionId/review/decision',
    access: roles('reviewer', 'senior_reviewer'),
  },
  {
    method: 'POST',
    path: '/v1/verifications/:sessionId/overrides',
    access: roles('reviewer', 'senior_reviewer'),
  },
  {
    method: 'POST',
    path: '/v1/verifications/:sessionId/overrides/:overrideId/approval',
    access: roles('senior_reviewer'),
  },
  {
    method: 'POST',
    path: '/v1/verifications/:sessionId/overrides/:overrideId/rejection',
    access: roles('senior_reviewer'),
  },
  {
    method: 'GET',
    path: '/v1/verifications/:sessionId/timeline',
    access: roles('reviewer', 'senior_reviewer', 'auditor'),
  },
  {
    method: 'GET',
    path: '/v1/verifications/:sessionId/explanation',
    access: roles('reviewer', 'senior_reviewer', 'auditor'),
  },
  { method: 'GET', path: '/v1/review-queue', access: roles('reviewer', 'senior_reviewer') },
  {
    method: 'GET',
    path: '/v1/notices',
    access: roles('operator', 'reviewer', 'senior_reviewer', 'auditor', 'privacy_officer'),
  },

  { method: 'GET', path: '/v1/audit/verification', access: roles('auditor') },
  { method: 'GET', path: '/v1/audit/checkpoints/latest', access: roles('auditor') },
  { method: 'GET', path: '/v1/audit/proofs/:eventId', access: roles('auditor') },
  { method: 'GET', path: '/v1/audit/bundles', access: roles('auditor') },
  { method: 'POST', path: '/v1/policy-lab/replays', access: roles('auditor') },
  { method: 'GET', path: '/v1/policy-lab/replays/:replayId', access: roles('auditor') },
  { method: 'GET', path: '/v1/policy-lab/shadow', access: roles('auditor') },
  { method: 'GET', path: '/v1/policy-lab/calibration', access: roles('auditor') },
  { method: 'GET', path: '/v1/policy-lab/outcomes', access: roles('auditor') },
  { method: 'GET', path: '/v1/insights/kpis', access: roles('auditor') },
];

/** Whether a principal may call a route of this access (for role routes; public routes admit everyone). */
export function admits(access: Access, principal: Principal | undefined): boolean {
  if (access.kind !== 'roles') return true;
  return principal !== undefined && access.roles.some((role) => hasRole(principal, role));
}
