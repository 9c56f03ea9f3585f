import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChainVerifier, verifyLedger } from '../../src/audit/chain-verifier';
import { computeEventHash, GENESIS_HASH } from '../../src/ledger/hash-chain';
import { WrongExpectedRevisionError, InvalidEventError } from '../../src/ledger/event-store.errors';
import { isEventMetadata } from '../../src/ledger/envelope';
import { Ledger, toLedgerEvent } from '../../src/ledger/ledger';
import { subjectStream, verificationStream } from '../../src/ledger/stream-names';
import { newEventId, uniqueId } from '../support/ids';
import { tempLedger, testActor, type TempLedger } from '../support/temp-ledger';

const context = { actor: testActor, correlationId: 'corr-1' };
const PII_NAME = 'Erika Mustermann-Tamper';
const PII_DOC = 'C01X00T47';

/** Runs SQL against the event file behind the store's back, as someone with file access could. */
function tamper(file: string, sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  db.exec(
    'DROP TRIGGER IF EXISTS events_are_immutable_update; DROP TRIGGER IF EXISTS events_are_immutable_delete;',
  );
  db.prepare(sql).run(...params);
  db.close();
}

describe(Ledger.name, () => {
  let t: TempLedger;
  beforeEach(async () => {
    t = await tempLedger();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function writeJourney(sessionId: string): Promise<string> {
    const stream = verificationStream(sessionId);
    await t.ledger.append(
      stream,
      [{ type: 'VerificationInitiated', data: { subjectId: 'sub_1', jurisdiction: 'DE' } }],
      'no_stream',
      context,
    );
    await t.ledger.append(
      stream,
      [
        {
          type: 'EvidenceSubmitted',
          data: { evidenceId: 'ev_1', kind: 'document' },
          pii: {
            subjectId: 'sub_1',
            classes: { identity_attributes: { fullName: PII_NAME, documentNumber: PII_DOC } },
          },
        },
        {
          type: 'VendorResultReceived',
          data: { vendor: 'acme', checks: [{ kind: 'document', result: 'clear' }] },
        },
      ],
      0,
      context,
    );
    await t.ledger.append(stream, [{ type: 'VerificationApproved', data: { reasonCodes: [] } }], 2, context);
    return stream;
  }

  describe('envelope and chain', () => {
    it('writes the envelope and links every event to the one before it', async () => {
      const stream = await writeJourney(uniqueId());
      const events = await t.ledger.readStream(stream);
      expect(events.map((e) => e.type)).toEqual([
        'VerificationInitiated',
        'EvidenceSubmitted',
        'VendorResultReceived',
        'VerificationApproved',
      ]);
      const [first, second] = events;
      expect(first?.metadata).toMatchObject({
        actor: testActor,
        correlationId: 'corr-1',
        causationId: null,
        schemaVersion: 1,
        prevHash: GENESIS_HASH,
      });
      expect(first?.metadata.eventId).toBe(first?.eventId);
      expect(second?.metadata.prevHash).toBe(first?.metadata.hash);
      expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.metadata.hash))).toBe(true);
      expect(new Set(events.map((e) => e.metadata.hash)).size).toBe(4);
      expect((await verifyLedger(t.store)).ok).toBe(true);
    });

    it('continues the chain through appends with any, including racing ones', async () => {
      const stream = subjectStream(uniqueId());
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.ledger.append(stream, [{ type: 'ConsentGranted', data: { i } }], 'any', context),
        ),
      );
      const report = await verifyLedger(t.store, { stream });
      expect(report).toMatchObject({ ok: true, eventsChecked: 10 });
    });

    it('keeps a retried append with the same event ids idempotent', async () => {
      const stream = subjectStream(uniqueId());
      await t.ledger.append(stream, [{ type: 'ConsentGranted', data: {} }], 'no_stream', context);
      const draft = { type: 'ConsentWithdrawn', data: { consentId: 'c1' }, eventId: newEventId() };
      const first = await t.ledger.append(stream, [draft], 0, context);
      const again = await t.ledger.append(stream, [draft], 0, context);
      expect(again.position).toBe(first.position);
      expect(await t.store.readStream(stream)).toHaveLength(2);
      expect((await verifyLedger(t.store)).ok).toBe(true);
    });

    it('refuses a stale exact revision and writes nothing', async () => {
      const stream = subjectStream(uniqueId());
      await t.ledger.append(
        stream,
        [
          { type: 'A', data: {} },
          { type: 'B', data: {} },
        ],
        'no_stream',
        context,
      );
      await expect(t.ledger.append(stream, [{ type: 'C', data: {} }], 0, context)).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      await expect(t.ledger.append(stream, [{ type: 'C', data: {} }], 5, context)).rejects.toMatchObject({
        actual: 1,
      });
      expect(await t.store.readStream(stream)).toHaveLength(2);
    });

    it('refuses clear data under the reserved pii key', async () => {
      await expect(
        t.ledger.append(
          subjectStream(uniqueId()),
          [{ type: 'A', data: { pii: { name: 'x' } } }],
          'any',
          context,
        ),
      ).rejects.toBeInstanceOf(InvalidEventError);
    });
  });

  describe('personal data', () => {
    it('stores personal data only as ciphertext and decrypts it with the subject key', async () => {
      const stream = await writeJourney(uniqueId());
      const raw =
        readFileSync(t.eventsFile).toString('latin1') +
        readFileSync(`${t.eventsFile}-wal`).toString('latin1');
      expect(raw).not.toContain(PII_NAME);
      expect(raw).not.toContain(PII_DOC);

      const evidence = (await t.ledger.readStream(stream)).find((e) => e.type === 'EvidenceSubmitted');
      expect(evidence?.pii?.entries.identity_attributes).toBeDefined();
      const clear = await t.cipher.decrypt(evidence!.eventId, evidence!.pii);
      expect(clear.identity_attributes).toEqual({
        state: 'clear',
        value: { fullName: PII_NAME, documentNumber: PII_DOC },
      });
    });

    it('makes shredded data unreadable while the chain still verifies', async () => {
      const stream = await writeJourney(uniqueId());
      expect(await t.keys.destroyKeys('sub_1', ['identity_attributes'])).toBe(1);
      const evidence = (await t.ledger.readStream(stream)).find((e) => e.type === 'EvidenceSubmitted');
      expect(await t.cipher.decrypt(evidence!.eventId, evidence!.pii)).toEqual({
        identity_attributes: { state: 'shredded' },
      });
      expect((await verifyLedger(t.store)).ok).toBe(true);
      expect(await t.keys.destroyKeys('sub_1', ['identity_attributes'])).toBe(0);
    });
  });

  describe('tamper evidence', () => {
    async function rowOf(stream: string, revision: number): Promise<{ position: number; eventId: string }> {
      const [e] = await t.store.readStream(stream, { fromRevision: revision, maxCount: 1 });
      return { position: e!.position, eventId: e!.eventId };
    }

    it('detects one changed byte in event data at exactly that event', async () => {
      const other = await writeJourney(uniqueId());
      const stream = await writeJourney(uniqueId());
      const target = await rowOf(stream, 2);
      tamper(
        t.eventsFile,
        `UPDATE events SET data = replace(data, '"clear"', '"clean"') WHERE position = ?`,
        target.position,
      );

      const report = await verifyLedger(t.store);
      expect(report.ok).toBe(false);
      expect(report.failures).toEqual([
        expect.objectContaining({ stream, revision: 2, eventId: target.eventId, reason: 'hash_mismatch' }),
      ]);
      expect((await verifyLedger(t.store, { stream: other })).ok).toBe(true);
    });

    it('hashes the stored bytes, and judges stored data in another JSON form by its content', async () => {
      const stream = await writeJourney(uniqueId());
      const target = await rowOf(stream, 2);
      expect(typeof t.store.readAllStored).toBe('function');
      // The same content written with whitespace and its keys in another order: not the bytes that were hashed.
      const [stored] = await t.store.readAll({ after: target.position - 1, maxCount: 1 });
      const reordered = `{ ${Object.entries(stored!.data)
        .reverse()
        .map(([key, value]) => `${JSON.stringify(key)} : ${JSON.stringify(value)}`)
        .join(' , ')} }`;
      tamper(t.eventsFile, 'UPDATE events SET data = ? WHERE position = ?', reordered, target.position);
      expect(await verifyLedger(t.store)).toMatchObject({ ok: true, failures: [] });
      // Different content in that form is still found, at that event.
      tamper(
        t.eventsFile,
        `UPDATE events SET data = replace(data, '"clear"', '"clean"') WHERE position = ?`,
        target.position,
      );
      expect((await verifyLedger(t.store)).failures).toEqual([
        expect.objectContaining({ stream, revision: 2, eventId: target.eventId, reason: 'hash_mismatch' }),
      ]);
    });

    it('detects one changed byte of ciphertext', async () => {
      const stream = await writeJourney(uniqueId());
      const target = await rowOf(stream, 1);
      const [stored] = await t.store.readStream(stream, { fromRevision: 1, maxCount: 1 });
      const ct = (stored!.data.pii as { entries: { identity_attributes: { ct: string } } }).entries
        .identity_attributes.ct;
      const flipped = (ct[0] === 'A' ? 'B' : 'A') + ct.slice(1);
      tamper(
        t.eventsFile,
        'UPDATE events SET data = replace(data, ?, ?) WHERE position = ?',
        ct,
        flipped,
        target.position,
      );
      const report = await verifyLedger(t.store, { stream });
      expect(report.failures[0]).toMatchObject({ revision: 1, reason: 'hash_mismatch' });
    });

    it('detects a changed actor in the metadata', async () => {
      const stream = await writeJourney(uniqueId());
      const target = await rowOf(stream, 3);
      tamper(
        t.eventsFile,
        `UPDATE events SET metadata = replace(metadata, 'operator-1', 'operator-2') WHERE position = ?`,
        target.position,
      );
      expect((await verifyLedger(t.store)).failures[0]).toMatchObject({
        revision: 3,
        reason: 'hash_mismatch',
      });
    });

    it('detects a deleted event at the event after the gap', async () => {
      const stream = await writeJourney(uniqueId());
      const target = await rowOf(stream, 1);
      tamper(t.eventsFile, 'DELETE FROM events WHERE position = ?', target.position);
      expect((await verifyLedger(t.store)).failures[0]).toMatchObject({
        stream,
        revision: 2,
        reason: 'revision_gap',
        expected: '1',
        actual: '2',
      });
    });

    it('detects two events swapped in place', async () => {
      const stream = await writeJourney(uniqueId());
      const a = await rowOf(stream, 1);
      const b = await rowOf(stream, 2);
      const db = new Database(t.eventsFile);
      db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update');
      db.transaction(() => {
        db.prepare('UPDATE events SET revision = -1 WHERE position = ?').run(a.position);
        db.prepare('UPDATE events SET revision = 1 WHERE position = ?').run(b.position);
        db.prepare('UPDATE events SET revision = 2 WHERE position = ?').run(a.position);
      })();
      db.close();
      const report = await verifyLedger(t.store, { stream });
      expect(report.failures[0]).toMatchObject({
        revision: 1,
        eventId: b.eventId,
        reason: 'prev_hash_mismatch',
      });
    });

    it('detects a forged event whose own hash was recomputed, at the next link', async () => {
      const stream = await writeJourney(uniqueId());
      const [victim] = await t.store.readStream(stream, { fromRevision: 2, maxCount: 1 });
      const forgedData = { ...victim!.data, vendor: 'forged' };
      const metadata = victim!.metadata;
      if (!isEventMetadata(metadata)) throw new Error('fixture');
      const forgedHash = computeEventHash(metadata.prevHash, { ...victim!, data: forgedData, metadata });
      tamper(
        t.eventsFile,
        'UPDATE events SET data = ?, metadata = ? WHERE position = ?',
        JSON.stringify(forgedData),
        JSON.stringify({ ...metadata, hash: forgedHash }),
        victim!.position,
      );
      const report = await verifyLedger(t.store, { stream });
      expect(report.failures[0]).toMatchObject({
        revision: 3,
        reason: 'prev_hash_mismatch',
        expected: forgedHash,
      });
    });

    it('judges an envelope stored in another form by its content, and a changed or broken one at that event', async () => {
      const stream = await writeJourney(uniqueId());
      const target = await rowOf(stream, 1);
      const [stored] = await t.store.readStream(stream, { fromRevision: 1, maxCount: 1 });
      // The same envelope with whitespace and its members in another order: not the text the ledger writes.
      const reordered = JSON.stringify(
        Object.fromEntries(Object.entries(stored!.metadata).reverse()),
        null,
        2,
      );
      tamper(t.eventsFile, 'UPDATE events SET metadata = ? WHERE position = ?', reordered, target.position);
      expect(await verifyLedger(t.store)).toMatchObject({ ok: true, failures: [] });

      // Another event id in the envelope than in the row.
      const otherId = JSON.stringify({ ...stored!.metadata, eventId: newEventId() });
      tamper(t.eventsFile, 'UPDATE events SET metadata = ? WHERE position = ?', otherId, target.position);
      expect((await verifyLedger(t.store)).failures).toEqual([
        expect.objectContaining({ stream, revision: 1, reason: 'malformed_envelope' }),
      ]);

      // Text that is not JSON at all: reported at that event, the rest of the ledger still checked.
      const other = await writeJourney(uniqueId());
      tamper(t.eventsFile, 'UPDATE events SET metadata = ? WHERE position = ?', '{"actor":', target.position);
      const report = await verifyLedger(t.store);
      expect(report.failures).toEqual([
        expect.objectContaining({
          stream,
          revision: 1,
          reason: 'malformed_envelope',
          actual: 'metadata is not JSON',
        }),
      ]);
      expect(report.eventsChecked).toBe(8);
      expect((await verifyLedger(t.store, { stream: other })).ok).toBe(true);
    });

    it('refuses in-place updates through SQLite itself', async () => {
      await writeJourney(uniqueId());
      const db = new Database(t.eventsFile);
      expect(() => db.prepare("UPDATE events SET type = 'X'").run()).toThrow(/immutable/);
      expect(() => db.prepare('DELETE FROM events').run()).toThrow(/immutable/);
      db.close();
    });
  });

  it('parses stored events into envelopes', async () => {
    const stream = await writeJourney(uniqueId());
    const [raw] = await t.store.readStream(stream);
    expect(toLedgerEvent(raw!)).toMatchObject({
      type: 'VerificationInitiated',
      pii: null,
      data: { jurisdiction: 'DE' },
    });
    const verifier = new ChainVerifier();
    for (const e of await t.store.readStream(stream)) expect(verifier.check(e)).toBeUndefined();
  });
});
