import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedCheckpoint, verifySignedCheckpoint } from '../../src/audit/checkpoint-statement';
import { eventLeaf } from '../../src/audit/checkpoint-leaves';
import { Checkpointer } from '../../src/audit/checkpointer';
import { verifyInclusion } from '../../src/audit/merkle';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { startTestApp, type TestApp } from '../support/app';
import { CLEAR, consentAndStart, vendorResult } from '../support/journey';
import { client } from '../support/http';

interface Proof {
  eventId: string;
  eventHash: string;
  position: number;
  created: string;
  leafVersion: 1 | 2;
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
  checkpoint: SignedCheckpoint;
}

describe('signed checkpoints, inclusion proofs and verification', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let store: EventStore;

  beforeAll(async () => {
    t = await startTestApp({ LEDGER_CHECKPOINT_EVERY_EVENTS: '7' });
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);
    for (let i = 0; i < 3; i += 1) {
      const { sessionId } = await consentAndStart(api, { jurisdiction: 'GB' });
      await vendorResult(api, sessionId, CLEAR);
    }
    const checkpointer = t.app.get(Checkpointer);
    while (await checkpointer.tick(true)) {
      // sign until every event is covered
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('signs checkpoints that verify offline with the public key', async () => {
    const res = await api.get<SignedCheckpoint & { position: number }>(
      'auditor',
      '/v1/audit/checkpoints/latest',
    );
    expect(res.status).toBe(200);
    expect(res.body.statement).toMatchObject({
      v: 2,
      ledger: 'kyc-ledger',
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(res.body.statement.sequence).toBeGreaterThan(1);
    expect(verifySignedCheckpoint(res.body)).toBe(true);
    const forged = {
      ...res.body,
      statement: { ...res.body.statement, toPosition: res.body.statement.toPosition + 1 },
    };
    expect(verifySignedCheckpoint(forged)).toBe(false);
  });

  it('proves every event of the ledger and refuses a modified leaf', async () => {
    const events = (await store.readAll()).filter(
      (e) => e.stream !== 'kyc-ledger-checkpoints' || e.revision < 1,
    );
    expect(events.length).toBeGreaterThan(10);
    for (const event of events) {
      const res = await api.get<Proof>('auditor', `/v1/audit/proofs/${event.eventId}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const proof = res.body;
      const root = Buffer.from(proof.checkpoint.statement.rootHash, 'hex');
      const path = proof.auditPath.map((h) => Buffer.from(h, 'hex'));
      const signed = { hash: proof.eventHash, position: proof.position, created: proof.created };
      const leaf = eventLeaf(proof.leafVersion, signed);
      expect(proof).toMatchObject({ leafVersion: 2, position: event.position, created: event.created });
      expect(proof.eventHash).toBe(event.metadata.hash);
      expect(verifySignedCheckpoint(proof.checkpoint)).toBe(true);
      expect(verifyInclusion(leaf, proof.leafIndex, proof.treeSize, path, root)).toBe(true);
      const altered = eventLeaf(2, {
        ...signed,
        hash: proof.eventHash.replace(/^./, (c) => (c === '0' ? '1' : '0')),
      });
      expect(verifyInclusion(altered, proof.leafIndex, proof.treeSize, path, root)).toBe(false);
      const moved = eventLeaf(2, { ...signed, position: signed.position + 1 });
      expect(verifyInclusion(moved, proof.leafIndex, proof.treeSize, path, root)).toBe(false);
    }
  });

  it('answers 404 for an event no checkpoint covers', async () => {
    const res = await api.get('auditor', `/v1/audit/proofs/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'not_yet_checkpointed' });
  });

  it('reports an intact ledger, then the exact checkpoint and event after tampering', async () => {
    const clean = await api.get<{ ok: boolean; checkpoints: { checkpointsChecked: number } }>(
      'auditor',
      '/v1/audit/verification',
    );
    expect(clean.status).toBe(200);
    expect(clean.body.ok).toBe(true);
    expect(clean.body.checkpoints.checkpointsChecked).toBeGreaterThan(1);

    const db = new Database(join(t.dataDir, 'events.sqlite'));
    db.exec('DROP TRIGGER IF EXISTS events_are_immutable_update');
    const victim = db
      .prepare<[], { position: number; event_id: string; stream: string; revision: number }>(
        "SELECT position, event_id, stream, revision FROM events WHERE type = 'VendorResultReceived' ORDER BY position LIMIT 1",
      )
      .get()!;
    db.prepare('UPDATE events SET data = replace(data, \'"acme"\', \'"acmf"\') WHERE position = ?').run(
      victim.position,
    );
    const checkpoint = db
      .prepare<[], { position: number; data: string }>(
        "SELECT position, data FROM events WHERE stream = 'kyc-ledger-checkpoints' AND revision = 1",
      )
      .get()!;
    const data = JSON.parse(checkpoint.data) as SignedCheckpoint;
    const flipped = data.signature.startsWith('A')
      ? `B${data.signature.slice(1)}`
      : `A${data.signature.slice(1)}`;
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(
      JSON.stringify({ ...data, signature: flipped }),
      checkpoint.position,
    );
    db.close();

    const res = await api.get<{
      ok: boolean;
      chain: { failures: { stream: string; revision: number; eventId: string; reason: string }[] };
      checkpoints: { failure?: { sequence: number; reason: string } };
    }>('auditor', '/v1/audit/verification');
    expect(res.body.ok).toBe(false);
    expect(res.body.chain.failures).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stream: victim.stream,
          revision: victim.revision,
          eventId: victim.event_id,
          reason: 'hash_mismatch',
        }),
      ]),
    );
    // The altered event keeps its stored hash, so checkpoint roots still match (the chain catches the change);
    // the replaced signature is caught at exactly its checkpoint.
    expect(res.body.checkpoints.failure).toMatchObject({ sequence: 2, reason: 'bad_signature' });
  });

  it('is closed to roles other than auditor', async () => {
    expect((await api.get('operator', '/v1/audit/checkpoints/latest')).status).toBe(403);
    expect((await api.get(null, '/v1/audit/verification')).status).toBe(401);
  });
});
