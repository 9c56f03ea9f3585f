import { LedgerError } from '../../../shared/ledger-error';

export class IdempotencyKeyReusedError extends LedgerError {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('this Idempotency-Key was used with a different request; use a new key for a new request');
  }
}

export class IdempotencyKeyInProgressError extends LedgerError {
  readonly code = 'idempotency_key_in_progress';
  constructor() {
    super('a request with this Idempotency-Key is still being processed; retry shortly');
  }
}

export class InvalidIdempotencyKeyError extends LedgerError {
  readonly code = 'invalid_idempotency_key';
  constructor() {
    super('Idempotency-Key must be 1 to 255 printable ASCII characters');
  }
}
