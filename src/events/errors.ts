import { LedgerError } from '../shared/ledger-error';
import { MalformedEventError } from './decoder';

/**
 * A stored event that does not decode: the ledger holds something its readers cannot read. A server-side
 * fault (500), never guessed around. Names the event (id and position), never its content.
 */
export class LedgerCorruptError extends LedgerError {
  readonly code = 'ledger_corrupt';
  override readonly httpStatus = 500;

  constructor(
    readonly eventId: string,
    readonly position: number,
    problem: string,
  ) {
    super(`the stored event ${eventId} at position ${position} does not decode: ${problem}`, {
      eventId,
      position,
    });
  }

  static from(error: MalformedEventError): LedgerCorruptError {
    return new LedgerCorruptError(error.eventId, error.position, `${error.type}.${error.problem}`);
  }
}
