import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DecryptionFailedError } from '../ledger/crypto/crypto.errors';
import { IdentityIndexEntity } from '../ledger/crypto/identity-index.entity';
import {
  IDENTITY_INDEX_CHECKPOINT,
  IdentityIndex,
  type IdentityToken,
} from '../ledger/crypto/identity-index';
import { isPiiSection, PiiCipher } from '../ledger/crypto/pii-cipher';
import { PII_KEY } from '../ledger/envelope';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
  type SubscriptionMessage,
} from '../ledger/event-store.port';
import { parseStreamName, SUBJECT_STREAM_PREFIX, VERIFICATION_STREAM_PREFIX } from '../ledger/stream-names';
import {
  errorClass,
  LEASES,
  type Leases,
  onAbort,
  type Worker,
  type WorkerContext,
  WorkerSupervisor,
} from '../platform/workers';
import { IDLE, idle } from '../projections/core/projection-runner';
import { ProjectionStore } from '../projections/core/projection-store';
import { execute, selectRows, type SqlProgram } from '../projections/core/sql-program';
import { quote } from '../projections/core/table-info';
import { CLOCK, type Clock } from '../shared/clock';

const FILTER = { streamPrefixes: [SUBJECT_STREAM_PREFIX, VERIFICATION_STREAM_PREFIX] };
/** Most events one commit covers. */
const BATCH = 500;
const IDENTITY_CLASS = 'identity_attributes';

/** What one event does to the identity index, in log order. */
export type IdentityChange =
  | {
      readonly kind: 'record';
      readonly position: number;
      readonly subjectId: string;
      readonly sessionId: string;
      readonly tokens: readonly IdentityToken[];
      readonly createdAt: string;
    }
  | { readonly kind: 'forget'; readonly position: number; readonly subjectId: string };

/**
 * What an event of the log does to the identity index: document evidence whose identity attributes can still be
 * read records its tokens (as the command did); an erasure request, or a shred of identity attributes, removes
 * every token of the subject. Undefined for any other event, and for evidence whose attributes were shredded.
 */
export async function identityChangeOf(
  event: RecordedEvent,
  cipher: PiiCipher,
  index: IdentityIndex,
): Promise<IdentityChange | undefined> {
  const stream = parseStreamName(event.stream);
  if (stream === undefined) return undefined;
  const { data, position } = event;
  if (stream.kind === 'subject') {
    const erased =
      event.type === 'ErasureRequested' ||
      (event.type === 'PersonalDataShredded' &&
        Array.isArray(data.dataClasses) &&
        data.dataClasses.includes(IDENTITY_CLASS));
    return erased ? { kind: 'forget', position, subjectId: stream.id } : undefined;
  }
  if (stream.kind !== 'verification' || event.type !== 'EvidenceSubmitted' || data.kind !== 'document') {
    return undefined;
  }
  const section = data[PII_KEY];
  if (!isPiiSection(section)) return undefined;
  const entry = section.entries[IDENTITY_CLASS];
  if (entry === undefined) return undefined;
  // Only the identity attributes are decrypted: the rest of the evidence's personal data is not needed here.
  const clear = await cipher.decrypt(event.eventId, { ...section, entries: { [IDENTITY_CLASS]: entry } });
  const identity = clear.identity_attributes;
  if (identity?.state !== 'clear') return undefined;
  const country = typeof data.issuingCountry === 'string' ? data.issuingCountry : undefined;
  const tokens = await index.tokens(identity.value, country);
  if (tokens.length === 0 || typeof data.submittedAt !== 'string') return undefined;
  return {
    kind: 'record',
    position,
    subjectId: section.subjectId,
    sessionId: stream.id,
    tokens,
    createdAt: data.submittedAt,
  };
}

/**
 * Applies changes in log order with the checkpoint, in one transaction, skipping what the checkpoint already
 * covers (a second instance, or a replay after a crash, repeats nothing and never puts back what a later erasure
 * removed). Returns the checkpoint after the commit.
 */
