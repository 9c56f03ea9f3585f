/* What other features use of verification: the command that webhook intake sends through the command bus. */
export {
  VerificationCommandCommand,
  type VerificationCommandResult,
  type VerificationInput,
} from './verification-command.handler';
