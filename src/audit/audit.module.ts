import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { Checkpointer } from './checkpointer';
import { ProofService } from './proof.service';

@Module({
  controllers: [AuditController],
  providers: [Checkpointer, ProofService],
  exports: [Checkpointer, ProofService],
})
export class AuditModule {}