export function* applyIdentityChanges(
  db: ProjectionStore,
  changes: readonly IdentityChange[],
  through: number,
  now: string,
): SqlProgram<number> {
  const checkpoints = quote(db.checkpointTable);
  const table = quote(db.tableInfo(IdentityIndexEntity).table);
  const lock = db.dialect === 'postgres' ? ' FOR UPDATE' : '';
  yield* execute(
    `INSERT INTO ${checkpoints} ("name", "position", "generation", "updated_at") VALUES (?, 0, 0, ?) ` +
      `ON CONFLICT ("name") DO NOTHING`,
    [IDENTITY_INDEX_CHECKPOINT, now],
  );
  const [row] = yield* selectRows(`SELECT "position" FROM ${checkpoints} WHERE "name" = ?${lock}`, [
    IDENTITY_INDEX_CHECKPOINT,
  ]);
  const stored = Number(row?.position ?? 0);
  if (stored >= through) return stored;
  for (const change of changes) {
    if (change.position <= stored) continue;
    if (change.kind === 'forget') {
      yield* execute(`DELETE FROM ${table} WHERE "subject_id" = ?`, [change.subjectId]);
      continue;
    }
    for (const { token, kind } of change.tokens) {
      yield* execute(
        `INSERT INTO ${table} ("token", "session_id", "kind", "subject_id", "created_at") ` +
          `VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [token, change.sessionId, kind, change.subjectId, change.createdAt],
      );
    }
  }
  yield* execute(`UPDATE ${checkpoints} SET "position" = ?, "updated_at" = ? WHERE "name" = ?`, [
    through,
    now,
    IDENTITY_INDEX_CHECKPOINT,
  ]);
  return through;
}

/** The follower's checkpoint: every event at or below it is in the index (0 before its first commit). */
export async function identityIndexCheckpoint(db: ProjectionStore): Promise<number> {
  return (await db.checkpoint(IDENTITY_INDEX_CHECKPOINT))?.position ?? 0;
}

/**
 * Keeps the identity index (docs/privacy.md, "Duplicate identities") true to the ledger: follows the subject and
 * verification streams from its checkpoint and, in log order, records the tokens of every document evidence and
 * removes a subject's tokens at its erasure request or identity shred, with the checkpoint in the same commit.
 * The command records the tokens too, right after its append, so that the next submission sees them at once;
 * this follower is what holds when the process stopped in between, and what orders a removal after everything
 * recorded before it. Rebuildable from the ledger, so its commits are not fsynced. Runs under a lease (one
 * instance at a time).
 */
@Injectable()
export class IdentityIndexFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IdentityIndex');
  private readonly db: ProjectionStore;
  private worker: Worker | undefined;
  private position = 0;
  private caughtUp = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    dataSource: DataSource,
    private readonly cipher: PiiCipher,
    private readonly index: IdentityIndex,
    private readonly workers: WorkerSupervisor,
    @Inject(LEASES) private readonly leases: Leases,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.db = new ProjectionStore(dataSource);
  }

  onApplicationBootstrap(): void {
    this.worker = this.workers.start({
      name: 'identity-index',
      role: 'projections',
      lease: { leases: this.leases, kind: 'projection', name: IDENTITY_INDEX_CHECKPOINT, retryMs: 2000 },
      backoff: { initialMs: 1000, maxMs: 30_000 },
      run: (context) => this.follow(context),
      health: { details: () => ({ position: this.position, caughtUp: this.caughtUp }) },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
  }

  private async follow(context: WorkerContext): Promise<void> {
    this.position = await identityIndexCheckpoint(this.db);
    this.caughtUp = false;
    const subscription = this.store.subscribeAll({ after: this.position, filter: FILTER });
    const forget = onAbort(context.signal, () => subscription.close());
    const iterator = subscription[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<SubscriptionMessage>> | undefined;
    let changes: IdentityChange[] = [];
    let through = this.position;
    let events = 0;
    const flush = async (): Promise<void> => {
      if (context.lease?.held === false) throw new Error('the identity index lease was lost');
      const batch = changes;
      changes = [];
      events = 0;
      const now = this.clock.now().toISOString();
      this.position = await this.db.transaction(() => applyIdentityChanges(this.db, batch, through, now), {
        rebuildable: true,
      });
    };
    try {
      for (;;) {
        pending ??= iterator.next();
        // With changes waiting, take more events only while they are already there: then commit.
        const result = through > this.position ? await Promise.race([pending, idle()]) : await pending;
        if (result === IDLE) {
          await flush();
          continue;
        }
        pending = undefined;
        if (result.done === true || context.signal.aborted) break;
        const message = result.value;
        if (message.kind === 'caught_up') {
          if (through > this.position) await flush();
          this.caughtUp = true;
          context.succeeded();
          continue;
        }
        const { event } = message;
        if (event.position <= through) continue;
        const change = await this.changeOf(event);
        through = event.position;
        events += 1;
        if (change !== undefined) changes.push(change);
        if (events >= BATCH) await flush();
      }
    } finally {
      forget();
      await subscription.close();
    }
  }

  /** An event whose attributes cannot be decrypted (damaged ciphertext) indexes nothing; the log says why. */
  private async changeOf(event: RecordedEvent): Promise<IdentityChange | undefined> {
    try {
      return await identityChangeOf(event, this.cipher, this.index);
    } catch (error) {
      if (!(error instanceof DecryptionFailedError)) throw error;
      this.logger.warn(
        `evidence at position ${String(event.position)} not indexed: ${errorClass(error)} (verify the ledger)`,
      );
      return undefined;
    }
  }
}
