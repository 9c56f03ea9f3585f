import { LedgerError } from '../shared/ledger-error';

/** Concurrent commands kept changing the stream; the retries ran out. The client may retry. */
export class PersistentConflictError extends LedgerError {
  readonly code = 'concurrency_conflict';
  constructor(stream: string, attempts: number) {
    super(`stream ${stream} changed concurrently ${attempts} times; retry the command`, { stream, attempts });
  }
}

export class PolicyUnavailableError extends LedgerError {
  readonly code = 'policy_unavailable';
  constructor(policyHash: string) {
    super(`the policy version this session was started under (${policyHash.slice(0, 12)}…) is not loaded`, {
      policyHash,
    });
  }
}

/** A subject has used up the attempts one jurisdiction and segment can hold (a guard against a runaway client). */
export class TooManyAttemptsError extends LedgerError {
  readonly code = 'too_many_attempts';
  constructor(limit: number) {
    super(`the subject has ${limit} sessions for this jurisdiction and segment; no more can be started`, {
      limit,
    });
  }
}
