import type { DataSource, QueryRunner } from 'typeorm';

/** The right to run one projection, held by one runner of one instance at a time. */
export interface LeaseHandle {
  readonly name: string;
  /** False once released or lost. */
  readonly held: boolean;
  /** Resolves when the lease is lost (its database session ended); never rejects. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export interface Leases {
  /** The lease of `name` if nobody holds it now, else undefined. */
  tryAcquire(name: string): Promise<LeaseHandle | undefined>;
  close(): Promise<void>;
}

class Handle implements LeaseHandle {
  held = true;
  readonly lost: Promise<void>;
  private markLost!: () => void;

  constructor(
    readonly name: string,
    private readonly onRelease: (handle: Handle) => Promise<void>,
  ) {
    this.lost = new Promise((resolve) => {
      this.markLost = resolve;
    });
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

/** SQLite (one process): leases within the process only. */
export class LocalLeases implements Leases {
  private readonly held = new Map<string, Handle>();

  tryAcquire(name: string): Promise<LeaseHandle | undefined> {
    if (this.held.has(name)) return Promise.resolve(undefined);
    const handle = new Handle(name, (h) => {
      if (this.held.get(name) === h) this.held.delete(name);
      return Promise.resolve();
    });
    this.held.set(name, handle);
    return Promise.resolve(handle);
  }

  close(): Promise<void> {
    for (const handle of this.held.values()) handle.lose();
    this.held.clear();
    return Promise.resolve();
  }
}

/**
 * PostgreSQL session advisory locks, one per projection, all on one dedicated connection of this process. The
 * database releases them when the session ends — a crashed or killed instance frees its projections at once,
 * and a standby takes them over at its next attempt. A heartbeat notices a dead session; its leases count as
 * lost from then on. The lock is an optimisation (one instance works, the others wait): exactly-once rests on
 * the checkpoint's compare-and-set, which holds even while two instances briefly both believe they lead.
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

  async tryAcquire(name: string): Promise<LeaseHandle | undefined> {
    if (this.closed || this.held.has(name)) return undefined;
    const locked = await this.serial(async () => {
      const session = await this.session();
      const rows = (await session.query(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS "locked"`, [name])) as {
        locked: boolean;
      }[];
      return rows[0]?.locked === true;
    });
    if (!locked) return undefined;
    const handle = new Handle(name, (h) => this.unlock(h));
    this.held.set(name, handle);
    return handle;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const handle of this.held.values()) handle.lose();
    this.held.clear();
    await this.dropSession();
  }

  private async unlock(handle: Handle): Promise<void> {
    if (this.held.get(handle.name) !== handle) return;
    this.held.delete(handle.name);
    const connection = this.connection;
    if (connection === undefined) return;
    try {
      await this.serial(() => connection.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [handle.name]));
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

  private async beat(): Promise<void> {
    const connection = this.connection;
    if (connection === undefined || this.held.size === 0) return;
    try {
      await this.serial(() => connection.query('SELECT 1'));
    } catch {
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
    const ended = new Error('projection lease session closed');
    await (destroyable.releasePostgresConnection?.(ended) ?? connection.release()).catch(() => undefined);
  }
}

/** 64-bit lock key of a projection, scoped to the schema (tests and tenants may share a database). */
const LOCK_KEY = `hashtextextended('kyc-ledger/projection/' || current_schema() || '/' || $1, 0)`;
