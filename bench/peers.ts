import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { NewEvent } from '../src/ledger/event-store.port';
import { canonicalJson } from '../src/shared/canonical-json';
import { percentile, type RunFigures } from './lib';

/** One ledger-sized event (a vendor result with its envelope): the row every raw peer writes. */
export function sampleEvent(i: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'VendorResultReceived',
    data: {
      vendor: 'acme',
      vendorEventId: `evt_${i}`,
      checks: [{ kind: 'document', result: 'clear', score: 0.97 }],
    },
    metadata: {
      occurredAt: '2026-11-26T10:00:00.000Z',
      recordedAt: '2026-11-26T10:00:00.000Z',
      actor: { kind: 'vendor', id: 'acme', roles: [] },
      correlationId: randomUUID(),
      causationId: null,
      schemaVersion: 1,
      prevHash: '0'.repeat(64),
      hash: 'f'.repeat(64),
    },
  };
}

export const streamOf = (i: number): string => `kyc-verification-bench_${i}`;

/**
 * The raw limit of a durable write: plain better-sqlite3 with the event store's pragmas (WAL, synchronous FULL),
 * one `BEGIN IMMEDIATE … COMMIT` per operation, each inserting one event row into a table shaped like the
 * store's. Synchronous, so more writers in one process cannot raise it: this is the rate of one commit each.
 */
export function rawSqliteOneTransactionEach(file: string, n: number): RunFigures {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream TEXT NOT NULL, revision INTEGER NOT NULL,
      event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, data TEXT NOT NULL, metadata TEXT NOT NULL, created TEXT NOT NULL,
      UNIQUE (stream, revision))`);
    const insert = db.prepare(
      'INSERT INTO events (stream, revision, event_id, type, data, metadata, created) VALUES (?, 0, ?, ?, ?, ?, ?)',
    );
    const one = db.transaction((i: number) => {
      const e = sampleEvent(i);
      insert.run(
        streamOf(i),
        e.eventId,
        e.type,
        canonicalJson(e.data),
        canonicalJson(e.metadata),
        new Date().toISOString(),
      );
    });
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < n; i += 1) {
      const t0 = performance.now();
      one.immediate(i);
      latencies.push(performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { opsPerSecond: n / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    db.close();
  }
}
