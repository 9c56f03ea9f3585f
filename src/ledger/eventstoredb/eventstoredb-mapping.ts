import { status as GrpcStatus } from '@grpc/grpc-js';
import { ErrorType, isCommandError, MaxAppendSizeExceededError, type Position } from '@eventstore/db-client';
import { LedgerError } from '../../shared/ledger-error';
import { isPlainObject, type JsonObject } from '../../shared/json';
import { EventStoreUnavailableError } from '../event-store.errors';
import type { EventFilter, RecordedEvent } from '../event-store.port';
import { AppendTooLargeError, EventStoreDbIncompatibleError } from './eventstoredb.errors';

/** The fields the adapter reads from an event as `@eventstore/db-client` returns it (stream or `$all` read). */
export interface ClientRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position;
}

/** EventStoreDB's own streams and events (`$epochs`, `$stats-…`, `$metadata`, `$>` links…) begin with `$`. */
export function isSystemEvent(event: Pick<ClientRecordedEvent, 'streamId' | 'type'>): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** What the port's filter lets through; system events never. */
export function acceptsEvent(filter: EventFilter | undefined, event: ClientRecordedEvent): boolean {
  if (isSystemEvent(event)) return false;
  const prefixes = filter?.streamPrefixes;
  if (!prefixes || prefixes.length === 0) return true;
  return prefixes.some((prefix) => event.streamId.startsWith(prefix));
}

/** The port's global position: the event's commit position, which must be a real, exactly representable one. */
export function portPosition(commit: bigint | undefined, eventId: string): number {
  // Servers before 22.6 send the maximum uint64 as the position of events read from a stream.
  if (commit === undefined || commit < 0n || commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new EventStoreDbIncompatibleError(
      `no usable $all position for event ${eventId} (EventStoreDB 22.6 or later reports it on every read)`,
    );
  }
  return Number(commit);
}

/** The port's position as the client's: commit and prepare positions are equal for ordinary appends. */
export function clientPosition(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

export function toRecordedEvent(event: ClientRecordedEvent): RecordedEvent {
  const data = event.isJson ? event.data : undefined;
  if (!isPlainObject(data)) {
    throw new EventStoreDbIncompatibleError(`event ${event.id} does not hold a JSON object`);
  }
  const metadata = event.metadata === undefined ? {} : event.metadata;
  if (!isPlainObject(metadata)) {
    throw new EventStoreDbIncompatibleError(`event ${event.id} has metadata that is not a JSON object`);
  }
  return {
    stream: event.streamId,
    revision: Number(event.revision),
    position: portPosition(event.position?.commit, event.id),
    eventId: event.id,
    type: event.type,
    data: data as JsonObject,
    metadata: metadata as JsonObject,
    created: event.created.toISOString(),
  };
}

/**
 * Client and transport errors as the port's errors. Messages are fixed strings: the client's own messages may
 * carry addresses or server text, which do not belong in logs or problem responses.
 */
export function toPortError(error: unknown): unknown {
  if (error instanceof LedgerError) return error;
  if (error instanceof MaxAppendSizeExceededError) return new AppendTooLargeError(error.maxAppendSize);
  const reason = unavailableReason(error);
  return reason === undefined ? error : new EventStoreUnavailableError(reason);
}

/** Client error types that mean the server cannot serve the call right now, and what to say about it. */
const UNAVAILABLE_TYPES: ReadonlyMap<ErrorType, string> = new Map([
  [ErrorType.UNAVAILABLE, 'EventStoreDB cannot be reached'],
  [ErrorType.DEADLINE_EXCEEDED, 'EventStoreDB did not answer in time'],
  [ErrorType.TIMEOUT, 'EventStoreDB did not answer in time'],
  [ErrorType.CANCELLED, 'EventStoreDB cancelled the call'],
  [ErrorType.NOT_LEADER, 'the EventStoreDB node is not the leader'],
]);

/** The same for raw gRPC status codes, which some client paths (fetching server features) pass on. */
const UNAVAILABLE_CODES: ReadonlyMap<unknown, string> = new Map([
  [GrpcStatus.UNAVAILABLE, 'EventStoreDB cannot be reached'],
  [GrpcStatus.DEADLINE_EXCEEDED, 'EventStoreDB did not answer in time'],
]);

function unavailableReason(error: unknown): string | undefined {
  if (error instanceof Error && isCommandError(error)) return UNAVAILABLE_TYPES.get(error.type);
  if (typeof error === 'object' && error !== null && 'code' in error)
    return UNAVAILABLE_CODES.get(error.code);
  return undefined;
}
