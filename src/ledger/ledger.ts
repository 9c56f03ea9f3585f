import { randomUUID } from 'node:crypto';
import { computeEventHash, GENESIS_HASH } from './hash-chain';
import { type PiiCipher, type PiiDraft, type PiiSection, isPiiSection } from './crypto/pii-cipher';
import { isPlainObject, type JsonObject } from '../shared/json';
import { KeyedMutex } from '../shared/keyed-mutex';
import { CORRELATION_ID, inSpan } from '../shared/tracing';
import { InvalidEventError, WrongExpectedRevisionError } from './event-store.errors';
import { assertExpectedRevision } from './append-validation';
import { parseStreamName } from './stream-names';
import type { AppendResult, EventStore, ExpectedRevision, NewEvent, RecordedEvent } from './event-store.port';
import {
  type Actor,
  type EventMetadata,
  isEventMetadata,
  type LedgerEvent,
  PII_KEY,
  type UnsealedMetadata,
} from './envelope';

/** What a command handler hands the ledger: the event without its envelope. */
export interface EventDraft {
  readonly type: string;
  /** Non-personal fields only; personal data goes in `pii`. */
  readonly data: JsonObject;
  readonly pii?: PiiDraft;
  /** Caller-chosen id makes a retried command idempotent; a fresh UUID otherwise. */
  readonly eventId?: string;
  /** When it happened in the world (e.g. a vendor's timestamp); defaults to when it was recorded. */
  readonly occurredAt?: string;
  readonly schemaVersion?: number;
}

export interface AppendContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string | null;
  /**
   * The hash of the event at the expected revision, when the caller has just read it (the command loop has):
   * saves reading it again. Ignored unless the expected revision is exact.
   */
  readonly tipHash?: string;
}

export interface LedgerAppendResult extends AppendResult {
  /** The sealed events as written (global positions vary by adapter; the result's `position` is the last). */
  readonly events: readonly Omit<LedgerEvent, 'position'>[];
}

const OPEN_APPEND_ATTEMPTS = 5;

/**
 * Seals events before they reach the store: encrypts personal data, wraps each event in the envelope and
 * links it into its stream's hash chain. For an exact expected revision the chain continues from that
 * revision (so a retried append re-derives the same link and the store's idempotence applies); for `any` and
 * `stream_exists` the ledger resolves the current revision and retries on a race.
 */
export class Ledger {
  private readonly openAppends = new KeyedMutex();

