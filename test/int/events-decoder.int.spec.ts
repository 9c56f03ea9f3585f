import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { explain } from '../../src/audit/explanation';
import { verifyLedger } from '../../src/audit/chain-verifier';
import {
  decodeEvent,
  LedgerCorruptError,
  MalformedEventError,
  registerUpcaster,
  VERIFICATION_SCHEMAS,
} from '../../src/events';
import type { LedgerEvent } from '../../src/ledger/envelope';
import { verificationStream } from '../../src/ledger/stream-names';
import { EventData } from '../../src/projections/core/event-data';
import type { ProjectedEvent, RowChange } from '../../src/projections/core/projection';
import { ParkedEventEntity } from '../../src/projections/core/parked-event.entity';
import { ProjectionEventError } from '../../src/projections/projection.errors';
import {
  nextSessionSnapshot,
  type SessionSnapshot,
  toIntegrationEvent,
} from '../../src/publisher/event-mapping';
import { UnpublishableEventError } from '../../src/publisher/publisher.errors';
import { verificationStatusProjection } from '../../src/verification/verification-status.projection';
import { VerificationStatusEntity } from '../../src/verification/verification-status.entity';
import { projectAll } from '../support/projection-harness';
import { sessionDrafts } from '../support/publisher-fixtures';
import { type TempLedger, tempLedger, testActor } from '../support/temp-ledger';

/*
 * One decoder between the ledger and every reader (src/events): an event stored under an old schemaVersion is
 * lifted on read by its upcaster, and a malformed one is refused by each reader in its own way: the projection
 * parks it, the publisher refuses it, the explanation answers ledger_corrupt.
 */

const AT = new Date('2026-11-26T10:00:00.000Z');
const SESSION = 'ses_events_1';
const SUBJECT = 'sub_events_1';

function projected(event: LedgerEvent): ProjectedEvent {
  return {
    ...event,
    streamKind: 'verification',
    streamId: SESSION,
    body: new EventData(event.type, event.data),
  };
}

function statusRow(event: LedgerEvent): VerificationStatusEntity {
  const changes: readonly RowChange[] = verificationStatusProjection.apply(projected(event), {
    get: () => undefined,
  });
  const change = changes[0];
  if (change?.kind !== 'put') throw new Error('expected a put');
  return change.row as VerificationStatusEntity;
}

function published(events: readonly LedgerEvent[]): { data: Record<string, unknown> }[] {
  let snapshot: SessionSnapshot | undefined;
  return events.map((event) => {
    snapshot = nextSessionSnapshot(snapshot, event);
    const integration = toIntegrationEvent(event, snapshot);
    if (integration === null) throw new Error('expected a public event');
    return integration as unknown as { data: Record<string, unknown> };
  });
}

