import type { EventStore } from '../ledger/event-store.port';
import type { LedgerEvent } from '../ledger/envelope';
import { toLedgerEvent } from '../ledger/ledger';
import { nextSessionSnapshot, type SessionSnapshot } from './event-mapping';
import { UnpublishableEventError } from './publisher.errors';

/**
 * The session snapshot (subject, policy, status) before each verification event, from memory or, after a restart
 * or an eviction, folded from the stream. A bounded map in insertion order: the least recently written goes first.
 */
export class SessionCache {
  private readonly entries = new Map<string, SessionSnapshot>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity: number,
  ) {}

  async before(event: LedgerEvent): Promise<SessionSnapshot | undefined> {
    const cached = this.entries.get(event.stream);
    if (cached?.revision === event.revision - 1) return cached;
    const earlier = await this.store.readStream(event.stream, { fromRevision: 0, maxCount: event.revision });
    if (earlier.length !== event.revision) {
      throw new Error(`stream read returned ${earlier.length} of ${event.revision} earlier events`);
    }
    let snapshot: SessionSnapshot | undefined;
    for (const recorded of earlier) {
      let ledgerEvent: LedgerEvent;
      try {
        ledgerEvent = toLedgerEvent(recorded);
      } catch {
        throw new UnpublishableEventError(recorded.position, recorded.type, 'not a ledger envelope');
      }
      snapshot = nextSessionSnapshot(snapshot, ledgerEvent);
    }
    return snapshot;
  }

  remember(stream: string, snapshot: SessionSnapshot): void {
    this.entries.delete(stream);
    this.entries.set(stream, snapshot);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }
}
