import type { RecordedEvent } from '../../ledger/event-store.port';
import { toLedgerEvent } from '../../ledger/ledger';
import { parseStreamName } from '../../ledger/stream-names';
import { inBatchSpan, tracingEnabled } from '../../shared/tracing';
import { CheckpointMovedError } from '../projection.errors';
import { type BatchItem, type BatchOutcome, batchProgram, type ParkedEvent } from './batch';
import { EventData } from './event-data';
import type { EntityClass, Projection } from './projection';
import type { ProjectionMetrics } from './projection-metrics';
import type { ProjectionProgress } from './projection-progress';
import type { ProjectionStore } from './projection-store';
import type { TableInfo } from './table-info';
import { describeWriteError, isDataError } from './write-errors';

export interface BatchWriterDeps {
  readonly db: ProjectionStore;
  readonly projection: Projection;
  /** The checkpoint row the writes compare-and-set. */
  readonly checkpoint: string;
  readonly tables: ReadonlyMap<EntityClass, TableInfo>;
  readonly now: () => Date;
  readonly progress?: ProjectionProgress;
  readonly metrics?: ProjectionMetrics;
  readonly warn: (message: string) => void;
  /** A batch was committed: the projection is making progress. */
  readonly advanced: () => void;
}

/**
 * Writes a projection's batches: turns recorded events into batch items (or parks them), and commits each batch
 * together with the new checkpoint (compare-and-set on position and generation) in one transaction. A data error
 * in a batch is isolated: each event is written alone and the one at fault is parked with the database's code.
 */
export class BatchWriter {
  /** Position of the stored checkpoint as far as this writer knows (the last commit's). */
  position = 0;
  private generation = 0;
  applied = 0;
  parked = 0;

  constructor(private readonly deps: BatchWriterDeps) {}

  /** Reads (creating if need be) the stored checkpoint and continues from it. */
  async resume(): Promise<number> {
    const checkpoint = await this.deps.db.ensureCheckpoint(this.deps.checkpoint, this.nowIso());
    this.position = checkpoint.position;
    this.generation = checkpoint.generation;
    return this.position;
  }

  prepareAll(events: readonly RecordedEvent[]): BatchItem[] {
    return events.flatMap((event) => {
      const item = this.prepare(event);
      return item === undefined ? [] : [item];
    });
  }

  /** The batch item of an event, or undefined when it belongs to a stream this projection does not follow. */
  prepare(recorded: RecordedEvent): BatchItem | undefined {
    const stream = parseStreamName(recorded.stream);
    if (stream === undefined || stream.kind === 'checkpoints') return undefined;
    if (!this.deps.projection.streams.includes(stream.kind)) return undefined;
    try {
      const event = toLedgerEvent(recorded);
      return {
        kind: 'event',
        event: {
          ...event,
          streamKind: stream.kind,
          streamId: stream.id,
          body: new EventData(event.type, event.data),
        },
      };
    } catch {
      return {
        kind: 'park',
        parked: {
          position: recorded.position,
          eventId: recorded.eventId,
          stream: recorded.stream,
          revision: recorded.revision,
          type: recorded.type,
          errorCode: 'malformed_envelope',
          errorDetail: 'the event has no valid ledger envelope',
        },
      };
    }
  }

  /** Commits a batch with the checkpoint `to`; on a data error, finds the event at fault and parks it alone. */
  async flush(items: readonly BatchItem[], to: number, recordedAt?: string): Promise<void> {
    if (to <= this.position) return;
    // A span per batch that holds events (docs/tracing.md); one that only moves the checkpoint has none.
    if (items.length === 0 || !tracingEnabled()) {
      await this.write(items, to, recordedAt);
      return;
    }
    const name = this.deps.projection.name;
    const from = this.position;
    await inBatchSpan(
      `projection ${name}`,
      {
        attributes: () => ({
          'kyc.projection': name,
          'kyc.checkpoint': this.deps.checkpoint,
          'kyc.batch_size': items.length,
          'kyc.position_from': from,
          'kyc.position_to': to,
        }),
        metadata: () => items.flatMap((item) => (item.kind === 'event' ? [item.event.metadata] : [])),
      },
      async (span) => {
        const outcome = await this.write(items, to, recordedAt);
        span.setAttributes({ 'kyc.applied': outcome.applied, 'kyc.parked': outcome.parked.length });
      },
    );
  }

