import { Module } from '@nestjs/common';
import { CalibrationController } from './calibration.controller';
import { OutcomeQualityService, OutcomesController } from './outcomes.controller';
import { PolicyLabController } from './policy-lab.controller';
import { PolicyLabService } from './policy-lab.service';
import { ShadowController } from './shadow.controller';
import { ShadowEvaluationRepository } from './shadow-evaluation.repository';
import { ShadowEvaluator } from './shadow-evaluator';

/**
 * The policy lab: what-if replays of recorded decisions under a candidate policy, shadow policies evaluated beside
 * live decisions, the score calibration report, and the outcome quality (valid pass rate).
 */
@Module({
  controllers: [PolicyLabController, CalibrationController, ShadowController, OutcomesController],
  providers: [PolicyLabService, ShadowEvaluationRepository, ShadowEvaluator, OutcomeQualityService],
  exports: [PolicyLabService],
})
export class PolicyLabModule {}
