import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { AuditController } from './audit.controller';
import { Checkpointer } from './checkpointer';
import { ExplanationController } from './explanation.controller';
import { ProofService } from './proof.service';

@Module({
  imports: [CommandsModule],
  controllers: [AuditController, ExplanationController],
  providers: [Checkpointer, ProofService],
  exports: [Checkpointer, ProofService],
})
export class AuditModule {}