describe('events decoder', () => {
  let t: TempLedger;
  beforeEach(async () => {
    t = await tempLedger();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function storeSession(draftsCount = 3): Promise<LedgerEvent[]> {
    await t.ledger.append(
      verificationStream(SESSION),
      sessionDrafts(SESSION, SUBJECT, AT).slice(0, draftsCount),
      'no_stream',
      { actor: testActor, correlationId: 'corr-events' },
    );
    return t.ledger.readStream(verificationStream(SESSION));
  }

  it('a v1 event read after a v2 upcaster is registered: every reader sees v2, the chain still verifies', async () => {
    const stored = await storeSession();
    expect(stored[0]?.metadata.schemaVersion).toBe(1);
    expect(stored[0]?.data.segment).toBe('retail');

    // v2 of VerificationInitiated renamed the segment `retail` to `consumer`; v2 refuses the old name.
    const v2 = z
      .looseObject({ segment: z.enum(['consumer', 'business']) })
      .and(VERIFICATION_SCHEMAS.VerificationInitiated);
    const unregister = registerUpcaster(
      'VerificationInitiated',
      1,
      (data) => ({ ...data, segment: data.segment === 'retail' ? 'consumer' : (data.segment ?? null) }),
      v2,
    );
    try {
      const [initiated] = stored;
      if (initiated === undefined) throw new Error('no event');
      const decoded = decodeEvent(initiated);
      expect(decoded.metadata.schemaVersion).toBe(2);
      expect(decoded.data.segment).toBe('consumer');
      // The stored event is not edited: its bytes, and so its hash, stay as written.
      expect(initiated.data.segment).toBe('retail');
      expect(initiated.metadata.schemaVersion).toBe(1);

      // Projection.
      expect(statusRow(initiated).segment).toBe('consumer');
      // Publisher mapping.
      expect(published(stored)[0]?.data.segment).toBe('consumer');
      // Explanation.
      expect(explain(stored, [])?.policy.segment).toBe('consumer');
      // Chain verification reads the stored bytes and still passes.
      const report = await verifyLedger(t.store);
      expect(report.ok).toBe(true);
      expect(report.eventsChecked).toBe(3);

      // A v2 stored event is read as is; a v3 is newer than this reader and refused.
      const asV2 = { ...initiated, metadata: { ...initiated.metadata, schemaVersion: 2 } };
      expect(() => decodeEvent(asV2)).toThrow(MalformedEventError);
      const consumerV2 = { ...asV2, data: { ...initiated.data, segment: 'consumer' } };
      expect(decodeEvent(consumerV2)).toBe(consumerV2);
      const v3 = { ...initiated, metadata: { ...initiated.metadata, schemaVersion: 3 } };
      expect(() => decodeEvent(v3)).toThrow(/newer than this reader/);
    } finally {
      unregister();
    }
    // Unregistered: v1 is current again.
    const [initiated] = stored;
    if (initiated === undefined) throw new Error('no event');
    expect(decodeEvent(initiated)).toBe(initiated);
    expect(statusRow(initiated).segment).toBe('retail');
  });

  describe('a malformed stored event is refused by every reader', () => {
    async function storeMalformed(): Promise<LedgerEvent[]> {
      const [initiated, ...rest] = sessionDrafts(SESSION, SUBJECT, AT).slice(0, 3);
      if (initiated === undefined) throw new Error('no draft');
      await t.ledger.append(
        verificationStream(SESSION),
        // `requiredChecks` is a list of check kinds; this one is a number.
        [{ ...initiated, data: { ...initiated.data, requiredChecks: 4 } }, ...rest],
        'no_stream',
        { actor: testActor, correlationId: 'corr-events' },
      );
      return t.ledger.readStream(verificationStream(SESSION));
    }

    it('the projection parks it as malformed_event, naming the field but not its value', async () => {
      const stored = await storeMalformed();
      const [initiated] = stored;
      if (initiated === undefined) throw new Error('no event');
      expect(() => statusRow(initiated)).toThrow(ProjectionEventError);
      await projectAll(t.store, t.dataSource, { batchSize: 50 });
      const parked = await t.dataSource
        .getRepository(ParkedEventEntity)
        .find({ where: { projection: 'verification_status' }, order: { position: 'ASC' } });
      expect(parked[0]).toMatchObject({
        eventId: initiated.eventId,
        type: 'VerificationInitiated',
        errorCode: 'malformed_event',
      });
      expect(parked[0]?.errorDetail).toMatch(/^VerificationInitiated\.data\.requiredChecks: expected /);
      expect(await t.dataSource.getRepository(VerificationStatusEntity).count()).toBe(0);
    });

    it('the publisher mapping refuses it', async () => {
      const stored = await storeMalformed();
      expect(() => published(stored)).toThrow(UnpublishableEventError);
      expect(() => published(stored)).toThrow(/requiredChecks/);
    });

    it('the explanation answers ledger_corrupt naming the event id and position, never a guess', async () => {
      const stored = await storeMalformed();
      const [initiated] = stored;
      if (initiated === undefined) throw new Error('no event');
      let error: unknown;
      try {
        explain(stored, []);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(LedgerCorruptError);
      expect(error).toMatchObject({
        code: 'ledger_corrupt',
        httpStatus: 500,
        eventId: initiated.eventId,
        position: initiated.position,
      });
    });

    it('the chain still verifies: the event is malformed, not tampered with', async () => {
      await storeMalformed();
      expect((await verifyLedger(t.store)).ok).toBe(true);
    });
  });
});
