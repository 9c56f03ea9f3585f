import type { DataSource, ValueTransformer } from 'typeorm';
import type { EntityClass } from './projection';
import type { SqlParam, SqlRow, SqlValue } from './sql-program';

/** How one entity maps to one table, read from TypeORM's metadata (the entity is the one definition). */
export interface ColumnInfo {
  readonly property: string;
  readonly column: string;
  readonly transformers: readonly ValueTransformer[];
  /** Element type for PostgreSQL array parameters (`unnest`, `ANY`). */
  readonly arrayType: 'text' | 'integer' | 'bigint';
}

export interface TableInfo {
  readonly dialect: 'postgres' | 'sqlite';
  readonly entity: EntityClass;
  /** The table written: the entity's own, or a rebuild's shadow table. */
  readonly table: string;
  readonly columns: readonly ColumnInfo[];
  readonly primary: readonly ColumnInfo[];
}

/** Largest number of bound parameters in one statement (SQLite allows 32766, PostgreSQL 65535). */
const MAX_PARAMS = 20_000;

export function tableInfo(dataSource: DataSource, entity: EntityClass, table?: string): TableInfo {
  const metadata = dataSource.getMetadata(entity);
  const columns = metadata.columns.map((c) => ({
    property: c.propertyName,
    column: c.databaseName,
    transformers: c.transformer === undefined ? [] : [c.transformer].flat(),
    arrayType:
      c.type === 'bigint'
        ? ('bigint' as const)
        : c.type === 'integer'
          ? ('integer' as const)
          : ('text' as const),
  }));
  const primary = metadata.primaryColumns.map((p) => {
    const found = columns.find((c) => c.column === p.databaseName);
    if (found === undefined)
      throw new Error(`primary column ${p.databaseName} of ${metadata.tableName} not mapped`);
    return found;
  });
  const dialect = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  return { dialect, entity, table: table ?? metadata.tableName, columns, primary };
}

export function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function toDbValue(column: ColumnInfo, value: unknown): SqlValue {
  let converted = value;
  for (const transformer of column.transformers) converted = transformer.to(converted) as unknown;
  if (converted === undefined || converted === null) return null;
  if (typeof converted === 'string' || typeof converted === 'number') return converted;
  if (typeof converted === 'boolean') return converted ? 1 : 0;
  throw new TypeError(`column ${column.column} cannot hold a ${typeof converted}`);
}

function fromDbValue(column: ColumnInfo, value: unknown): unknown {
  let converted = value;
  for (const transformer of [...column.transformers].reverse())
    converted = transformer.from(converted) as unknown;
  return converted;
}

export function rowToEntity(info: TableInfo, row: SqlRow): object {
  const entity: Record<string, unknown> = {};
  for (const column of info.columns) entity[column.property] = fromDbValue(column, row[column.column]);
  return entity;
}

export function primaryValues(info: TableInfo, key: Readonly<Record<string, unknown>>): SqlValue[] {
  return info.primary.map((column) => {
    const value = key[column.property];
    if (value === undefined) throw new TypeError(`key of ${info.table} lacks ${column.property}`);
    return toDbValue(column, value);
  });
}

/** Identity of a row within a batch: its primary-key values. */
export function keyString(info: TableInfo, key: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(primaryValues(info, key));
}

export interface Statement {
  readonly sql: string;
  readonly params: SqlParam[];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/*
 * Statements. On SQLite: multi-row VALUES and IN lists. On PostgreSQL: one array parameter per column
 * (`unnest`, `= ANY`), so a statement of thousands of rows has a handful of parameters and parses at once.
 */

function arrayParam(column: ColumnInfo): string {
  return `?::${column.arrayType}[]`;
}

/** Values per column, for PostgreSQL array parameters. */
function columnArrays(columns: readonly ColumnInfo[], rows: readonly SqlValue[][]): SqlParam[] {
  return columns.map((_, i) => rows.map((row) => row[i] ?? null));
}

function keyPredicate(info: TableInfo, count: number): string {
  if (info.dialect === 'postgres') {
    const [only] = info.primary;
    if (info.primary.length === 1 && only !== undefined)
      return `${quote(only.column)} = ANY(${arrayParam(only)})`;
    const columns = info.primary.map((c) => quote(c.column)).join(', ');
    return `(${columns}) IN (SELECT * FROM unnest(${info.primary.map(arrayParam).join(', ')}))`;
  }
  if (info.primary.length === 1) {
    const [only] = info.primary;
    return `${quote(only?.column ?? '')} IN (${Array.from({ length: count }, () => '?').join(', ')})`;
  }
  const one = `(${info.primary.map((c) => `${quote(c.column)} = ?`).join(' AND ')})`;
  return Array.from({ length: count }, () => one).join(' OR ');
}

function keyStatements(
  info: TableInfo,
  keys: readonly SqlValue[][],
  verb: 'SELECT *' | 'DELETE',
): Statement[] {
  const per = info.dialect === 'postgres' ? 10_000 : Math.max(1, Math.floor(2000 / info.primary.length));
  return chunks(keys, per).map((part) => ({
    sql: `${verb} FROM ${quote(info.table)} WHERE ${keyPredicate(info, part.length)}`,
    params: info.dialect === 'postgres' ? columnArrays(info.primary, part) : part.flat(),
  }));
}

export function selectByKeys(info: TableInfo, keys: readonly SqlValue[][]): Statement[] {
  return keyStatements(info, keys, 'SELECT *');
}

export function deleteByKeys(info: TableInfo, keys: readonly SqlValue[][]): Statement[] {
  return keyStatements(info, keys, 'DELETE');
}

function rowValues(info: TableInfo, row: object): SqlValue[] {
  const record = row as Record<string, unknown>;
  return info.columns.map((column) => toDbValue(column, record[column.property]));
}

function insertStatements(info: TableInfo, rows: readonly object[], suffix: string): Statement[] {
  const names = info.columns.map((c) => quote(c.column)).join(', ');
  if (info.dialect === 'postgres') {
    return chunks(rows, 5000).map((part) => ({
      sql:
        `INSERT INTO ${quote(info.table)} (${names}) ` +
        `SELECT * FROM unnest(${info.columns.map(arrayParam).join(', ')})${suffix}`,
      params: columnArrays(
        info.columns,
        part.map((row) => rowValues(info, row)),
      ),
    }));
  }
  const per = Math.max(1, Math.floor(MAX_PARAMS / info.columns.length));
  const tuple = `(${info.columns.map(() => '?').join(', ')})`;
  return chunks(rows, per).map((part) => ({
    sql: `INSERT INTO ${quote(info.table)} (${names}) VALUES ${part.map(() => tuple).join(', ')}${suffix}`,
    params: part.flatMap((row) => rowValues(info, row)),
  }));
}

/** Plain INSERT: a duplicate key fails the statement (insert-only tables). */
export function insertRows(info: TableInfo, rows: readonly object[]): Statement[] {
  return insertStatements(info, rows, '');
}

/** INSERT … ON CONFLICT (primary key) DO UPDATE: the same on PostgreSQL and SQLite ≥ 3.24. */
export function upsertRows(info: TableInfo, rows: readonly object[]): Statement[] {
  const conflict = info.primary.map((c) => quote(c.column)).join(', ');
  const updates = info.columns
    .filter((c) => !info.primary.includes(c))
    .map((c) => `${quote(c.column)} = excluded.${quote(c.column)}`);
  const action = updates.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${updates.join(', ')}`;
  return insertStatements(info, rows, ` ON CONFLICT (${conflict}) ${action}`);
}