  private async write(items: readonly BatchItem[], to: number, recordedAt?: string): Promise<BatchOutcome> {
    const started = performance.now();
    let outcome: BatchOutcome;
    try {
      outcome = await this.commit(items, to);
    } catch (error) {
      if (error instanceof CheckpointMovedError || !isDataError(error) || items.length === 0) throw error;
      outcome = await this.isolate(items, to);
    }
    this.deps.metrics?.batchSeconds.observe(
      { projection: this.deps.projection.name },
      (performance.now() - started) / 1000,
    );
    this.record(to, outcome, recordedAt);
    return outcome;
  }

  /** Each event in its own transaction; the one whose write fails is parked with the database's error code. */
  private async isolate(items: readonly BatchItem[], to: number): Promise<BatchOutcome> {
    let applied = 0;
    const parked: ParkedEvent[] = [];
    for (const item of items) {
      const position = item.kind === 'event' ? item.event.position : item.parked.position;
      if (position <= this.position) continue;
      let outcome: BatchOutcome;
      try {
        outcome = await this.commit([item], position);
      } catch (error) {
        if (error instanceof CheckpointMovedError || !isDataError(error) || item.kind === 'park') throw error;
        const { event } = item;
        const alone: ParkedEvent = {
          position: event.position,
          eventId: event.eventId,
          stream: event.stream,
          revision: event.revision,
          type: event.type,
          errorCode: 'write_failed',
          errorDetail: describeWriteError(error),
        };
        outcome = await this.commit([{ kind: 'park', parked: alone }], position);
      }
      this.position = position;
      applied += outcome.applied;
      parked.push(...outcome.parked);
    }
    if (to > this.position) await this.commit([], to);
    return { applied, parked };
  }

  private async commit(items: readonly BatchItem[], to: number): Promise<BatchOutcome> {
    const { db, projection } = this.deps;
    const spec = {
      projection,
      checkpoint: this.deps.checkpoint,
      checkpointTable: db.checkpointTable,
      parkedTable: db.parkedTable,
      tables: this.deps.tables,
      from: { position: this.position, generation: this.generation },
      to,
      now: this.nowIso(),
      items,
    };
    const outcome = await db.transaction(() => batchProgram(spec), { rebuildable: true });
    this.position = to;
    return outcome;
  }

  private record(to: number, outcome: BatchOutcome, recordedAt: string | undefined): void {
    const name = this.deps.projection.name;
    this.position = to;
    this.applied += outcome.applied;
    this.parked += outcome.parked.length;
    const labels = { projection: name };
    this.deps.metrics?.position.set(labels, to);
    this.deps.metrics?.events.inc(labels, outcome.applied);
    if (outcome.parked.length > 0) this.deps.metrics?.parked.inc(labels, outcome.parked.length);
    if (recordedAt !== undefined) {
      const lag = (this.deps.now().getTime() - Date.parse(recordedAt)) / 1000;
      if (Number.isFinite(lag)) this.deps.metrics?.lagSeconds.set(labels, Math.max(0, lag));
    }
    for (const parked of outcome.parked) {
      this.deps.warn(
        `projection ${name}: parked event ${parked.eventId} at position ${parked.position} ` +
          `(${parked.type}): ${parked.errorCode}`,
      );
    }
    this.deps.progress?.notify(this.deps.checkpoint, to);
    this.deps.advanced();
  }

  private nowIso(): string {
    return this.deps.now().toISOString();
  }
}
