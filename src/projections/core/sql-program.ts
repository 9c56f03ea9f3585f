import type { Database } from 'better-sqlite3';
import type { QueryRunner } from 'typeorm';

/*
 * Database work of a projection batch, written once for both databases. A program is a generator that yields
 * SQL requests and receives their replies: on SQLite it is driven synchronously inside one better-sqlite3
 * transaction (nothing else on the connection can interleave), on PostgreSQL asynchronously on one pooled
 * connection inside BEGIN … COMMIT. SQL uses `?` placeholders; the PostgreSQL driver numbers them.
 */

export type SqlValue = string | number | null;
/** A bound parameter: a value, or (PostgreSQL only) an array of values. */
export type SqlParam = SqlValue | readonly SqlValue[];
export type SqlRow = Record<string, unknown>;

export interface SqlRequest {
  readonly kind: 'rows' | 'count';
  readonly sql: string;
  readonly params: readonly SqlParam[];
}

export interface SqlReply {
  readonly rows: readonly SqlRow[];
  /** Rows changed by an INSERT/UPDATE/DELETE. */
  readonly count: number;
}

export type SqlProgram<T> = Generator<SqlRequest, T, SqlReply>;

export function* selectRows(sql: string, params: readonly SqlParam[] = []): SqlProgram<readonly SqlRow[]> {
  const reply = yield { kind: 'rows', sql, params };
  return reply.rows;
}

export function* execute(sql: string, params: readonly SqlParam[] = []): SqlProgram<number> {
  const reply = yield { kind: 'count', sql, params };
  return reply.count;
}

/** Runs a program on a better-sqlite3 connection, synchronously. Statements are cached by their text. */
export function runSync<T>(db: Database, program: SqlProgram<T>, cache: StatementCache): T {
  let step = program.next();
  while (step.done !== true) {
    const request = step.value;
    const statement = cache.get(db, request.sql);
    const params = request.params as SqlValue[];
    const reply: SqlReply =
      request.kind === 'rows'
        ? { rows: statement.all(params) as SqlRow[], count: 0 }
        : { rows: [], count: statement.run(params).changes };
    step = program.next(reply);
  }
  return step.value;
}

/** Runs a program on a TypeORM PostgreSQL query runner. */
export async function runAsync<T>(runner: QueryRunner, program: SqlProgram<T>): Promise<T> {
  let step = program.next();
  while (step.done !== true) {
    const request = step.value;
    const result = (await runner.query(numberPlaceholders(request.sql), [...request.params], true)) as {
      records?: SqlRow[];
      affected?: number;
    };
    step = program.next({ rows: result.records ?? [], count: result.affected ?? 0 });
  }
  return step.value;
}

/** `?` → `$1, $2, …` (the SQL of projections holds no `?` inside literals). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => {
    n += 1;
    return `$${n}`;
  });
}

type Statement = ReturnType<Database['prepare']>;

/** Prepared statements by SQL text, for one connection; bounded, oldest dropped first. */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();
  private owner: Database | undefined;

  constructor(private readonly capacity = 256) {}

  get(db: Database, sql: string): Statement {
    if (this.owner !== db) {
      this.statements.clear();
      this.owner = db;
    }
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      if (this.statements.size >= this.capacity) {
        const oldest = this.statements.keys().next();
        if (oldest.done !== true) this.statements.delete(oldest.value);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }

  clear(): void {
    this.statements.clear();
  }
}
