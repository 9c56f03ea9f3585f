import { ExpiryScheduler } from './expiry.scheduler';
import { SessionCloser } from './session-closer';
import { VerificationCommandHandler } from './verification-command.handler';

export const VERIFICATION_COMMAND_HANDLERS = [VerificationCommandHandler, ExpiryScheduler, SessionCloser];
