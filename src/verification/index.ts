/*
 * What other features use of verification: the command that webhook intake sends through the command bus, and the
 * sessions waiting for a vendor (the vendor dispatcher).
 */
export {
  VerificationCommandCommand,
  type VerificationCommandResult,
  type VerificationInput,
} from './verification-command.handler';
export { VerificationStatusRepository, WAITING_FOR_VENDOR } from './verification-status.queries';
