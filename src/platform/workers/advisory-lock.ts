import type { DataSource, QueryRunner } from 'typeorm';

/** What a lease guards: one projection's checkpoint, the publisher of one set of topics, or a vendor dispatcher. */
export type LeaseKind = 'projection' | 'publisher' | 'dispatcher' | 'shadow';

/** The right to run one worker, held by one worker of one instance at a time. */
export interface LeaseHandle {
  readonly kind: LeaseKind;
  readonly name: string;
  /** False once released or lost. */
  readonly held: boolean;
  /** Resolves when the lease is lost (its database session ended); never rejects. */
  readonly lost: Promise<void>;
  /**
   * Runs `work` on the database session that holds the lease (PostgreSQL), else with no runner: a write made
   * this way cannot land after the lease is gone, because the session is gone with it.
   */
  withSession<T>(work: (runner: QueryRunner | undefined) => Promise<T>): Promise<T>;
  release(): Promise<void>;
}

export interface Leases {
  /** The lease of `kind`/`name` if nobody holds it now, else undefined. */
  tryAcquire(kind: LeaseKind, name: string): Promise<LeaseHandle | undefined>;
  close(): Promise<void>;
}

class Handle implements LeaseHandle {
  held = true;
  readonly lost: Promise<void>;
  private markLost!: () => void;

  constructor(
    readonly kind: LeaseKind,
    readonly name: string,
    private readonly onRelease: (handle: Handle) => Promise<void>,
    private readonly session: <T>(work: (runner: QueryRunner | undefined) => Promise<T>) => Promise<T>,
  ) {
    this.lost = new Promise((resolve) => {
      this.markLost = resolve;
    });
  }

  get key(): string {
    return keyOf(this.kind, this.name);
  }

  withSession<T>(work: (runner: QueryRunner | undefined) => Promise<T>): Promise<T> {
    if (!this.held) return Promise.reject(new LeaseNotHeldError(this.kind, this.name));
    return this.session(work);
  }

  lose(): void {
    if (!this.held) return;
    this.held = false;
    this.markLost();
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.onRelease(this);
  }
}

/** A write was asked of a lease that is released or lost. */
export class LeaseNotHeldError extends Error {
  constructor(kind: LeaseKind, name: string) {
    super(`the ${kind} lease ${name} is not held`);
  }
}

function keyOf(kind: LeaseKind, name: string): string {
  return `${kind}/${name}`;
}

/** SQLite (one process owns the data directory): leases within the process only. */
export class LocalLeases implements Leases {
  private readonly held = new Map<string, Handle>();

  tryAcquire(kind: LeaseKind, name: string): Promise<LeaseHandle | undefined> {
    const key = keyOf(kind, name);
    if (this.held.has(key)) return Promise.resolve(undefined);
    const handle = new Handle(
      kind,
      name,
      (h) => {
        if (this.held.get(key) === h) this.held.delete(key);
        return Promise.resolve();
      },
      (work) => work(undefined),
    );
    this.held.set(key, handle);
    return Promise.resolve(handle);
  }

  close(): Promise<void> {
    for (const handle of this.held.values()) handle.lose();
    this.held.clear();
    return Promise.resolve();
  }
}

/**
 * PostgreSQL session advisory locks, all on one dedicated connection of this process. The database releases
 * them when the session ends — a crashed or killed instance frees its leases at once, and a standby takes them
 * over at its next attempt. A heartbeat notices a dead session; its leases count as lost from then on. A lease
 * is an optimisation (one instance works, the others wait): correctness rests on the checkpoints, which only
 * move forward (compare-and-set for projections), and holds even while two instances briefly both believe
 * they lead.
 */
export class PostgresLeases implements Leases {
  private connection: QueryRunner | undefined;
  private connecting: Promise<QueryRunner> | undefined;
  private readonly held = new Map<string, Handle>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  /** Queries on the lease session run one at a time (a pg client must not run two at once). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    options: { heartbeatMs?: number } = {},
  ) {
    this.heartbeat = setInterval(() => {
      void this.beat();
    }, options.heartbeatMs ?? 2000);
    this.heartbeat.unref();
  }

  async tryAcquire(kind: LeaseKind, name: string): Promise<LeaseHandle | undefined> {
    const key = keyOf(kind, name);
    if (this.closed || this.held.has(key)) return undefined;
    const locked = await this.serial(async () => {
      const session = await this.session();
      const rows = (await session.query(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS "locked"`, [
        kind,
        name,
      ])) as { locked: boolean }[];
      return rows[0]?.locked === true;
    });
    if (!locked) return undefined;
    const handle = new Handle(
      kind,
      name,
      (h) => this.unlock(h),
      (work) => this.onSession(work),
    );
    this.held.set(key, handle);
    return handle;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.loseAll();
    await this.dropSession();
  }

  private onSession<T>(work: (runner: QueryRunner | undefined) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const connection = this.connection;
      if (connection === undefined) throw new Error('the lease session is gone');
      try {
        return await work(connection);
      } catch (error) {
        // A session that cannot answer any more holds no lock either.
        if (!(await this.alive(connection))) {
          this.loseAll();
          await this.dropSession();
        }
        throw error;
      }
    });
  }

  private async unlock(handle: Handle): Promise<void> {
    if (this.held.get(handle.key) !== handle) return;
    this.held.delete(handle.key);
    const connection = this.connection;
    if (connection === undefined) return;
    try {
      await this.serial(() =>
        connection.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [handle.kind, handle.name]),
      );
    } catch {
      // The session is gone, and the lock with it.
      this.loseAll();
      await this.dropSession();
    }
  }

  private async session(): Promise<QueryRunner> {
    if (this.connection !== undefined) return this.connection;
    this.connecting ??= (async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        await runner.connect();
      } catch (error) {
        await runner.release().catch(() => undefined);
        throw error;
      }
      this.connection = runner;
      return runner;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async alive(connection: QueryRunner): Promise<boolean> {
    try {
      await connection.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  private async beat(): Promise<void> {
    const connection = this.connection;
    if (connection === undefined || this.held.size === 0) return;
    const alive = await this.serial(() => this.alive(connection));
    if (!alive) {
      this.loseAll();
      await this.dropSession();
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private loseAll(): void {
    for (const handle of this.held.values()) handle.lose();
    this.held.clear();
  }

  /**
   * Ends the lease session for good: the connection is destroyed, not returned to the pool, so no lock can
   * outlive it in a pooled session.
   */
  private async dropSession(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (connection === undefined) return;
    const destroyable = connection as QueryRunner & {
      releasePostgresConnection?: (error: Error) => Promise<void>;
    };
    const ended = new Error('lease session closed');
    await (destroyable.releasePostgresConnection?.(ended) ?? connection.release()).catch(() => undefined);
  }
}

/** Leases for the database the read models live in. */
export function createLeases(dataSource: DataSource): Leases {
  return dataSource.options.type === 'postgres' ? new PostgresLeases(dataSource) : new LocalLeases();
}

/**
 * 64-bit lock key of a lease, scoped to the schema (tests and tenants may share a database). Projection keys are
 * the ones earlier versions used, so a rolling upgrade keeps one runner per projection.
 */
const LOCK_KEY = `hashtextextended('kyc-ledger/' || $1 || '/' || current_schema() || '/' || $2, 0)`;
