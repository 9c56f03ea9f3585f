import { CheckpointMovedError, ProjectionEventError } from '../projection.errors';
import type { EntityClass, Projection, ProjectedEvent, RowChange, RowKey, RowView } from './projection';
import { execute, selectRows, type SqlProgram, type SqlValue } from './sql-program';
import {
  deleteByKeys,
  insertRows,
  keyString,
  primaryValues,
  quote,
  rowToEntity,
  selectByKeys,
  type TableInfo,
  upsertRows,
} from './table-info';

/** An event parked instead of applied: which one, and why (no values, no personal data). */
export interface ParkedEvent {
  readonly position: number;
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly errorCode: string;
  readonly errorDetail: string;
}

export type BatchItem =
  | { readonly kind: 'event'; readonly event: ProjectedEvent }
  /** Parked without trying: its envelope is malformed, or it failed alone in an earlier attempt. */
  | { readonly kind: 'park'; readonly parked: ParkedEvent };

export interface BatchSpec {
  readonly projection: Projection;
  /** Checkpoint row and parked-event owner: the projection's name, or a rebuild's. */
  readonly checkpoint: string;
  readonly checkpointTable: string;
  readonly parkedTable: TableInfo;
  readonly tables: ReadonlyMap<EntityClass, TableInfo>;
  /** Where the runner believes the checkpoint stands; the batch commits only if it still does. */
  readonly from: { readonly position: number; readonly generation: number };
  /** The checkpoint after the batch: the last event's position (or a caught-up position past it). */
  readonly to: number;
  readonly now: string;
  readonly items: readonly BatchItem[];
}

export interface BatchOutcome {
  readonly applied: number;
  readonly parked: readonly ParkedEvent[];
}

/** Why an event is parked, from what `keysOf`/`apply` threw: a decoding error says which field. */
export function parkReason(error: unknown): { errorCode: string; errorDetail: string } {
  if (error instanceof ProjectionEventError) return { errorCode: error.code, errorDetail: error.message };
  // Other errors are bugs or surprises; their messages can quote data, so only the class is kept.
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return { errorCode: 'projection_failed', errorDetail: name };
}

export function parkedFrom(
  event: ProjectedEvent,
  reason: { errorCode: string; errorDetail: string },
): ParkedEvent {
  return {
    position: event.position,
    eventId: event.eventId,
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    ...reason,
  };
}

interface Entry {
  readonly loaded: object | undefined;
  row: object | undefined;
  touched: boolean;
}

/** The rows of one batch: loaded once, changed in memory event by event, written once. */
class WorkingSet implements RowView {
  private readonly entries = new Map<TableInfo, Map<string, Entry>>();
  readonly inserts = new Map<TableInfo, object[]>();

  constructor(private readonly tables: ReadonlyMap<EntityClass, TableInfo>) {}

  info(entity: EntityClass): TableInfo {
    const info = this.tables.get(entity);
    if (info === undefined) throw new TypeError(`${entity.name} is not a table of this projection`);
    return info;
  }

  load(info: TableInfo, key: string, row: object | undefined): void {
    let table = this.entries.get(info);
    if (table === undefined) {
      table = new Map();
      this.entries.set(info, table);
    }
    if (!table.has(key)) table.set(key, { loaded: row, row, touched: false });
  }

  get<T extends object>(entity: EntityClass<T>, key: Partial<T>): Readonly<T> | undefined {
    const info = this.info(entity);
    const entry = this.entries.get(info)?.get(keyString(info, key));
    // A row the projection did not name in keysOf is a bug in the projection: fail (and park), never guess.
    if (entry === undefined) throw new TypeError(`${entity.name} row read without being named in keysOf`);
    return entry.row as T | undefined;
  }

