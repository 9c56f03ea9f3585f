import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { JsonObject } from '../../shared/json';
import { setCacheMib } from '../../shared/sqlite-connection';
import { DEFAULT_MAX_EVENT_BYTES, type SerializedEvent, validateAppend } from '../append-validation';
import {
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
} from '../event-store.errors';
import type {
  AppendResult,
  EventFilter,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredEvent,
  SubscribeAllOptions,
  Subscription,
  SubscriptionMessage,
} from '../event-store.port';
import { HistoryBlocks } from './history-blocks';
import { LogTail } from './log-tail';

/**
 * `full` (default): every acknowledged append is on disk before the promise resolves; it survives a power loss.
 * `normal`: WAL is synced at checkpoints only; a crash of the process loses nothing, but a power loss or OS
 * crash may lose the most recent acknowledged appends. Opt-in only, for throwaway environments.
 */
export type SqliteSynchronous = 'full' | 'normal';

export interface SqliteEventStoreOptions {
  readonly synchronous?: SqliteSynchronous;
  readonly maxEventBytes?: number;
  /** Most appends one group commit may carry. */
  readonly maxBatch?: number;
  /** How often live subscriptions look for appends made by other processes on the same file. */
  readonly pollIntervalMs?: number;
  /** Newest events kept for the live subscriptions of this process (0: none, each reads the file). */
  readonly tailCapacity?: number;
  /** Blocks of 500 events behind the tail kept for readers catching up together (0: none, each reads the file). */
  readonly historyBlocks?: number;
  /**
   * The live subscriptions of this process are woken at most once per this many milliseconds (0: after every
   * commit). The first commit after a quiet spell wakes them at once; the commits within the window after a wake
   * wake them together at its end, so under load each follower works in fewer, larger batches.
   */
  readonly wakeIntervalMs?: number;
  /** SQLite's page cache for the file, in MiB (default: the driver's, 16 MiB). */
  readonly cacheMib?: number;
}

interface EventRow {
  position: number;
  stream: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  created: string;
}

/** A row of `allRaw`: position, stream, revision, event id, type, data, metadata (what verification reads). */
type StoredRow = [number, string, number, string, string, string, string];

