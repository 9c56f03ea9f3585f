import { Injectable } from '@nestjs/common';
import type { CommandContext } from './command-context';
import type { DataClass } from '../shared/data-classes';
import type { LedgerEvent } from '../ledger/envelope';
import { WrongExpectedRevisionError } from '../ledger/event-store.errors';
import { type EventDraft, Ledger } from '../ledger/ledger';
import type { JsonObject } from '../shared/json';
import { uuidV5 } from '../shared/deterministic-uuid';
import { PersistentConflictError } from './command.errors';

/** The shape every domain event has: a type, non-personal data, and optionally personal data by class. */
export interface DomainEvent {
  readonly type: string;
  readonly data: JsonObject;
  readonly pii?: Partial<Record<DataClass, JsonObject>>;
}

export interface Aggregate<S, E extends DomainEvent> {
  readonly initialState: S;
  evolve(state: S, event: E): S;
  /** Whose keys encrypt the personal data of this aggregate's events. */
  subjectOf(state: S, events: readonly E[]): string;
}

export interface CommandOutcome<S> {
  readonly state: S;
  /** Last revision of the stream after the command (-1: stream still empty). */
  readonly revision: number;
  /** Global position of the last event of the stream after the command. */
  readonly position: number;
  /** Types of the events this command appended (empty for a no-op or an idempotent replay). */
  readonly appended: readonly string[];
  /** True when this is the replay of an Idempotency-Key whose events are already in the stream. */
  readonly replayed: boolean;
}

const MAX_ATTEMPTS = 4;

/**
 * The one command loop (STYLE §4): load the stream, fold, decide, append with the expected revision; on a
 * concurrency conflict load again and decide again, a bounded number of times. With an Idempotency-Key the
 * event ids derive from the key, so a retry after a crash finds its own events and does not decide twice.
 */
@Injectable()
export class AggregateRunner {
  constructor(private readonly ledger: Ledger) {}

  async run<S, E extends DomainEvent>(
    aggregate: Aggregate<S, E>,
    stream: string,
    /** Pure, except that it may first read another stream the decision depends on (hence it may be async). */
    decide: (state: S) => readonly E[] | Promise<readonly E[]>,
    context: CommandContext,
    /**
     * Work that must be done before the events are recorded (crypto-shredding: the keys go first, so an event
     * never claims a shred that did not happen). Runs again on a retry, so it must be idempotent.
     */
    beforeAppend?: (events: readonly E[]) => Promise<void>,
  ): Promise<CommandOutcome<S>> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const history = await this.ledger.readStream(stream);
      const state = fold(aggregate, history);
      const last = history[history.length - 1];
      const revision = last?.revision ?? -1;
      const position = last?.position ?? 0;

      const idFor = (index: number): string | undefined =>
        context.idempotencyScope === undefined
          ? undefined
          : uuidV5(`${context.idempotencyScope}\n${stream}\n${index}`);
      const firstId = idFor(0);
      if (firstId !== undefined && history.some((e) => e.eventId === firstId)) {
        return { state, revision, position, appended: [], replayed: true };
      }

      const events = await decide(state);
      if (events.length === 0) return { state, revision, position, appended: [], replayed: false };

      const subjectId = aggregate.subjectOf(state, events);
      const drafts: EventDraft[] = events.map((event, index) => {
        const eventId = idFor(index);
        const classes = event.pii && Object.keys(event.pii).length > 0 ? event.pii : undefined;
        return {
          type: event.type,
          data: event.data,
          ...(eventId === undefined ? {} : { eventId }),
          ...(classes === undefined ? {} : { pii: { subjectId, classes } }),
        };
      });
      if (beforeAppend !== undefined) await beforeAppend(events);
      try {
        const result = await this.ledger.append(stream, drafts, revision < 0 ? 'no_stream' : revision, {
          actor: context.actor,
          correlationId: context.correlationId,
          causationId: context.causationId,
          ...(last === undefined ? {} : { tipHash: last.metadata.hash }),
        });
        const next = events.reduce((s, e) => aggregate.evolve(s, e), state);
        return {
          state: next,
          revision: result.nextRevision,
          position: result.position,
          appended: events.map((e) => e.type),
          replayed: false,
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
      }
    }
    throw new PersistentConflictError(stream, MAX_ATTEMPTS);
  }

  /** Current state of a stream (for reads before projections exist, and for cross-aggregate checks). */
  async load<S, E extends DomainEvent>(
    aggregate: Aggregate<S, E>,
    stream: string,
  ): Promise<{ state: S; revision: number; position: number }> {
    const history = await this.ledger.readStream(stream);
    const last = history[history.length - 1];
    return { state: fold(aggregate, history), revision: last?.revision ?? -1, position: last?.position ?? 0 };
  }
}

/** Stored events are the aggregate's own, written by this code: their type and data are trusted here. */
function fold<S, E extends DomainEvent>(aggregate: Aggregate<S, E>, history: readonly LedgerEvent[]): S {
  return history.reduce(
    (state, event) => aggregate.evolve(state, { type: event.type, data: event.data } as E),
    aggregate.initialState,
  );
}