  /** All changes of one event, or none (validated before any is applied). */
  apply(changes: readonly RowChange[]): void {
    const resolved = changes.map((change) => {
      const info = this.info(change.entity);
      if (change.kind === 'insert') return { change, info, entry: undefined };
      const key = keyString(
        info,
        change.kind === 'put' ? (change.row as Record<string, unknown>) : change.key,
      );
      const entry = this.entries.get(info)?.get(key);
      if (entry === undefined)
        throw new TypeError(`${change.entity.name} row changed without being named in keysOf`);
      return { change, info, entry };
    });
    for (const { change, info, entry } of resolved) {
      if (change.kind === 'insert') {
        const rows = this.inserts.get(info) ?? [];
        rows.push(change.row);
        this.inserts.set(info, rows);
      } else if (entry !== undefined) {
        entry.row = change.kind === 'put' ? change.row : undefined;
        entry.touched = true;
      }
    }
  }

  changed(): { info: TableInfo; puts: object[]; deletes: SqlValue[][] }[] {
    return [...this.entries].map(([info, table]) => {
      const puts: object[] = [];
      const deletes: SqlValue[][] = [];
      for (const entry of table.values()) {
        if (!entry.touched) continue;
        if (entry.row !== undefined) puts.push(entry.row);
        else if (entry.loaded !== undefined)
          deletes.push(primaryValues(info, entry.loaded as Record<string, unknown>));
      }
      return { info, puts, deletes };
    });
  }
}

/**
 * One batch, as one transaction: compare-and-set the checkpoint first (which also locks its row on PostgreSQL,
 * so a concurrent writer or a rebuild's switch waits), load every row the events need, fold the events in
 * memory — an event whose `keysOf`/`apply` throws is parked and its changes discarded — then write the changed
 * rows and the parked events.
 */
export function* batchProgram(spec: BatchSpec): SqlProgram<BatchOutcome> {
  const moved = yield* execute(
    `UPDATE ${quote(spec.checkpointTable)} SET "position" = ?, "updated_at" = ? ` +
      `WHERE "name" = ? AND "position" = ? AND "generation" = ?`,
    [spec.to, spec.now, spec.checkpoint, spec.from.position, spec.from.generation],
  );
  if (moved !== 1) throw new CheckpointMovedError(spec.checkpoint);

  const working = new WorkingSet(spec.tables);
  const parked: ParkedEvent[] = [];
  const keyed: { event: ProjectedEvent; keys: readonly RowKey[] }[] = [];
  for (const item of spec.items) {
    if (item.kind === 'park') {
      parked.push(item.parked);
      continue;
    }
    try {
      const keys = spec.projection.keysOf(item.event);
      for (const key of keys) working.info(key.entity);
      keyed.push({ event: item.event, keys });
    } catch (error) {
      parked.push(parkedFrom(item.event, parkReason(error)));
    }
  }

  const wanted = new Map<TableInfo, Map<string, SqlValue[]>>();
  for (const { keys } of keyed) {
    for (const { entity, key } of keys) {
      const info = working.info(entity);
      const byKey = wanted.get(info) ?? new Map<string, SqlValue[]>();
      byKey.set(keyString(info, key), primaryValues(info, key));
      wanted.set(info, byKey);
    }
  }
  for (const [info, byKey] of wanted) {
    const found = new Map<string, object>();
    for (const statement of selectByKeys(info, [...byKey.values()])) {
      for (const row of yield* selectRows(statement.sql, statement.params)) {
        const entity = rowToEntity(info, row);
        found.set(keyString(info, entity as Record<string, unknown>), entity);
      }
    }
    for (const key of byKey.keys()) working.load(info, key, found.get(key));
  }

  let applied = 0;
  for (const { event } of keyed) {
    try {
      working.apply(spec.projection.apply(event, working));
      applied += 1;
    } catch (error) {
      parked.push(parkedFrom(event, parkReason(error)));
    }
  }

  for (const { info, puts, deletes } of working.changed()) {
    for (const statement of deleteByKeys(info, deletes)) yield* execute(statement.sql, statement.params);
    for (const statement of upsertRows(info, puts)) yield* execute(statement.sql, statement.params);
  }
  for (const [info, rows] of working.inserts) {
    for (const statement of insertRows(info, rows)) yield* execute(statement.sql, statement.params);
  }
  if (parked.length > 0) {
    const rows = parked.map((p) => ({ ...p, projection: spec.checkpoint, parkedAt: spec.now }));
    for (const statement of insertRows(spec.parkedTable, rows))
      yield* execute(statement.sql, statement.params);
  }
  return { applied, parked };
}
