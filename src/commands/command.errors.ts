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
