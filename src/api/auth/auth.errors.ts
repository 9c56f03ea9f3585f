import { LedgerError } from '../../shared/ledger-error';

export class UnauthenticatedError extends LedgerError {
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends LedgerError {
  readonly code = 'forbidden';
  constructor(required: readonly string[]) {
    super(`this endpoint needs one of the roles: ${required.join(', ')}`, { requiredRoles: required });
  }
}
