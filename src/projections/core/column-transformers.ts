import type { ValueTransformer } from 'typeorm';

/**
 * Global positions are `bigint` columns. PostgreSQL's driver returns them as strings; positions stay below
 * 2^53 (the event store port guarantees it), so a number holds them exactly.
 */
export const positionColumn: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/** Lists and small objects are stored as JSON text: the same on PostgreSQL and SQLite. */
export const jsonColumn: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown)),
};
