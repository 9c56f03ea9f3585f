import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../src/ledger/event-store.port';

/** A small event with a fresh id and a well-formed envelope, for tests of the event store's own behaviour. */
export function notedEvent(): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'Noted',
    data: { n: 1 },
    metadata: {
      occurredAt: '2026-11-26T10:00:00.000Z',
      recordedAt: '2026-11-26T10:00:00.000Z',
      actor: { kind: 'system', id: 'test', roles: [] },
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
      prevHash: '0'.repeat(64),
      hash: 'f'.repeat(64),
    },
  };
}
