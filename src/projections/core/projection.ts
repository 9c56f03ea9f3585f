import type { LedgerEvent } from '../../ledger/envelope';
import type { EventData } from './event-data';

/** The two kinds of streams projections follow. */
export type ProjectedStreamKind = 'subject' | 'verification';

/** A ledger event as a projection sees it: envelope parsed, stream named, data behind a decoder. */
export interface ProjectedEvent extends LedgerEvent {
  readonly streamKind: ProjectedStreamKind;
  /** The subject id or session id of the stream. */
  readonly streamId: string;
  readonly body: EventData;
}

/** A TypeORM entity class: the projection's rows are plain objects of its shape. */
export type EntityClass<T extends object = object> = new () => T;

/** A row by its primary key (the entity's primary-column properties). */
export interface RowKey {
  readonly entity: EntityClass;
  readonly key: Readonly<Record<string, unknown>>;
}

export type RowChange =
  /** Insert or replace the whole row. */
  | { readonly kind: 'put'; readonly entity: EntityClass; readonly row: object }
  | { readonly kind: 'delete'; readonly entity: EntityClass; readonly key: Readonly<Record<string, unknown>> }
  /** Append a row to an insert-only table (timeline, history): a second insert of the same key is an error. */
  | { readonly kind: 'insert'; readonly entity: EntityClass; readonly row: object };

/** The rows of the batch so far: as loaded, with the changes of earlier events of the batch applied. */
export interface RowView {
  get<T extends object>(entity: EntityClass<T>, key: Partial<T>): Readonly<T> | undefined;
}

/**
 * A projection (STYLE §5): the rows an event needs and a pure function from (rows, event) to row changes. It does
 * no I/O: the runner loads the rows of a whole batch at once, folds the events in memory and writes the changed
 * rows together with the checkpoint, in one transaction. An exception from `keysOf` or `apply` parks that event
 * (its changes are discarded, the batch goes on).
 */
export interface Projection {
  /** Stable name: checkpoint key, metric label, CLI argument. */
  readonly name: string;
  /** Which streams it follows; events of other streams only move its checkpoint. */
  readonly streams: readonly ProjectedStreamKind[];
  /** The tables it owns (and a rebuild replaces). */
  readonly entities: readonly EntityClass[];
  keysOf(event: ProjectedEvent): readonly RowKey[];
  apply(event: ProjectedEvent, rows: RowView): readonly RowChange[];
}

export function rowKey<T extends object>(entity: EntityClass<T>, key: Partial<T>): RowKey {
  return { entity, key: key };
}

export function put<T extends object>(entity: EntityClass<T>, row: T): RowChange {
  return { kind: 'put', entity, row };
}

export function remove<T extends object>(entity: EntityClass<T>, key: Partial<T>): RowChange {
  return { kind: 'delete', entity, key: key };
}

export function insert<T extends object>(entity: EntityClass<T>, row: T): RowChange {
  return { kind: 'insert', entity, row };
}
