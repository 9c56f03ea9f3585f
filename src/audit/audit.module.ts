import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { Checkpointer } from './checkpointer';
import { ExplanationController } from './explanation.controller';
import { ProofService } from './proof.service';

@Module({
  controllers: [AuditController, ExplanationController],
  providers: [Checkpointer, ProofService],
  exports: [Checkpointer, ProofService],
})
export class AuditModule {}
