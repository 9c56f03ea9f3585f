import { LedgerError } from '../../shared/ledger-error';

/**
 * Errors the deciders throw. Codes are stable and mapped to HTTP statuses in one place (the problem-details
 * filter); the domain never knows about HTTP. Messages and details carry ids, statuses and codes only.
 */
export abstract class DomainError extends LedgerError {}

/** A command that the current status does not allow (e.g. approving an expired session). */
export class IllegalTransitionError extends DomainError {
  readonly code = 'illegal_transition';
  constructor(command: string, status: string) {
    super(`${command} is not allowed while the verification is ${status}`, {
      command,
      currentStatus: status,
    });
  }
}

/** Input that is well-formed JSON but not acceptable to the domain (unknown code, bad value). */
export class DomainValidationError extends DomainError {
  readonly code = 'domain_validation_failed';
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(reason, details);
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not_found';
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`, { what, id });
  }
}
