import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type EventStoreDBClient,
  excludeSystemEvents,
  type Position,
  START,
  streamNameFilter,
} from '@eventstore/db-client';
import { EventStoreUnavailableError } from '../event-store.errors';
import type { EventFilter, Subscription, SubscriptionMessage } from '../event-store.port';
import {
  acceptsEvent,
  clientPosition,
  portPosition,
  toPortError,
  toRecordedEvent,
} from './eventstoredb-mapping';

export interface EventStoreDbSubscriptionOptions {
  readonly client: EventStoreDBClient;
  readonly after: number;
  readonly filter: EventFilter | undefined;
  /** Global position of the last non-system event, read before the subscription starts. */
  readonly headPosition: () => Promise<number>;
  readonly onClose: (subscription: EventStoreDbSubscription) => void;
}

/** Pause the server stream when this many messages wait unread; resume below the low mark. */
export const SUBSCRIPTION_HIGH_WATER = 1024;
const LOW_WATER = 256;

type State = 'open' | 'failed' | 'closed';

/**
 * A catch-up subscription to `$all` on top of the client's `subscribeToAll`.
 *
 * Caught-up: servers from 23.10 send a `caughtUp` message; older ones do not. So the head position is read before
 * subscribing, and the subscription counts as caught up at the first of: the server's `caughtUp`, an event or a
 * checkpoint at or past that head, or a start already at or past it. The client emits `caughtUp` and calls
 * `checkpointReached` while earlier events may still sit in its read buffer, so the marker is placed after those
 * buffered events, keeping `caught_up` in its place in the event order.
 */
export class EventStoreDbSubscription implements Subscription {
  private readonly queue: SubscriptionMessage[] = [];
  private waiter:
    | { resolve: (result: IteratorResult<SubscriptionMessage>) => void; reject: (error: unknown) => void }
    | undefined;
  private state: State = 'open';
  private failure: Error | undefined;
  private source: AllStreamSubscription | undefined;
  private paused = false;
  private headAtStart = 0;
  /** Highest position the server has sent, filtered or not. */
  private seenUpTo: number;
  /** Events taken from the client's stream so far. */
  private received = 0;
  private caughtUp = false;
  /** `caught_up` goes out once this many events were received. */
  private caughtUpAfter: number | undefined;

  constructor(private readonly options: EventStoreDbSubscriptionOptions) {
    this.seenUpTo = options.after;
  }

  start(): void {
    this.run().catch((error: unknown) => {
      this.fail(toPortError(error));
    });
  }

  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.failure = error instanceof Error ? error : new Error('the subscription failed');
    this.options.onClose(this);
    void this.detachSource();
    // A waiting reader means nothing is queued: it gets the error now; otherwise after the queued messages.
    if (this.waiter) {
      const { reject } = this.waiter;
      this.waiter = undefined;
      this.state = 'closed';
      reject(this.failure);
    }
  }

  private async run(): Promise<void> {
    const { client, after, filter } = this.options;
    this.headAtStart = await this.options.headPosition();
    if (this.state !== 'open') return;

    const checkpointReached = (_subscription: AllStreamSubscription, position: Position): void => {
      // Runs inside the client's stream transform: compare without anything that could throw.
      if (this.state === 'open' && position.commit >= BigInt(this.headAtStart)) {
        this.markCaughtUp();
      }
    };
    const prefixes = filter?.streamPrefixes ?? [];
    const source = client.subscribeToAll({
      fromPosition: after > 0 ? clientPosition(after) : START,
      resolveLinkTos: false,
      filter:
        prefixes.length > 0
          ? streamNameFilter({ prefixes: [...prefixes], checkpointReached })
          : excludeSystemEvents({ checkpointReached }),
    });
    this.source = source;
    source.on('confirmation', () => {
      if (this.headAtStart <= after) this.markCaughtUp();
    });
    source.on('caughtUp', () => {
      this.markCaughtUp();
    });
    source.on('data', (resolved: AllStreamResolvedEvent) => {
      this.onEvent(resolved);
    });
    source.on('error', (error) => {
      this.fail(toPortError(error));
    });
    const ended = (): void => {
      this.fail(new EventStoreUnavailableError('EventStoreDB ended the subscription'));
    };
    source.on('end', ended);
    source.on('close', ended);
  }

  private onEvent(resolved: AllStreamResolvedEvent): void {
    if (this.state !== 'open') return;
    this.received += 1;
    const event = resolved.event;
    try {
      if (event) {
        const position = portPosition(event.position.commit, event.id);
        // Re-check what the server filtered: system events and the start are never delivered.
        if (position > this.options.after && acceptsEvent(this.options.filter, event)) {
          this.push({ kind: 'event', event: toRecordedEvent(event) });
        }
        this.seenUpTo = Math.max(this.seenUpTo, position);
        if (position >= this.headAtStart) this.emitCaughtUp();
      }
    } catch (error) {
      this.fail(toPortError(error));
      return;
    }
    if (this.caughtUpAfter !== undefined && this.received >= this.caughtUpAfter) this.emitCaughtUp();
  }

  private markCaughtUp(): void {
    if (this.caughtUp || !this.source) return;
    const after = this.received + this.source.readableLength;
    if (after <= this.received) this.emitCaughtUp();
    else this.caughtUpAfter = Math.min(this.caughtUpAfter ?? after, after);
  }

  private emitCaughtUp(): void {
    if (this.caughtUp) return;
    this.caughtUp = true;
    this.caughtUpAfter = undefined;
    this.push({
      kind: 'caught_up',
      position: Math.max(this.options.after, this.seenUpTo, this.headAtStart),
    });
  }

  private push(message: SubscriptionMessage): void {
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: message, done: false });
      return;
    }
    this.queue.push(message);
    if (!this.paused && this.queue.length >= SUBSCRIPTION_HIGH_WATER && this.source) {
      this.paused = true;
      this.source.pause();
    }
  }

  private next(): Promise<IteratorResult<SubscriptionMessage>> {
    const message = this.queue.shift();
    if (message) {
      if (this.paused && this.queue.length <= LOW_WATER) {
        this.paused = false;
        this.source?.resume();
      }
      return Promise.resolve({ value: message, done: false });
    }
    if (this.state === 'failed' && this.failure) {
      this.state = 'closed';
      return Promise.reject(this.failure);
    }
    if (this.state === 'closed') return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.queue.length = 0;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: undefined, done: true });
    }
    this.options.onClose(this);
    await this.detachSource();
  }

  private async detachSource(): Promise<void> {
    const source = this.source;
    this.source = undefined;
    if (!source) return;
    source.removeAllListeners('data');
    source.removeAllListeners('end');
    source.removeAllListeners('close');
    // An error after unsubscribing is expected and must not surface as an unhandled 'error' event.
    source.removeAllListeners('error');
    source.on('error', () => undefined);
    await source.unsubscribe().catch(() => undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
