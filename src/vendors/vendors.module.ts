import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { VendorSessionController } from './vendor-session.controller';
import { VendorSessionService } from './vendor-session.service';

/** Outbound vendor orchestration: the vendors' APIs behind one gateway port, and the vendor-session endpoint. */
@Module({
  imports: [CommandsModule],
  controllers: [VendorSessionController],
  providers: [VendorSessionService],
  exports: [VendorSessionService],
})
export class VendorsModule {}
