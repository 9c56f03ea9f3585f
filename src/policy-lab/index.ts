/* What the CLI and other features use of the policy lab. */
export { PolicyLabModule } from './policy-lab.module';
export { candidatePolicy } from './policy-lab.service';
export { PolicyReplay, type ReplayFilter, type ReplayReport } from './replay';
export { runReplay } from './replay-runner';
