import { LedgerError } from '../../shared/ledger-error';

/** No credentials, or credentials that do not authenticate. Never says which part failed or why. */
export class UnauthenticatedError extends LedgerError {
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends LedgerError {
  readonly code = 'forbidden';
  constructor(required: readonly string[]) {
    super(`this endpoint needs one of the roles: ${required.join(', ')}`, { requiredRoles: required });
  }
}

/** The identity provider's key set could not be fetched: a bearer token cannot be checked right now. */
export class IdentityProviderUnavailableError extends LedgerError {
  readonly code = 'identity_provider_unavailable';
  override readonly httpStatus = 503;
  constructor() {
    super('bearer tokens cannot be verified right now; retry later');
  }
}
