import { createHash } from 'node:crypto';
import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Which instance publishes. Two publishers on the same topics would not lose anything (checkpoints only move
 * forward, consumers dedupe by `ce_id`), but each would publish everything twice; so one is active and the
 * others wait.
 */
export interface PublisherLock {
  /** Becomes (or stays) the active publisher; false while another instance is. */
  tryAcquire(): Promise<boolean>;
  /** The connection checkpoint writes must use while the lock is held (PostgreSQL), else undefined. */
  readonly runner: QueryRunner | undefined;
  release(): Promise<void>;
}

/**
 * PostgreSQL: a session-level advisory lock on a connection of its own. Checkpoint writes go through that same
 * connection, so a publisher whose connection (and with it the lock) is gone cannot move the checkpoint. A
 * killed process loses its connection and the lock with it; a standby takes over at its next attempt.
 */
export class AdvisoryPublisherLock implements PublisherLock {
  private held: QueryRunner | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly name: string,
  ) {}

  get runner(): QueryRunner | undefined {
    return this.held;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held !== undefined) {
      try {
        await this.held.query('SELECT 1');
        return true;
      } catch {
        await this.release();
      }
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      const [schema] = (await runner.query('SELECT current_schema() AS schema')) as { schema: string }[];
      const key = lockKey(`${schema?.schema ?? ''}/${this.name}`);
      const [row] = (await runner.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key])) as {
        locked: boolean;
      }[];
      if (row?.locked === true) {
        this.held = runner;
        return true;
      }
    } catch (error) {
      await runner.release();
      throw error;
    }
    await runner.release();
    return false;
  }

  async release(): Promise<void> {
    const runner = this.held;
    this.held = undefined;
    if (runner === undefined) return;
    try {
      // The connection goes back to the pool: the lock must not go with it.
      await runner.query('SELECT pg_advisory_unlock_all()');
    } catch {
      // A broken connection holds no lock any more.
    } finally {
      await runner.release();
    }
  }
}

/** SQLite (embedded profile): one service instance owns the data directory, so it is always the publisher. */
export class LocalPublisherLock implements PublisherLock {
  readonly runner = undefined;

  tryAcquire(): Promise<boolean> {
    return Promise.resolve(true);
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}

export function createPublisherLock(dataSource: DataSource, name: string): PublisherLock {
  return dataSource.options.type === 'postgres'
    ? new AdvisoryPublisherLock(dataSource, name)
    : new LocalPublisherLock();
}

/** A signed 64-bit advisory lock key from a name. */
function lockKey(name: string): string {
  return createHash('sha256').update(`kyc-ledger/publisher/${name}`).digest().readBigInt64BE(0).toString();
}
