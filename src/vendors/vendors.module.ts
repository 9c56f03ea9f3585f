import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { VendorSessionController } from './vendor-session.controller';
import { VendorDispatcher } from './vendor-dispatcher';
import { VendorSessionService } from './vendor-session.service';

/**
 * Outbound vendor orchestration: the vendors' APIs behind one gateway port, the vendor-session endpoint, and the
 * dispatcher of sessions queued while no vendor answered.
 */
@Module({
  imports: [CommandsModule],
  controllers: [VendorSessionController],
  providers: [VendorSessionService, VendorDispatcher],
  exports: [VendorSessionService, VendorDispatcher],
})
export class VendorsModule {}
