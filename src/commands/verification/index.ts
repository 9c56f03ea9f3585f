import { ExpiryScheduler } from './expiry.scheduler';
import { VerificationCommandHandler } from './verification-command.handler';

export const VERIFICATION_COMMAND_HANDLERS = [VerificationCommandHandler, ExpiryScheduler];