interface PendingAppend {
  readonly stream: string;
  readonly events: readonly SerializedEvent[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { ok: AppendResult } | { error: unknown };

const SUBSCRIPTION_PAGE = 500;
const BUSY_RETRIES = 5;

/**
 * The embedded event store: one SQLite file in WAL mode. Appends that arrive while a commit is running are
 * queued and written together in the next transaction (group commit), each inside its own savepoint so a
 * conflict in one does not fail the others; one fsync then acknowledges the whole group.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly appended = new EventEmitter();
  private readonly maxEventBytes: number;
  private readonly maxBatch: number;
  private readonly pollIntervalMs: number;
  private readonly wakeIntervalMs: number;
  /** When the live subscriptions were last woken after a commit (`performance.now()`). */
  private lastWake = Number.NEGATIVE_INFINITY;
  /** The wake-up set for the end of the current window, while one is pending. */
  private pendingWake: NodeJS.Timeout | undefined;
  /** The last position this process has committed. */
  private committedThrough = 0;
  /** Counters for metrics and benchmarks: how many appends shared how many commits. */
  readonly stats = { commits: 0, appends: 0 };
  /** The newest events, read once for every live subscription of this process. */
  readonly tail: LogTail;
  /** Blocks of the log behind the tail, shared by the readers catching up through them. */
  readonly history: HistoryBlocks;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;

  private readonly stmt: {
    lastRevision: Database.Statement<[string], { revision: number | null }>;
    insert: Database.Statement<[string, number, string, string, string, string, string]>;
    byIdsInStream: Database.Statement<[string, number, number], { event_id: string; position: number }>;
    revisionOfId: Database.Statement<[string], { stream: string; revision: number }>;
    forwards: Database.Statement<[string, number, number], EventRow>;
    backwards: Database.Statement<[string, number, number], EventRow>;
    all: Database.Statement<[number, number], EventRow>;
    range: Database.Statement<[number, number], EventRow>;
    /** The columns of `all` as arrays (no object per row), for reading the whole log. */
    allRaw: Database.Statement<[number, number], StoredRow>;
    head: Database.Statement<[], { position: number | null }>;
  };

  constructor(
    readonly file: string,
    options: SqliteEventStoreOptions = {},
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.maxBatch = options.maxBatch ?? 512;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.wakeIntervalMs = options.wakeIntervalMs ?? 0;
    this.tail = new LogTail(options.tailCapacity ?? 4096);
    this.history = new HistoryBlocks(500, options.historyBlocks ?? 32);
    this.appended.setMaxListeners(0);

    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    if (options.cacheMib !== undefined) setCacheMib(this.db, options.cacheMib);
    this.migrate();

    this.stmt = {
      lastRevision: this.db.prepare('SELECT max(revision) AS revision FROM events WHERE stream = ?'),
      insert: this.db.prepare(
        'INSERT INTO events (stream, revision, event_id, type, data, metadata, created) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      byIdsInStream: this.db.prepare(
        'SELECT event_id, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      ),
      revisionOfId: this.db.prepare('SELECT stream, revision FROM events WHERE event_id = ?'),
      forwards: this.db.prepare(
        'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      backwards: this.db.prepare(
        'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
      ),
      all: this.db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?'),
      range: this.db.prepare(
        'SELECT * FROM events WHERE position > ? AND position <= ? ORDER BY position ASC',
      ),
      allRaw: this.db
        .prepare<[number, number], StoredRow>(
          'SELECT position, stream, revision, event_id, type, data, metadata FROM events ' +
            'WHERE position > ? ORDER BY position ASC LIMIT ?',
        )
        .raw(true),
      head: this.db.prepare('SELECT max(position) AS position FROM events'),
    };
  }

  private migrate(): void {
    // AUTOINCREMENT: positions strictly increase and are never reused, even after a rolled-back append.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        stream   TEXT    NOT NULL,
        revision INTEGER NOT NULL,
        event_id TEXT    NOT NULL UNIQUE,
        type     TEXT    NOT NULL,
        data     TEXT    NOT NULL,
        metadata TEXT    NOT NULL,
        created  TEXT    NOT NULL,
        UNIQUE (stream, revision)
      );
      CREATE TRIGGER IF NOT EXISTS events_are_immutable_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
      CREATE TRIGGER IF NOT EXISTS events_are_immutable_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are immutable'); END;
    `);
  }

  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    let serialized: SerializedEvent[];
    try {
      if (this.closed) throw new EventStoreUnavailableError('store is closed');
      serialized = validateAppend(stream, events, expected, this.maxEventBytes);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events: serialized, expected, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes every queued append in one transaction; each append in its own savepoint. */
  private flush(): void {
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length > 0) this.scheduleFlush();
    if (batch.length === 0) return;

    const applyOne = this.db.transaction((pending: PendingAppend) => this.applyAppend(pending));
    const applyAll = this.db.transaction((items: PendingAppend[]): Outcome[] =>
      items.map((pending) => {
        try {
          return { ok: applyOne(pending) };
        } catch (error) {
          return { error: translateSqliteError(error) };
        }
      }),
    );

    let outcomes: Outcome[] | undefined;
    let failure: unknown;
    for (let attempt = 0; attempt <= BUSY_RETRIES && outcomes === undefined; attempt += 1) {
      try {
        outcomes = applyAll.immediate(batch);
      } catch (error) {
        failure = error;
        if (!isBusy(error)) break;
      }
    }
    if (outcomes !== undefined) {
      this.stats.commits += 1;
      this.stats.appends += batch.length;
    }
    if (outcomes === undefined) {
      const error = isBusy(failure)
        ? new EventStoreUnavailableError('database is locked by another process')
        : translateSqliteError(failure);
      for (const pending of batch) pending.reject(error);
      return;
    }
    let anyWritten = false;
    for (const [i, outcome] of outcomes.entries()) {
      const pending = batch[i];
      if (!pending) continue;
      if ('ok' in outcome) {
        anyWritten = true;
        this.committedThrough = Math.max(this.committedThrough, outcome.ok.position);
        pending.resolve(outcome.ok);
      } else {
        pending.reject(outcome.error);
      }
    }
    if (anyWritten) this.wakeSubscriptions();
  }

  /**
   * Wakes the live subscriptions now when a wake-up is pending, for a reader who must not wait for the window.
   * Returns the last position this process has committed (0: none).
   */
  hurrySubscriptions(): number {
    if (this.pendingWake !== undefined) {
      clearTimeout(this.pendingWake);
      this.pendingWake = undefined;
      this.lastWake = performance.now();
      this.appended.emit('appended');
    }
    return this.committedThrough;
  }

  /** Wakes the live subscriptions after a commit, at most once per `wakeIntervalMs`. */
  private wakeSubscriptions(): void {
    if (this.wakeIntervalMs <= 0) {
      this.appended.emit('appended');
      return;
    }
    if (this.pendingWake !== undefined) return;
    const now = performance.now();
    const due = this.lastWake + this.wakeIntervalMs;
    if (now >= due) {
      this.lastWake = now;
      this.appended.emit('appended');
      return;
    }
    this.pendingWake = setTimeout(() => {
      this.pendingWake = undefined;
      this.lastWake = performance.now();
      this.appended.emit('appended');
    }, due - now);
  }

  private applyAppend({ stream, events, expected }: PendingAppend): AppendResult {
    const current = this.stmt.lastRevision.get(stream)?.revision ?? -1;

    if (expected === 'any' || expected === 'stream_exists') {
      const first = events[0];
      const existing = first ? this.stmt.revisionOfId.get(first.eventId) : undefined;
      if (existing?.stream === stream) {
        const repeat = this.matchExisting(stream, existing.revision - 1, events);
        if (repeat) return repeat;
        throw new WrongExpectedRevisionError(stream, expected, current);
      }
      if (expected === 'stream_exists' && current < 0)
        throw new WrongExpectedRevisionError(stream, expected, -1);
    } else {
      const revision = expected === 'no_stream' ? -1 : expected;
      if (current !== revision) {
        const repeat = current > revision ? this.matchExisting(stream, revision, events) : undefined;
        if (repeat) return repeat;
        throw new WrongExpectedRevisionError(stream, expected, current);
      }
    }

    const created = new Date().toISOString();
    let position = 0;
    events.forEach((event, i) => {
      const info = this.stmt.insert.run(
        stream,
        current + 1 + i,
        event.eventId,
        event.type,
        event.data,
        event.metadata,
        created,
      );
      position = Number(info.lastInsertRowid);
    });
    return { nextRevision: current + events.length, position };
  }

  /** The first result again when exactly these event ids already follow `afterRevision` (idempotent re-append). */
  private matchExisting(
    stream: string,
    afterRevision: number,
    events: readonly SerializedEvent[],
  ): AppendResult | undefined {
    const rows = this.stmt.byIdsInStream.all(stream, afterRevision + 1, events.length);
    if (rows.length !== events.length) return undefined;
    if (!rows.every((row, i) => row.event_id === events[i]?.eventId)) return undefined;
    const last = rows[rows.length - 1];
    return last ? { nextRevision: afterRevision + events.length, position: last.position } : undefined;
  }

  readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    try {
      const limit = options.maxCount ?? -1;
      const from = options.fromRevision;
      const rows =
        options.direction === 'backwards'
          ? this.stmt.backwards.all(
              stream,
              from === undefined || from === 'end' ? Number.MAX_SAFE_INTEGER : from === 'start' ? 0 : from,
              limit,
            )
          : from === 'end'
            ? []
            : this.stmt.forwards.all(stream, from === undefined || from === 'start' ? 0 : from, limit);
      return Promise.resolve(rows.map(toRecorded));
    } catch (error) {
      return Promise.reject(asError(translateSqliteError(error)));
    }
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    try {
      const after = options.after ?? 0;
      const unfiltered =
        options.filter?.streamPrefixes === undefined || options.filter.streamPrefixes.length === 0;
      if (options.shared === true && unfiltered && options.maxCount !== undefined && options.maxCount > 0) {
        return this.readShared(after, options.maxCount, options.reader);
      }
      return Promise.resolve(this.readAllSync(after, options.maxCount ?? -1, options.filter));
    } catch (error) {
      return Promise.reject(asError(translateSqliteError(error)));
    }
  }

  /** A page from the blocks shared by readers catching up, after the reader's pacing (`HistoryBlocks`). */
  private async readShared(
    after: number,
    maxCount: number,
    reader: string | undefined,
  ): Promise<RecordedEvent[]> {
    if (reader !== undefined) await this.history.pace(reader, after, maxCount);
    try {
      const head = this.stmt.head.get()?.position ?? 0;
      return this.history.read(
        after,
        maxCount,
        head,
        (from, to) => this.stmt.range.all(from, to).map(toRecorded),
        (from, count) => this.stmt.all.all(from, count).map(toRecorded),
        reader,
      );
    } catch (error) {
      throw asError(translateSqliteError(error));
    }
  }

  readAllStored(options: Omit<ReadAllOptions, 'filter'> = {}): Promise<StoredEvent[]> {
    try {
      const rows = this.stmt.allRaw.all(options.after ?? 0, options.maxCount ?? -1);
      return Promise.resolve(rows.map(toStored));
    } catch (error) {
      return Promise.reject(asError(translateSqliteError(error)));
    }
  }

  private readAllSync(after: number, maxCount: number, filter: EventFilter | undefined): RecordedEvent[] {
    const prefixes = filter?.streamPrefixes;
    if (!prefixes || prefixes.length === 0) return this.stmt.all.all(after, maxCount).map(toRecorded);
    const clause = prefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ');
    const params = prefixes.flatMap((p) => [p.length, p]);
    const rows = this.db
      .prepare<unknown[], EventRow>(
        `SELECT * FROM events WHERE position > ? AND (${clause}) ORDER BY position ASC LIMIT ?`,
      )
      .all(after, ...params, maxCount);
    return rows.map(toRecorded);
  }

  /**
   * The next page of a subscription after `after`: from the shared tail when it holds that position, else from
   * the file (an unfiltered page then joins the tail). `through`: every matching event up to it is in the page
   * (`head`, read before the page, for a short page from the file).
   * `full`: the page stopped at its size, more may follow at once.
   */
  private subscriptionPage(
    after: number,
    filter: EventFilter | undefined,
    head: number,
  ): { events: readonly RecordedEvent[]; through: number; full: boolean } {
    const cached = this.tail.read(after, SUBSCRIPTION_PAGE, filter);
    if (cached !== undefined) {
      return { ...cached, full: cached.events.length === SUBSCRIPTION_PAGE };
    }
    const unfiltered = filter?.streamPrefixes === undefined || filter.streamPrefixes.length === 0;
    const events = unfiltered
      ? this.stmt.all.all(after, SUBSCRIPTION_PAGE).map(toRecorded)
      : this.readAllSync(after, SUBSCRIPTION_PAGE, filter);
    if (unfiltered) this.tail.add(after, events);
    const full = events.length === SUBSCRIPTION_PAGE;
    // A short page holds every matching event up to the head read before it.
    return { events, through: full ? (events.at(-1)?.position ?? after) : head, full };
  }

  subscribeAll(options: SubscribeAllOptions = {}): Subscription {
    // An object, not locals: the generator and the callbacks below both change it.
    const state: { closed: boolean; dirty: boolean; wake: (() => void) | undefined } = {
      closed: false,
      dirty: true,
      wake: undefined,
    };
    // Read through functions: the flags change while the generator is suspended, which narrowing cannot see.
    const isClosed = (): boolean => state.closed;
    const isDirty = (): boolean => state.dirty;
    const nudge = (): void => {
      state.dirty = true;
      state.wake?.();
    };
    this.appended.on('appended', nudge);
    // Other processes (the CLI, a second instance) may append to the same file.
    const poll = setInterval(nudge, this.pollIntervalMs);
    poll.unref();

    const close = (): Promise<void> => {
      state.closed = true;
      this.appended.off('appended', nudge);
      clearInterval(poll);
      state.wake?.();
      return Promise.resolve();
    };

    const messages = async function* (this: SqliteEventStore): AsyncGenerator<SubscriptionMessage> {
      let position = options.after ?? 0;
      let caughtUp = false;
      while (!state.closed && !this.closed) {
        state.dirty = false;
        // Head before the page: every event up to it is in this page (or an earlier one) when the page is short,
        // so `caught_up` never claims an event that arrived while the page was being handed out.
        const headBeforeRead = this.stmt.head.get()?.position ?? 0;
        const page = this.subscriptionPage(position, options.filter, headBeforeRead);
        for (const event of page.events) {
          if (isClosed()) return;
          position = event.position;
          yield { kind: 'event', event };
        }
        // A page holds every matching event up to its `through`: a filtered subscription moves past the events
        // that did not match, or each wake-up would scan them all again.
        position = Math.max(position, page.through);
        if (page.full || position < headBeforeRead) continue;
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caught_up', position: Math.max(position, headBeforeRead) };
        }
        if (!isDirty() && !isClosed()) {
          await new Promise<void>((resolve) => {
            state.wake = resolve;
          });
          state.wake = undefined;
        }
      }
    }.call(this);

    return {
      [Symbol.asyncIterator]: () => messages,
      close,
    };
  }

  headPosition(): Promise<number> {
    return Promise.resolve(this.stmt.head.get()?.position ?? 0);
  }

  ping(): Promise<void> {
    try {
      this.db.prepare('SELECT 1').get();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(asError(translateSqliteError(error)));
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Acknowledge what is queued before closing rather than dropping it.
    while (this.queue.length > 0) this.flush();
    this.closed = true;
    this.history.clear();
    clearTimeout(this.pendingWake);
    this.pendingWake = undefined;
    this.appended.emit('appended');
    this.db.close();
    return Promise.resolve();
  }
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    stream: row.stream,
    revision: row.revision,
    position: row.position,
    eventId: row.event_id,
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as JsonObject,
    created: row.created,
  };
}

function toStored(row: StoredRow): StoredEvent {
  return new StoredRowEvent(row);
}

/** A stored event whose metadata is parsed when first asked for: verification usually reads its text only. */
class StoredRowEvent implements StoredEvent {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly dataJson: string;
  readonly metadataJson: string;
  private parsedMetadata: JsonObject | undefined;

  // Indexed, not destructured: array destructuring runs the iterator protocol for every row.
  constructor(row: StoredRow) {
    this.position = row[0];
    this.stream = row[1];
    this.revision = row[2];
    this.eventId = row[3];
    this.type = row[4];
    this.dataJson = row[5];
    this.metadataJson = row[6];
  }

  get metadata(): JsonObject {
    this.parsedMetadata ??= JSON.parse(this.metadataJson) as JsonObject;
    return this.parsedMetadata;
  }
}

function isBusy(error: unknown): boolean {
  return (
    error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED')
  );
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function translateSqliteError(error: unknown): Error {
  if (!(error instanceof Database.SqliteError)) return asError(error);
  if (error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.includes('event_id')) {
    return new DuplicateEventIdError('(one of the appended ids)');
  }
  return new EventStoreUnavailableError(error.code);
}
