import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeEvent, MalformedEventError, registerUpcaster } from '../../src/events';
import type { LedgerEvent } from '../../src/ledger/envelope';
import type { RecordedEvent } from '../../src/ledger/event-store.port';
import { toLedgerEvent } from '../../src/ledger/ledger';
import type { JsonObject } from '../../src/shared/json';

/*
 * Every follower of the log tail reads the same frozen recorded event: it is read into a ledger event once and its
 * data is checked against its schema once. Anything that is not frozen is read and checked every time, and a change
 * of the decoder's registry checks everything again.
 */

const TYPE = 'DecoderSharingProbe';
let checks = 0;
const schema = z
  .object({ count: z.number().int() })
  .refine(() => {
    checks += 1;
    return true;
  })
  .transform((value) => value as Record<string, unknown>);

const unregister: (() => void)[] = [];
afterEach(() => {
  for (const undo of unregister.splice(0).reverse()) undo();
});

/** Makes TYPE known at schemaVersion 2, checked by `schema` (which counts its runs). */
function registerProbe(): void {
  unregister.push(registerUpcaster(TYPE, 1, (data) => data, schema));
}

function ledgerEvent(data: JsonObject): LedgerEvent {
  return {
    stream: 'verification-ses_probe',
    revision: 0,
    position: 1,
    eventId: '6a3c5e3e-1b7f-4c55-9d61-0d3f1f0f4b2a',
    type: TYPE,
    data,
    pii: null,
    metadata: {
      eventId: '6a3c5e3e-1b7f-4c55-9d61-0d3f1f0f4b2a',
      occurredAt: '2026-12-07T10:00:00.000Z',
      recordedAt: '2026-12-07T10:00:00.000Z',
      actor: { kind: 'system', id: 'probe', roles: [] },
      correlationId: 'c',
      causationId: null,
      schemaVersion: 2,
      prevHash: '0'.repeat(64),
      hash: '1'.repeat(64),
    },
  };
}

function recorded(frozen: boolean): RecordedEvent {
  const event = ledgerEvent({ count: 1 });
  const value: RecordedEvent = {
    stream: event.stream,
    revision: event.revision,
    position: event.position,
    eventId: event.eventId,
    type: event.type,
    data: { count: 1 },
    metadata: event.metadata,
    created: event.metadata.recordedAt,
  };
  return frozen ? deepFreeze(value) : value;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

describe('decoding shared by the followers of the log tail', () => {
  it('checks frozen data once', () => {
    registerProbe();
    const event = ledgerEvent(Object.freeze({ count: 3 }));
    checks = 0;
    expect(decodeEvent(event)).toBe(event);
    expect(decodeEvent(event)).toBe(event);
    expect(checks).toBe(1);
  });

  it('checks data that is not frozen every time: a change after a check is seen', () => {
    registerProbe();
    const data: JsonObject = { count: 3 };
    const event = ledgerEvent(data);
    checks = 0;
    decodeEvent(event);
    decodeEvent(event);
    expect(checks).toBe(2);
    data.count = 'three';
    expect(() => decodeEvent(event)).toThrow(MalformedEventError);
  });

  it('never remembers a failure: malformed frozen data is refused every time', () => {
    registerProbe();
    const event = ledgerEvent(Object.freeze({ count: 'three' }));
    expect(() => decodeEvent(event)).toThrow(MalformedEventError);
    expect(() => decodeEvent(event)).toThrow(/data\.count: expected/);
  });

  it('checks again after the registry changed', () => {
    registerProbe();
    const event = ledgerEvent(Object.freeze({ count: 3 }));
    checks = 0;
    decodeEvent(event);
    unregister.push(registerUpcaster('DecoderSharingOther', 1, (data) => data));
    decodeEvent(event);
    expect(checks).toBe(2);
    // A stricter schema for the same type now refuses what passed before.
    unregister.push(registerUpcaster(TYPE, 2, (data) => data, z.object({ count: z.string() })));
    expect(() => decodeEvent({ ...event, metadata: { ...event.metadata, schemaVersion: 3 } })).toThrow(
      MalformedEventError,
    );
  });

  it('reads a frozen recorded event once, into a frozen ledger event; others afresh each time', () => {
    const shared = recorded(true);
    const first = toLedgerEvent(shared);
    expect(toLedgerEvent(shared)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.data)).toBe(true);
    expect(first.data).toEqual({ count: 1 });

    const own = recorded(false);
    const a = toLedgerEvent(own);
    const b = toLedgerEvent(own);
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
    expect(Object.isFrozen(a)).toBe(false);
  });
});
