import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { ProjectionsModule } from '../projections/projections.module';
import { RequestErasureHandler, ShredPersonalDataHandler } from './erasure.handlers';
import { RetentionController } from './retention.controller';
import { RetentionScheduler } from './retention.scheduler';
import { RetentionService } from './retention.service';

/** Retention and erasure (DESIGN §6): the erasure handler, the shredding scheduler and the retention query. */
@Module({
  imports: [CommandsModule, ProjectionsModule],
  controllers: [RetentionController],
  providers: [RetentionService, RetentionScheduler, RequestErasureHandler, ShredPersonalDataHandler],
  exports: [RetentionService, RetentionScheduler],
})
export class RetentionModule {}
