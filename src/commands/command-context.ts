import type { Actor } from '../ledger/envelope';

/** What every command carries from its request (HTTP, webhook, scheduler) into event metadata. */
export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  /** Present when the request had an Idempotency-Key: ids derived from it are stable across retries. */
  readonly idempotencyScope: string | undefined;
}
