import { randomBytes, randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { In, IsNull, LessThanOrEqual, Not, type DataSource, type Repository } from 'typeorm';
import type { Sealed } from './aes-gcm';
import { InvalidKekError } from './crypto.errors';
import { DataKeyEntity, KekCheckEntity } from './data-key.entity';
import { DATA_CLASSES, type DataClass } from '../../shared/data-classes';
import type { Kek } from './kek';
import { sqliteConnectionOf, whenIdle } from '../../shared/sqlite-connection';

interface LiveKeyRow {
  readonly key_id: string;
  readonly data_class: string;
  readonly wrapped_key: string | null;
}

interface KeyRow {
  readonly subject_id: string;
  readonly data_class: string;
  readonly wrapped_key: string | null;
  readonly destroyed_at: string | null;
}

export interface DataKey {
  readonly keyId: string;
  readonly key: Buffer;
}

/**
 * What a scrub reached: `complete` when the key database has done what it can to leave no destroyed key in its
 * files (docs/privacy.md, "What destruction reaches"); otherwise why not, in words fit for a log line.
 */
export type ScrubOutcome =
  { readonly complete: true } | { readonly complete: false; readonly reason: string };

export type KeyLookup =
  { state: 'active'; key: Buffer } | { state: 'destroyed'; destroyedAt: string } | { state: 'unknown' };

const KEK_CHECK_PLAINTEXT = Buffer.from('kyc-ledger kek check v1', 'utf8');

function encode(sealed: Sealed): string {
  return Buffer.concat([sealed.iv, sealed.tag, sealed.ciphertext]).toString('base64');
}

function decode(value: string): Sealed {
  const bytes = Buffer.from(value, 'base64');
  return { iv: bytes.subarray(0, 12), tag: bytes.subarray(12, 28), ciphertext: bytes.subarray(28) };
}

interface CheckpointRow {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/** How often, 10 ms apart, a SQLite scrub waits for a transaction on the shared connection to end. */
const SCRUB_ATTEMPTS = 100;

export interface KeyStoreOptions {
  /**
   * PostgreSQL: how long a scrub waits, at most, for transactions of the database that may still see a
   * destroyed key's old row version (default 2,000 ms).
   */
  readonly scrubWaitMs?: number;
}

/**
 * Sessions of this database, other than the asking one, in a transaction that began before `$1` and holding a
 * snapshot: such a transaction may still see the row version a shred replaced, and VACUUM keeps what any
 * snapshot can see. Sessions of other roles show no `backend_xmin` unless the role may read all statistics.
 */
const OLDER_SNAPSHOTS_SQL =
  'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() ' +
  'AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL AND xact_start < $1';

const context = (subjectId: string, dataClass: string, keyId: string): string =>
  `${subjectId}|${dataClass}|${keyId}`;

/** Key rows waiting for one grouped commit, with the request's answer. */
interface PendingKeys {
  readonly rows: readonly DataKeyEntity[];
  resolve(inserted: Set<string>): void;
  reject(error: unknown): void;
}

/**
 * Data-encryption keys per (subject, data class), wrapped by the KEK, in the read-model database (never in
 * the event store, so shredding a key does not touch the immutable log).
 */
export class KeyStore {
  private readonly keys: Repository<DataKeyEntity>;
  private readonly checks: Repository<KekCheckEntity>;

  private readonly liveKeysSql: string;
  private readonly keySql: string;
  /** Plain statements prepared on the SQLite driver's connection, by their text. */
  private readonly prepared = new Map<string, Statement>();
  private insertKeyStatement: Statement | undefined;
  /** Key rows waiting for the next grouped commit (SQLite), each request with its answer. */
  private creating: PendingKeys[] = [];
  private scrubRunning: Promise<ScrubOutcome> | undefined;
  private scrubQueued: Promise<ScrubOutcome> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kek: Kek,
    private readonly now: () => Date = () => new Date(),
    private readonly options: KeyStoreOptions = {},
  ) {
    this.keys = dataSource.getRepository(DataKeyEntity);
    this.checks = dataSource.getRepository(KekCheckEntity);
    const param = dataSource.options.type === 'postgres' ? '$1' : '?';
    this.liveKeysSql = `SELECT key_id, data_class, wrapped_key FROM data_keys WHERE subject_id = ${param} AND destroyed_at IS NULL AND retired_at IS NULL`;
    this.keySql = `SELECT subject_id, data_class, wrapped_key, destroyed_at FROM data_keys WHERE key_id = ${param}`;
  }

  /**
   * Refuses a KEK that is not the one the stored keys were wrapped with. On a new database, records the
   * check value for this KEK.
   */
  async assertKek(): Promise<void> {
    let existing = await this.checks.find();
    if (existing.length === 0) {
      // Several instances may start on a new database at once: the first check row stands, the others are
      // dropped, and every instance then checks its KEK against the one that stands.
      const sealed = this.kek.wrap(KEK_CHECK_PLAINTEXT, 'kek-check');
      await this.checks
        .createQueryBuilder()
        .insert()
        .values({ kekId: this.kek.id, sealed: encode(sealed), createdAt: this.now().toISOString() })
        .orIgnore()
        .execute();
      existing = await this.checks.find();
    }
    const mine = existing.find((row) => row.kekId === this.kek.id);
    if (!mine) throw new InvalidKekError('LEDGER_KEK is not the key this key store was created with');
    const plain = this.kek.unwrap(decode(mine.sealed), 'kek-check');
    if (!plain.equals(KEK_CHECK_PLAINTEXT)) throw new InvalidKekError('key check value does not match');
  }

  /**
   * KEK rotation: re-wraps every live data key under `next` in one transaction and replaces the check value, so
   * the store never holds keys under two KEKs. Events are untouched (they hold ciphertext under the data keys,
   * which do not change). After it returns, only `next` opens the store. Returns how many keys were re-wrapped.
   */
  async rotateKek(next: Kek): Promise<number> {
    await this.assertKek();
    if (next.id === this.kek.id) return 0;
    const rewrapped = await this.dataSource.transaction(async (manager) => {
      const keys = manager.getRepository(DataKeyEntity);
      const live = await keys.find({ where: { destroyedAt: IsNull() } });
      let count = 0;
      for (const row of live) {
        if (!row.wrappedKey) continue;
        const ctx = context(row.subjectId, row.dataClass, row.keyId);
        const dek = this.kek.unwrap(decode(row.wrappedKey), ctx);
        await keys.update({ keyId: row.keyId }, { wrappedKey: encode(next.wrap(dek, ctx)), kekId: next.id });
        count += 1;
      }
      const checks = manager.getRepository(KekCheckEntity);
      await checks.clear();
      await checks.insert({
        kekId: next.id,
        sealed: encode(next.wrap(KEK_CHECK_PLAINTEXT, 'kek-check')),
        createdAt: this.now().toISOString(),
      });
      return count;
    });
    // The keys wrapped under the old KEK, which may be why it is being replaced, leave the files too.
    const scrub = await this.scrubDestroyedKeys();
    if (!scrub.complete)
      throw new Error(`re-wrapped, but the old wrapped keys may remain on disk: ${scrub.reason}`);
    return rewrapped;
  }

  /**
   * The active keys of several classes of one subject: one query, and the missing keys created together in one
   * statement (one commit on the append path, not one per class).
   */
  async activeKeys(subjectId: string, dataClasses: readonly DataClass[]): Promise<Map<DataClass, DataKey>> {
    const wanted = [...new Set(dataClasses)];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const found = new Map<DataClass, DataKey>();
      const rows = await this.plainRows<LiveKeyRow>(this.liveKeysSql, subjectId);
      for (const row of rows) {
        const dataClass = row.data_class as DataClass;
        if (!row.wrapped_key || !wanted.includes(dataClass)) continue;
        found.set(dataClass, {
          keyId: row.key_id,
          key: this.kek.unwrap(decode(row.wrapped_key), context(subjectId, dataClass, row.key_id)),
        });
      }
      const missing = wanted.filter((dataClass) => !found.has(dataClass));
      if (missing.length === 0) return found;
      const created = missing.map((dataClass) => {
        const keyId = randomUUID();
        const key = randomBytes(32);
        return { dataClass, keyId, key };
      });
      const newRows: DataKeyEntity[] = created.map(({ dataClass, keyId, key }) => ({
        keyId,
        subjectId,
        dataClass,
        wrappedKey: encode(this.kek.wrap(key, context(subjectId, dataClass, keyId))),
        kekId: this.kek.id,
        createdAt: this.now().toISOString(),
        destroyedAt: null,
        retiredAt: null,
      }));
      const db = sqliteConnectionOf(this.dataSource);
      if (db !== undefined) {
        // Grouped with the other keys asked for in this turn of the event loop (without waiting for the next
        // one, behind background work): one fsync for all of them.
        const inserted = await this.insertGrouped(db, newRows);
        for (const { dataClass, keyId, key } of created) {
          if (inserted.has(keyId)) found.set(dataClass, { keyId, key });
        }
        if (inserted.size === created.length) return found;
        // Another request holds an active key of a class: read again and use theirs.
        if (attempt === 2) throw new Error('another request kept creating the same keys');
        continue;
      }
      try {
        await this.keys.insert(newRows);
        for (const { dataClass, keyId, key } of created) found.set(dataClass, { keyId, key });
        return found;
      } catch (error) {
        // Another request created one of the keys at the same moment: read again and use theirs.
        if (attempt === 2) throw error;
      }
    }
    throw new Error('unreachable');
  }

  /**
   * Inserts key rows on SQLite together with those of the other requests of this turn of the event loop, in one
   * fully durable transaction (a lost key would be lost data), run in one synchronous step once no other
   * transaction is open on the shared connection (so no rollback of someone else's can take the keys with it).
   * A row whose (subject, class) already has an active key is skipped; resolves with the key ids inserted.
   */
  private insertGrouped(db: Database, rows: readonly DataKeyEntity[]): Promise<Set<string>> {
    return new Promise((resolve, reject) => {
      this.creating.push({ rows, resolve, reject });
      if (this.creating.length > 1) return;
      queueMicrotask(() => {
        const batch = this.creating;
        this.creating = [];
        this.insertKeyStatement ??= db.prepare(
          'INSERT INTO data_keys (key_id, subject_id, data_class, wrapped_key, kek_id, created_at, destroyed_at, retired_at) ' +
            'VALUES (?, ?, ?, ?, ?, ?, NULL, NULL) ON CONFLICT DO NOTHING',
        );
        const statement = this.insertKeyStatement;
        const insertAll = db.transaction(() =>
          batch.map(({ rows: mine }) => {
            const inserted = new Set<string>();
            for (const row of mine) {
              const { changes } = statement.run(
                row.keyId,
                row.subjectId,
                row.dataClass,
                row.wrappedKey,
                row.kekId,
                row.createdAt,
              );
              if (changes === 1) inserted.add(row.keyId);
            }
            return inserted;
          }),
        );
        whenIdle(db, () => insertAll.immediate()).then(
          (results) => {
            batch.forEach((pending, i) => {
              pending.resolve(results[i] ?? new Set());
            });
          },
          (error: unknown) => {
            for (const pending of batch) pending.reject(error);
          },
        );
      });
    });
  }

  /**
   * The rows of a plain statement with one parameter. On every append with personal data and every decryption:
   * on SQLite one prepared statement on the driver's connection (the ORM would prepare it on every call, and its
   * query building costs more than the lookup itself).
   */
  private plainRows<T>(sql: string, param: string): Promise<T[]> | T[] {
    const db = sqliteConnectionOf(this.dataSource);
    if (db === undefined) return this.dataSource.query<T[]>(sql, [param]);
    let statement = this.prepared.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement.all(param) as T[];
  }

  /** The active key of (subject, class), created on first use. */
  async activeKey(subjectId: string, dataClass: DataClass): Promise<DataKey> {
    const key = (await this.activeKeys(subjectId, [dataClass])).get(dataClass);
    if (key === undefined) throw new Error(`no key for ${dataClass}`);
    return key;
  }

  async lookup(subjectId: string, dataClass: string, keyId: string): Promise<KeyLookup> {
    const [row] = await this.plainRows<KeyRow>(this.keySql, keyId);
    if (!row || row.subject_id !== subjectId || row.data_class !== dataClass) return { state: 'unknown' };
    if (!row.wrapped_key) return { state: 'destroyed', destroyedAt: row.destroyed_at ?? '' };
    return {
      state: 'active',
      key: this.kek.unwrap(decode(row.wrapped_key), context(subjectId, dataClass, keyId)),
    };
  }

  /** The classes of which the subject has a live key: the personal data the ledger can still read. */
  async liveClasses(subjectId: string): Promise<DataClass[]> {
    const rows = await this.keys.find({
      select: { dataClass: true },
      where: { subjectId, destroyedAt: IsNull() },
    });
    return DATA_CLASSES.filter((dataClass) => rows.some((row) => row.dataClass === dataClass));
  }

  /**
   * Stops the subject's active keys of these classes from encrypting new data (they still decrypt): what is
   * collected from now on gets new keys, so destroying the retired ones later shreds exactly the data held now.
   * Idempotent; returns how many keys were retired now.
   */
  async retireClasses(subjectId: string, dataClasses: readonly DataClass[]): Promise<number> {
    if (dataClasses.length === 0) return 0;
    const result = await this.keys.update(
      { subjectId, dataClass: In([...dataClasses]), destroyedAt: IsNull(), retiredAt: IsNull() },
      { retiredAt: this.now().toISOString() },
    );
    return result.affected ?? 0;
  }

  /**
   * Crypto-shreds the subject's live keys of these classes in one statement: all of them, or only the retired
   * ones (what an erasure request covered), or only those created up to an instant (a recorded shred applied
   * again after a key-store restore). Idempotent; returns how many keys were destroyed now.
   */
  async destroyKeys(
    subjectId: string,
    dataClasses: readonly DataClass[],
    scope: { readonly retiredOnly?: boolean; readonly createdUpTo?: string } = {},
  ): Promise<number> {
    if (dataClasses.length === 0) return 0;
    const result = await this.keys.update(
      {
        subjectId,
        dataClass: In([...dataClasses]),
        destroyedAt: IsNull(),
        ...(scope.retiredOnly === true ? { retiredAt: Not(IsNull()) } : {}),
        ...(scope.createdUpTo === undefined ? {} : { createdAt: LessThanOrEqual(scope.createdUpTo) }),
      },
      { wrappedKey: null, destroyedAt: this.now().toISOString() },
    );
    return result.affected ?? 0;
  }

  /**
   * Makes destroyed keys leave the database's files, not only its rows: an UPDATE that nulls a key leaves its
   * bytes in the write-ahead log, and on PostgreSQL in a dead row version, until the database gets round to
   * them. Call it once the destruction has committed. SQLite (with `secure_delete`, which zeroes the freed
   * space of the row as it is rewritten) copies the log into the database file and truncates the log; on
   * PostgreSQL a `VACUUM` of the key table removes the dead row versions. What stays (PostgreSQL WAL, replicas,
   * backups) is in docs/privacy.md. Never throws: the keys are destroyed either way, so a scrub that could not
   * finish is reported, not raised. Concurrent calls share the work: the answer comes from a scrub that began
   * after the call.
   */
  scrubDestroyedKeys(): Promise<ScrubOutcome> {
    if (this.scrubRunning === undefined) return this.startScrub();
    this.scrubQueued ??= this.scrubRunning.then(() => {
      this.scrubQueued = undefined;
      return this.startScrub();
    });
    return this.scrubQueued;
  }

  private startScrub(): Promise<ScrubOutcome> {
    const run = this.scrub()
      .catch((error: unknown): ScrubOutcome => ({
        complete: false,
        reason: `${error instanceof Error ? error.constructor.name : 'error'}: ${error instanceof Error ? error.message : String(error)}`,
      }))
      .finally(() => {
        if (this.scrubRunning === run) this.scrubRunning = undefined;
      });
    this.scrubRunning = run;
    return run;
  }

  private async scrub(): Promise<ScrubOutcome> {
    if (this.dataSource.options.type === 'postgres') {
      // Plain VACUUM: it prunes the dead row versions (their page space is compacted) without the exclusive
      // lock and table rewrite of VACUUM FULL. The table name resolves through the connection's search_path.
      // VACUUM of a table the role does not own is skipped with a warning, not an error: check first.
      const [owner] = await this.dataSource.query<{ owns: boolean }[]>(
        `SELECT pg_has_role(c.relowner, 'USAGE') AS owns FROM pg_class c WHERE c.oid = 'data_keys'::regclass`,
      );
      if (owner?.owns !== true) {
        return {
          complete: false,
          reason: 'the database role does not own data_keys, so it cannot VACUUM it',
        };
      }
      // VACUUM keeps every row version some snapshot can still see: first let the transactions that began
      // before this scrub (so perhaps before the shred) end, for a bounded time.
      const [{ at } = { at: new Date() }] = await this.dataSource.query<{ at: Date }[]>(
        'SELECT statement_timestamp() AS at',
      );
      const settled = await this.olderSnapshotsEnded(at);
      await this.dataSource.query('VACUUM data_keys');
      return settled
        ? { complete: true }
        : {
            complete: false,
            reason: 'a transaction older than the shred still held a snapshot of the key database',
          };
    }
    const db = sqliteConnectionOf(this.dataSource);
    if (db === undefined) return { complete: false, reason: 'unsupported database' };
    for (let attempt = 1; ; attempt += 1) {
      // The connection is shared: a checkpoint inside another flow's open transaction fails ("locked"), so it
      // waits for that transaction to end.
      if (!db.inTransaction) {
        const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointRow[];
        // busy: another process reads an older snapshot, and the log could not be copied and truncated whole.
        if (row !== undefined && row.busy === 0) return { complete: true };
      }
      if (attempt === SCRUB_ATTEMPTS) {
        return {
          complete: false,
          reason: db.inTransaction
            ? 'a transaction stayed open on the key database'
            : 'another process holds a read snapshot of the key database (WAL not truncated)',
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Whether the transactions that began before `at` and hold a snapshot ended within the wait (PostgreSQL). */
  private async olderSnapshotsEnded(at: Date): Promise<boolean> {
    const deadline = Date.now() + (this.options.scrubWaitMs ?? 2000);
    for (;;) {
      const [row] = await this.dataSource.query<{ n: number }[]>(OLDER_SNAPSHOTS_SQL, [at]);
      if ((row?.n ?? 0) === 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
