import { LedgerError } from '../shared/ledger-error';

/**
 * An event a projection cannot apply: its data does not have the shape the projection reads, or its type is
 * unknown, or it refers to something the projection never saw (the session's start was itself parked).
 * Deterministic — retrying would fail again — so the runner parks the event and moves on. Messages
 * name the event type and field, never a value.
 */
export class ProjectionEventError extends LedgerError {
  constructor(
    readonly code: 'malformed_envelope' | 'malformed_event' | 'unknown_event_type' | 'orphan_event',
    message: string,
  ) {
    super(message);
  }
}

/** The checkpoint is no longer where this runner left it: another instance or a rebuild moved it. */
export class CheckpointMovedError extends LedgerError {
  readonly code = 'projection_checkpoint_moved';
  constructor(projection: string) {
    super(`the checkpoint of ${projection} was moved by another runner or a rebuild`, { projection });
  }
}

/** The lease (advisory lock) of a projection was lost: this instance stops applying events. */
export class LeaseLostError extends LedgerError {
  readonly code = 'projection_lease_lost';
  constructor(projection: string) {
    super(`the lease of ${projection} was lost`, { projection });
  }
}

/** A query asked for `X-Min-Position` and the read model did not reach it within the wait bound. */
export class ReadModelBehindError extends LedgerError {
  readonly code = 'read_model_behind';
  override readonly httpStatus = 503;
  constructor(
    readonly projection: string,
    readonly required: number,
    readonly reached: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`the read model ${projection} has not reached position ${required} yet`, {
      projection,
      requiredPosition: required,
      position: reached,
      retryAfterSeconds,
    });
  }
}

export class UnknownProjectionError extends LedgerError {
  readonly code = 'unknown_projection';
  constructor(name: string, known: readonly string[]) {
    super(`unknown projection ${JSON.stringify(name.slice(0, 60))}; known: ${known.join(', ')}`);
  }
}

export class RebuildInProgressError extends LedgerError {
  readonly code = 'rebuild_in_progress';
  override readonly httpStatus = 409;
  constructor(projection: string) {
    super(`a rebuild of ${projection} is already running`, { projection });
  }
}

export class ParkedEventNotFoundError extends LedgerError {
  readonly code = 'parked_event_not_found';
  override readonly httpStatus = 404;
  constructor() {
    super('no parked event has this id');
  }
}
