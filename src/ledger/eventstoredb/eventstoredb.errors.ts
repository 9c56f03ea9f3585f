import { LedgerError } from '../../shared/ledger-error';

/** The server answered with something the ledger cannot represent faithfully; upgrading or fixing data is needed. */
export class EventStoreDbIncompatibleError extends LedgerError {
  readonly code = 'event_store_incompatible';
  constructor(reason: string) {
    super(`EventStoreDB answer not usable: ${reason}`, { reason });
  }
}

/** EventStoreDB refused an append as a whole for its size (server setting `MaxAppendSize`). */
export class AppendTooLargeError extends LedgerError {
  readonly code = 'append_too_large';
  constructor(readonly limit: number) {
    super(`the append is larger than the event store accepts in one append (${limit} bytes)`, { limit });
  }
}
