import {
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  type ReadPosition,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import type { JsonObject } from '../../shared/json';
import { DEFAULT_MAX_EVENT_BYTES, validateAppend } from '../append-validation';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../event-store.errors';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeAllOptions,
  Subscription,
} from '../event-store.port';
import {
  acceptsEvent,
  clientPosition,
  isSystemEvent,
  portPosition,
  toPortError,
  toRecordedEvent,
} from './eventstoredb-mapping';
import { EventStoreDbSubscription } from './eventstoredb-subscription';

export interface EventStoreDbEventStoreOptions {
  readonly maxEventBytes?: number;
}

/** Events fetched per request when reading `$all` (system events are dropped after reading). */
const READ_ALL_PAGE = 500;
/** Events fetched per request when looking backwards for the last non-system event. */
const HEAD_PAGE = 64;
const PING_TIMEOUT_MS = 5_000;

/**
 * The event store on EventStoreDB / KurrentDB (production profile), through `@eventstore/db-client`.
 *
 * Events are JSON events whose EventStoreDB event id is the ledger's `eventId`; metadata is the event's custom
 * metadata. The port's global position is EventStoreDB's commit position, which for ordinary appends equals the
 * prepare position, so a position read back can serve as a start position. EventStoreDB's own events (streams or
 * types beginning with `$`) never leave this adapter.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly maxEventBytes: number;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private closed = false;

  constructor(connectionString: string, options: EventStoreDbEventStoreOptions = {}) {
    try {
      this.client = EventStoreDBClient.connectionString(connectionString);
    } catch {
      // The client's message repeats the string, credentials included.
      throw new Error('the EventStoreDB connection string is not valid (expected esdb://host:port?tls=…)');
    }
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  async append(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const serialized = validateAppend(stream, events, expected, this.maxEventBytes);
    this.assertOpen();
    // The canonical form validated above is what gets stored, not whatever key order the caller used.
    const proposed = serialized.map((event) =>
      jsonEvent({
        id: event.eventId,
        type: event.type,
        data: JSON.parse(event.data) as JsonObject,
        metadata: JSON.parse(event.metadata) as JsonObject,
      }),
    );
    const result = await this.client
      .appendToStream(stream, proposed, { expectedRevision: toClientRevision(expected) })
      .catch((error: unknown) => {
        if (error instanceof WrongExpectedVersionError) {
          const actual = error.actualVersion === 'no_stream' ? -1 : Number(error.actualVersion);
          throw new WrongExpectedRevisionError(stream, expected, actual);
        }
        throw toPortError(error);
      });
    const nextRevision = Number(result.nextExpectedRevision);
    // The answer carries the last event's position, except when the server could not look it up for a
    // repeated (idempotent) append: then read it back.
    const position = result.position
      ? portPosition(result.position.commit, 'append')
      : await this.positionOfRevision(stream, nextRevision);
    return { nextRevision, position };
  }

  private async positionOfRevision(stream: string, revision: number): Promise<number> {
    const [event] = await this.readStream(stream, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new EventStoreUnavailableError('the appended event could not be read back');
    return event.position;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const direction = options.direction ?? 'forwards';
    const from = options.fromRevision ?? (direction === 'backwards' ? 'end' : 'start');
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    const fromRevision = from === 'start' ? START : from === 'end' ? END : BigInt(from);
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        direction: direction === 'backwards' ? BACKWARDS : FORWARDS,
        fromRevision,
        maxCount: options.maxCount,
        resolveLinkTos: false,
      });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw toPortError(error);
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const after = options.after ?? 0;
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const out: RecordedEvent[] = [];
    if (limit <= 0) return out;
    // EventStoreDB reads `$all` from a position inclusively; the port reads strictly after it.
    let floor = after;
    let from: ReadPosition = after > 0 ? clientPosition(after) : START;
    try {
      for (;;) {
        let received = 0;
        const page = this.client.readAll({
          direction: FORWARDS,
          fromPosition: from,
          maxCount: READ_ALL_PAGE,
          resolveLinkTos: false,
        });
        for await (const resolved of page) {
          received += 1;
          const event = resolved.event;
          if (!event) continue;
          const position = portPosition(event.position.commit, event.id);
          if (position <= floor) continue;
          floor = position;
          if (out.length < limit && acceptsEvent(options.filter, event)) out.push(toRecordedEvent(event));
        }
        if (received < READ_ALL_PAGE || out.length >= limit) return out;
        from = clientPosition(floor);
      }
    } catch (error) {
      throw toPortError(error);
    }
  }

  subscribeAll(options: SubscribeAllOptions = {}): Subscription {
    const subscription = new EventStoreDbSubscription({
      client: this.client,
      after: options.after ?? 0,
      filter: options.filter,
      headPosition: () => this.headPosition(),
      onClose: (closed) => this.subscriptions.delete(closed),
    });
    if (this.closed) {
      subscription.fail(new EventStoreUnavailableError('store is closed'));
      return subscription;
    }
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    let from: ReadPosition = END;
    let ceiling = Number.POSITIVE_INFINITY;
    try {
      for (;;) {
        let received = 0;
        let head: number | undefined;
        const page = this.client.readAll({
          direction: BACKWARDS,
          fromPosition: from,
          maxCount: HEAD_PAGE,
          resolveLinkTos: false,
        });
        // Read the whole page rather than stop early, so the request completes instead of being abandoned.
        for await (const resolved of page) {
          received += 1;
          const event = resolved.event;
          if (!event) continue;
          const position = portPosition(event.position.commit, event.id);
          if (position >= ceiling) continue;
          ceiling = position;
          if (head === undefined && !isSystemEvent(event)) head = position;
        }
        if (head !== undefined) return head;
        if (received < HEAD_PAGE || ceiling === Number.POSITIVE_INFINITY) return 0;
        from = clientPosition(ceiling);
      }
    } catch (error) {
      throw toPortError(error);
    }
  }

  async ping(): Promise<void> {
    this.assertOpen();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new EventStoreUnavailableError(`EventStoreDB did not answer within ${PING_TIMEOUT_MS} ms`));
      }, PING_TIMEOUT_MS);
    });
    const probe = (async () => {
      const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
      for await (const _ of read) {
        // Any answer will do.
      }
    })();
    probe.catch(() => undefined);
    try {
      await Promise.race([probe, timeout]);
    } catch (error) {
      throw toPortError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('store is closed');
  }
}

function toClientRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}
