import { Module } from '@nestjs/common';
import { TimelineRepository } from '../audit';
import { CommandsModule } from '../commands/commands.module';
import { ExpiryScheduler } from './expiry.scheduler';
import { SessionCloser } from './session-closer';
import { VerificationCommandHandler } from './verification-command.handler';
import { VerificationQueriesController } from './verification-queries.controller';
import { VerificationStatusRepository } from './verification-status.queries';
import { VerificationsController } from './verifications.controller';

/** Verification sessions: commands, the expiry scheduler, the session closer, status and timeline queries. */
@Module({
  imports: [CommandsModule],
  controllers: [VerificationsController, VerificationQueriesController],
  providers: [
    VerificationCommandHandler,
    ExpiryScheduler,
    SessionCloser,
    VerificationStatusRepository,
    TimelineRepository,
  ],
})
export class VerificationModule {}
