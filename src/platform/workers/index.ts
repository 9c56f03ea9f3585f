export {
  createLeases,
  type LeaseHandle,
  type LeaseKind,
  LeaseNotHeldError,
  type Leases,
  LocalLeases,
  PostgresLeases,
} from './advisory-lock';
export { Backoff, type BackoffOptions } from './backoff';
export { stoppableSleep } from './stoppable-sleep';
export {
  errorClass,
  every,
  onAbort,
  type FailureVerdict,
  Worker,
  type WorkerContext,
  type WorkerLogger,
  type WorkerObserver,
  type WorkerOptions,
  WorkerReturnedError,
  type WorkerState,
  type WorkerStatus,
} from './worker';
export { type SupervisedWorker, WorkerSupervisor } from './worker-supervisor';
export { LEASES, WorkersModule } from './workers.module';
