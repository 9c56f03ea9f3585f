import { createPublicKey } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource, type Repository } from 'typeorm';
import type { AppConfig } from '../platform/config/config';
import { APP_CONFIG } from '../platform/config/tokens';
import { WrongExpectedRevisionError } from '../ledger/event-store.errors';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../ledger/event-store.port';
import { Ledger } from '../ledger/ledger';
import { CHECKPOINT_STREAM } from '../ledger/stream-names';
import { MetricsRegistry } from '../platform/observability/metrics';
import { errorClass, every, type Worker, WorkerSupervisor } from '../platform/workers';
import { CLOCK, type Clock } from '../shared/clock';
import type { JsonObject } from '../shared/json';
import { AuditLeafEntity } from './audit-leaf.entity';
import {
  CHECKPOINT_EVENT_TYPE,
  type CheckpointStatement,
  isSignedCheckpoint,
  keyIdOf,
  publicKeyPem,
  type SignedCheckpoint,
  signStatement,
} from './checkpoint-statement';
import { advanceHeads, eventLeaf, HeadsTree, type LeafVersion, type StreamHead } from './checkpoint-leaves';
import { merkleRoot } from './merkle';

export interface StoredCheckpoint {
  readonly checkpoint: SignedCheckpoint;
  /** Revision in the checkpoint stream (sequence - 1). */
  readonly revision: number;
  readonly eventId: string;
  readonly position: number;
}

const TICK_MS = 1000;

/** The chain hash of a stored event ('' when its envelope has none; such an event fails chain verification). */
export function hashOf(event: RecordedEvent): string {
  return typeof event.metadata.hash === 'string' ? event.metadata.hash : '';
}

/** The leaf of an event in a checkpoint of the given version (checkpoint-leaves.ts). */
export function leafOf(event: RecordedEvent, version: LeafVersion): Buffer {
  return eventLeaf(version, { hash: hashOf(event), position: event.position, created: event.created });
}

/** Heads of every stream as of the checkpoint `sequence`, from the leaf index (every checkpoint up to it). */
export async function headsAsOf(
  leaves: Repository<AuditLeafEntity>,
  sequence: number,
): Promise<Map<string, StreamHead>> {
  const rows = await leaves
    .createQueryBuilder('l')
    .select(['l.stream AS stream', 'l.revision AS revision', 'l.position AS position', 'l.eventHash AS hash'])
    .innerJoin(
      (q) =>
        q
          .select(['m.stream AS stream', 'MAX(m.revision) AS revision'])
          .from(AuditLeafEntity, 'm')
          .where('m.checkpointSequence <= :sequence', { sequence })
          .groupBy('m.stream'),
      'h',
      'h.stream = l.stream AND h.revision = l.revision',
    )
    .getRawMany<{ stream: string; revision: number | string; position: number | string; hash: string }>();
  return new Map(
    rows.map((r) => [
      r.stream,
      { stream: r.stream, revision: Number(r.revision), position: Number(r.position), hash: r.hash },
    ]),
  );
}

export function toStored(event: RecordedEvent): StoredCheckpoint | undefined {
  if (event.type !== CHECKPOINT_EVENT_TYPE || !isSignedCheckpoint(event.data)) return undefined;
  return {
    checkpoint: event.data,
    revision: event.revision,
    eventId: event.eventId,
    position: event.position,
  };
}

/**
 * Signs the ledger periodically (docs/ledger-format.md, "Signed checkpoints"): a Merkle root over the hashes of every event since the last
 * checkpoint, in global order, signed with Ed25519 and appended to `kyc-ledger-checkpoints`. Due when
 * `checkpointEveryEvents` events wait, or when the oldest uncovered event has waited `checkpointIntervalMs`.
 * The append uses the checkpoint stream's expected revision, so two instances never sign overlapping ranges.
 * Each checkpoint's leaves are indexed in the read-model database so that proofs need no scan of the log.
 */
