import { LedgerError } from '../shared/ledger-error';

/**
 * A ledger event the publisher cannot turn into a public event: an event type without a public mapping (written
 * by a newer version of the service) or fields that do not have the expected shape. The publisher stops at
 * such an event rather than skip it; details name the position, type and field, never a value.
 */
export class UnpublishableEventError extends LedgerError {
  readonly code = 'publisher_unpublishable_event';
  constructor(
    readonly position: number,
    readonly eventType: string,
    readonly problem: string,
  ) {
    super(`event at position ${position} (${eventType}) cannot be published: ${problem}`, {
      position,
      eventType,
      problem,
    });
  }
}
