import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { RequestErasureHandler, ShredPersonalDataHandler } from './erasure.handlers';
import { IdentityIndexFollower } from './identity-index.follower';
import { PersonalDataController } from './personal-data.controller';
import { RetentionController } from './retention.controller';
import { RetentionScheduler } from './retention.scheduler';
import { RetentionService } from './retention.service';

/**
 * Personal data: retention and erasure (the erasure handlers, the shredding scheduler, the retention query) and
 * reading a subject's personal data (every read recorded).
 */
@Module({
  imports: [CommandsModule],
  controllers: [RetentionController, PersonalDataController],
  providers: [
    RetentionService,
    RetentionScheduler,
    RequestErasureHandler,
    ShredPersonalDataHandler,
    IdentityIndexFollower,
  ],
  exports: [RetentionService, RetentionScheduler],
})
export class PrivacyModule {}
