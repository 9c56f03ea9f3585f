import { Module } from '@nestjs/common';
import { PolicyLabController } from './policy-lab.controller';
import { PolicyLabService } from './policy-lab.service';

/** The policy lab: what-if replays of recorded decisions under a candidate policy. */
@Module({
  controllers: [PolicyLabController],
  providers: [PolicyLabService],
  exports: [PolicyLabService],
})
export class PolicyLabModule {}
