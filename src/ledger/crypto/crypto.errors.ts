import { LedgerError } from '../../shared/ledger-error';

export class InvalidKekError extends LedgerError {
  readonly code = 'invalid_kek';
  constructor(reason: string) {
    super(`key-encryption key refused: ${reason}`, { reason });
  }
}

export class DecryptionFailedError extends LedgerError {
  readonly code = 'decryption_failed';
  constructor(eventId: string, dataClass: string) {
    // Only ids and class names: never the ciphertext or any plaintext.
    super(`personal data of event ${eventId} (${dataClass}) failed authentication`, { eventId, dataClass });
  }
}

export class InvalidPiiError extends LedgerError {
  readonly code = 'invalid_pii_section';
  constructor(reason: string) {
    super(`personal data section is not valid: ${reason}`, { reason });
  }
}
