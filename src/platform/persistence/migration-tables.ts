import type { QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

/*
 * Column and table helpers for migrations that write their tables out. Migrations that ran use them, so what
 * they produce must never change: a new kind of column gets a new helper.
 */

export const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});

export const text = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'text',
  isNullable: nullable,
});

export const integer = (name: string): TableColumnOptions => ({ name, type: 'integer' });

export const bigint = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
});

export const primary = (column: TableColumnOptions, constraint: string): TableColumnOptions => ({
  ...column,
  isPrimary: true,
  primaryKeyConstraintName: constraint,
});

export interface TableWithIndices {
  readonly table: Table;
  readonly indices: readonly TableIndex[];
}

/** Creates the tables in order, each with its indices. */
export async function createTables(runner: QueryRunner, tables: readonly TableWithIndices[]): Promise<void> {
  for (const { table, indices } of tables) {
    await runner.createTable(table);
    for (const index of indices) await runner.createIndex(table.name, index);
  }
}

/** Drops the tables in reverse order. */
export async function dropTables(runner: QueryRunner, tables: readonly TableWithIndices[]): Promise<void> {
  for (const { table } of [...tables].reverse()) await runner.dropTable(table.name);
}