@Injectable()
export class Checkpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(Checkpointer.name);
  private readonly leaves: Repository<AuditLeafEntity>;
  private worker: Worker | undefined;
  private running: Promise<SignedCheckpoint | undefined> | undefined;
  private readonly uncovered: Gauge;
  /** Every stream's head as of the checkpoint `sequence`, kept between rounds so a round need not rebuild it. */
  private heads: { sequence: number; heads: Map<string, StreamHead> } | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ledger: Ledger,
    dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly workers: WorkerSupervisor,
    metrics: MetricsRegistry,
  ) {
    this.leaves = dataSource.getRepository(AuditLeafEntity);
    this.uncovered = new Gauge({
      name: 'kyc_ledger_checkpoint_uncovered_events',
      help: 'Events not yet covered by a signed checkpoint (sampled at each checkpointer run)',
      registers: [metrics],
    });
  }

  onApplicationBootstrap(): void {
    // A failed round is reported (health: degraded, with the failure's class) and tried again after a backoff.
    this.worker = this.workers.start({
      name: 'checkpointer',
      role: 'schedulers',
      backoff: { initialMs: TICK_MS, maxMs: 30_000 },
      run: every(TICK_MS, () => this.shared(false, false)),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
    await this.running?.catch(() => undefined);
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    const [last] = await this.store.readStream(CHECKPOINT_STREAM, { direction: 'backwards', maxCount: 1 });
    return last ? toStored(last) : undefined;
  }

  /** Indexes the leaves of every signed checkpoint (a crash between signing and indexing leaves a gap). */
  async indexSigned(): Promise<void> {
    await this.indexUpTo(await this.latest());
  }

  /**
   * Runs one checkpoint round (one at a time). `force` signs whatever waits, even if not yet due, as long as a
   * real event waits; `evenCheckpointsOnly` also signs when only checkpoint events wait, so an export can always
   * get a current version-2 statement of the streams' heads.
   */
  tick(force = false, evenCheckpointsOnly = false): Promise<SignedCheckpoint | undefined> {
    return this.shared(force, evenCheckpointsOnly).catch(() => undefined);
  }

  /** The round in progress, or a new one; rejects when the round fails. */
  private shared(force: boolean, evenCheckpointsOnly: boolean): Promise<SignedCheckpoint | undefined> {
    this.running ??= this.round(force, evenCheckpointsOnly).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(force: boolean, evenCheckpointsOnly: boolean): Promise<SignedCheckpoint | undefined> {
    try {
      const last = await this.latest();
      await this.indexUpTo(last);
      const from = last?.checkpoint.statement.toPosition ?? 0;
      const events = await this.store.readAll({ after: from, maxCount: this.config.checkpointEveryEvents });
      this.uncovered.set(events.length);
      // Checkpoint events alone never make a checkpoint due, or an idle ledger would sign itself forever; they
      // are covered by the next checkpoint that real events make due.
      if (events.length === 0) return undefined;
      const first = events.find((e) => e.stream !== CHECKPOINT_STREAM);
      if (!first && !evenCheckpointsOnly) return undefined;
      const recordedAt = !first
        ? undefined
        : typeof first.metadata.recordedAt === 'string'
          ? first.metadata.recordedAt
          : first.created;
      const waited = recordedAt === undefined ? 0 : this.clock.now().getTime() - Date.parse(recordedAt);
      const due =
        force ||
        events.length >= this.config.checkpointEveryEvents ||
        waited >= this.config.checkpointIntervalMs;
      if (!due) return undefined;
      const heads = await this.headsAfter(last, events);
      const signed = this.sign(last, events, new HeadsTree(heads.values()));
      try {
        await this.ledger.append(
          CHECKPOINT_STREAM,
          [{ type: CHECKPOINT_EVENT_TYPE, data: signed as unknown as JsonObject }],
          last ? last.revision : 'no_stream',
          {
            actor: { kind: 'system', id: 'checkpointer', roles: [] },
            correlationId: `checkpoint-${signed.statement.sequence}`,
          },
        );
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError) return undefined; // another instance signed first
        throw error;
      }
      await this.index(signed.statement.sequence, events);
      this.heads = { sequence: signed.statement.sequence, heads };
      return signed;
    } catch (error) {
      this.logger.warn(`checkpoint round failed: ${errorClass(error)}`);
      throw error;
    }
  }

  /** Every stream's head once `events` (the range after `last`) are added. */
  private async headsAfter(
    last: StoredCheckpoint | undefined,
    events: readonly RecordedEvent[],
  ): Promise<Map<string, StreamHead>> {
    const sequence = last?.checkpoint.statement.sequence ?? 0;
    const before =
      this.heads?.sequence === sequence
        ? this.heads.heads
        : sequence === 0
          ? new Map<string, StreamHead>()
          : await headsAsOf(this.leaves, sequence);
    const heads = new Map(before);
    advanceHeads(
      heads,
      events.map((e) => ({ stream: e.stream, revision: e.revision, position: e.position, hash: hashOf(e) })),
    );
    return heads;
  }

  private sign(
    last: StoredCheckpoint | undefined,
    events: readonly RecordedEvent[],
    heads: HeadsTree,
  ): SignedCheckpoint {
    const key = this.config.signingKey;
    if (!key) throw new Error('no signing key configured');
    const lastEvent = events[events.length - 1];
    const statement: CheckpointStatement = {
      v: 2,
      ledger: 'kyc-ledger',
      sequence: (last?.checkpoint.statement.sequence ?? 0) + 1,
      fromPosition: last?.checkpoint.statement.toPosition ?? 0,
      toPosition: lastEvent?.position ?? 0,
      treeSize: events.length,
      rootHash: merkleRoot(events.map((e) => leafOf(e, 2))).toString('hex'),
      previousRootHash: last?.checkpoint.statement.rootHash ?? null,
      headsRoot: heads.root(),
      headsCount: heads.count,
      signedAt: this.clock.now().toISOString(),
      keyId: keyIdOf(createPublicKey(key)),
    };
    return { statement, signature: signStatement(statement, key), publicKey: publicKeyPem(key) };
  }

  /** Indexes the leaves of every checkpoint up to `last` that a crash left unindexed. */
  private async indexUpTo(last: StoredCheckpoint | undefined): Promise<void> {
    if (!last) return;
    const newest = await this.leaves.maximum('checkpointSequence');
    const indexed = newest ?? 0;
    if (indexed >= last.checkpoint.statement.sequence) return;
    const pending = await this.store.readStream(CHECKPOINT_STREAM, { fromRevision: indexed, maxCount: 1000 });
    for (const event of pending) {
      const stored = toStored(event);
      if (!stored) continue;
      const { sequence, fromPosition, treeSize } = stored.checkpoint.statement;
      await this.index(sequence, await this.store.readAll({ after: fromPosition, maxCount: treeSize }));
    }
  }

  private async index(sequence: number, events: readonly RecordedEvent[]): Promise<void> {
    const rows = events.map((e) => ({
      eventId: e.eventId,
      position: e.position,
      stream: e.stream,
      revision: e.revision,
      eventHash: hashOf(e),
      checkpointSequence: sequence,
      created: e.created,
    }));
    for (let i = 0; i < rows.length; i += 200) {
      await this.leaves.upsert(rows.slice(i, i + 200), ['eventId']);
    }
  }
}
