/* What the CLI and other features use of the policy lab. */
export {
  type CalibrationFilter,
  type CalibrationReport,
  type CalibrationTargets,
  MIN_PER_GROUP,
  ScoreCalibration,
} from './calibration';
export { isoWeek, OutcomeQuality, type OutcomeGroupBy, type OutcomeReport } from './outcomes';
export { replayWorkers, runParallelReplay } from './parallel-replay';
export { PolicyLabModule } from './policy-lab.module';
export { candidatePolicy } from './policy-lab.service';
export { PolicyReplay, type ReplayFilter, type ReplayReport } from './replay';
export { readVerificationLog, runCalibration, runReplay } from './replay-runner';
export { type ShadowEvaluation } from './shadow-evaluation';
export { ShadowEvaluationRepository } from './shadow-evaluation.repository';