  constructor(
    readonly store: EventStore,
    private readonly cipher: PiiCipher | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(
    stream: string,
    drafts: readonly EventDraft[],
    expected: ExpectedRevision,
    context: AppendContext,
  ): Promise<LedgerAppendResult> {
    assertExpectedRevision(expected);
    if (drafts.length === 0) throw new InvalidEventError('an append needs events', 0);
    drafts.forEach((draft, index) => {
      if (!isPlainObject(draft.data)) throw new InvalidEventError('data must be a JSON object', index);
      if (PII_KEY in draft.data)
        throw new InvalidEventError(`"${PII_KEY}" is reserved for encrypted data`, index);
      if (draft.pii && !this.cipher) throw new InvalidEventError('personal data needs the key store', index);
    });

    return appendSpan(stream, drafts, expected, context, () => {
      if (expected === 'any' || expected === 'stream_exists') {
        // In-process appends without a revision queue per stream, so they never race each other; the retry
        // below only meets writers in other processes.
        return this.openAppends.run(stream, () => this.appendWithRetry(stream, drafts, expected, context));
      }
      return this.appendWithRetry(stream, drafts, expected, context);
    });
  }

  private async appendWithRetry(
    stream: string,
    drafts: readonly EventDraft[],
    expected: ExpectedRevision,
    context: AppendContext,
  ): Promise<LedgerAppendResult> {
    const open = expected === 'any' || expected === 'stream_exists';
    for (let attempt = 1; ; attempt += 1) {
      const tip = await this.tipFor(stream, expected, context.tipHash);
      try {
        return await this.appendAfter(stream, drafts, tip, context);
      } catch (error) {
        const retry = open && error instanceof WrongExpectedRevisionError && attempt < OPEN_APPEND_ATTEMPTS;
        if (!retry) throw error;
      }
    }
  }

  /** The revision and hash the new events continue from. */
  private async tipFor(
    stream: string,
    expected: ExpectedRevision,
    tipHash: string | undefined,
  ): Promise<{ revision: number; hash: string; expected: ExpectedRevision }> {
    if (expected === 'no_stream') return { revision: -1, hash: GENESIS_HASH, expected };
    if (typeof expected === 'number' && tipHash !== undefined)
      return { revision: expected, hash: tipHash, expected };
    if (typeof expected === 'number') {
      const [at] = await this.store.readStream(stream, { fromRevision: expected, maxCount: 1 });
      if (at?.revision !== expected) {
        const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
        throw new WrongExpectedRevisionError(stream, expected, last?.revision ?? -1);
      }
      return { revision: expected, hash: hashOf(at), expected };
    }
    const [last] = await this.store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    if (!last) {
      if (expected === 'stream_exists') throw new WrongExpectedRevisionError(stream, expected, -1);
      return { revision: -1, hash: GENESIS_HASH, expected: 'no_stream' };
    }
    return { revision: last.revision, hash: hashOf(last), expected: last.revision };
  }

  private async appendAfter(
    stream: string,
    drafts: readonly EventDraft[],
    tip: { revision: number; hash: string; expected: ExpectedRevision },
    context: AppendContext,
  ): Promise<LedgerAppendResult> {
    const recordedAt = this.now().toISOString();
    const sealed: { event: NewEvent; pii: PiiSection | null; data: JsonObject; metadata: EventMetadata }[] =
      [];
    let prevHash = tip.hash;
    for (const [i, draft] of drafts.entries()) {
      const eventId = draft.eventId ?? randomUUID();
      const pii = draft.pii && this.cipher ? await this.cipher.encrypt(eventId, draft.pii) : null;
      const data: JsonObject = pii ? { ...draft.data, [PII_KEY]: pii } : draft.data;
      const unsealed: UnsealedMetadata = {
        eventId,
        occurredAt: draft.occurredAt ?? recordedAt,
        recordedAt,
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.causationId ?? null,
        schemaVersion: draft.schemaVersion ?? 1,
        prevHash,
      };
      const hash = computeEventHash(prevHash, {
        stream,
        revision: tip.revision + 1 + i,
        type: draft.type,
        data,
        metadata: unsealed,
      });
      const metadata: EventMetadata = { ...unsealed, hash };
      sealed.push({ event: { eventId, type: draft.type, data, metadata }, pii, data: draft.data, metadata });
      prevHash = hash;
    }
    const result = await this.store.append(
      stream,
      sealed.map((s) => s.event),
      tip.expected,
    );
    return {
      ...result,
      events: sealed.map((s, i) => ({
        stream,
        revision: result.nextRevision - (sealed.length - 1) + i,
        eventId: s.event.eventId,
        type: s.event.type,
        data: s.data,
        pii: s.pii,
        metadata: s.metadata,
      })),
    };
  }

  async readStream(stream: string): Promise<LedgerEvent[]> {
    const events = await this.store.readStream(stream);
    return events.map(toLedgerEvent);
  }
}

/**
 * The append's span (docs/tracing.md), a child of the command's: stream category, event types and count,
 * expected revision, resulting position and the correlation id. Never the stream's id (a subject or session
 * id), data or personal data. Without tracing, `append` runs directly.
 */
function appendSpan(
  stream: string,
  drafts: readonly EventDraft[],
  expected: ExpectedRevision,
  context: AppendContext,
  append: () => Promise<LedgerAppendResult>,
): Promise<LedgerAppendResult> {
  return inSpan(
    'ledger.append',
    () => ({
      attributes: {
        'kyc.stream_category': parseStreamName(stream)?.kind ?? 'other',
        'kyc.event_count': drafts.length,
        'kyc.event_types': [...new Set(drafts.map((draft) => draft.type))],
        'kyc.expected_revision': String(expected),
        [CORRELATION_ID]: context.correlationId,
      },
    }),
    async (span) => {
      const result = await append();
      span.setAttributes({ 'kyc.position': result.position, 'kyc.next_revision': result.nextRevision });
      return result;
    },
  );
}

function hashOf(event: RecordedEvent): string {
  const hash = event.metadata.hash;
  return typeof hash === 'string' ? hash : GENESIS_HASH;
}

/** Splits a stored event into its parts. Events that are not ledger envelopes are refused. */
export function toLedgerEvent(event: RecordedEvent): LedgerEvent {
  const shared = sharedLedgerEvents.get(event);
  if (shared !== undefined) return shared;
  if (!isEventMetadata(event.metadata)) {
    throw new InvalidEventError(`event ${event.eventId} has no ledger envelope`, 0);
  }
  const { [PII_KEY]: pii, ...data } = event.data;
  const ledgerEvent: LedgerEvent = {
    stream: event.stream,
    revision: event.revision,
    position: event.position,
    eventId: event.eventId,
    type: event.type,
    data,
    pii: pii !== undefined && isPiiSection(pii) ? pii : null,
    metadata: event.metadata,
  };
  if (Object.isFrozen(event)) {
    // A frozen recorded event is one the log tail hands to every follower: they share one frozen reading of it.
    Object.freeze(data);
    sharedLedgerEvents.set(event, Object.freeze(ledgerEvent));
  }
  return ledgerEvent;
}

/** The reading of each frozen (deep-frozen by the log tail) recorded event, made once for all its readers. */
const sharedLedgerEvents = new WeakMap<RecordedEvent, LedgerEvent>();
