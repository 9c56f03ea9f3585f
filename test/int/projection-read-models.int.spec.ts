import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evolveSubject,
  initialSubjectState,
  isSubjectEventType,
  type SubjectEvent,
  type SubjectState,
} from '../../src/domain/subject';
import {
  evolveVerification,
  initialVerificationState,
  isVerificationEventType,
  type VerificationEvent,
  type VerificationState,
} from '../../src/domain/verification';
import { parseStreamName } from '../../src/ledger/stream-names';
import { ReviewQueueItemEntity } from '../../src/review/review-queue-item.entity';
import { ConsentHistoryEntity, SubjectConsentEntity } from '../../src/subjects/subject-consent.entity';
import { TimelineEntryEntity } from '../../src/audit/timeline/timeline-entry.entity';
import { actionOf, timelineDetails } from '../../src/audit/timeline/timeline.projection';
import { VerificationStatusEntity } from '../../src/verification/verification-status.entity';
import { FIXTURE_PII, type History, writeHistory } from '../support/projection-fixtures';
import { dumpAll, projectAll } from '../support/projection-harness';
import { type TempLedger, tempLedger } from '../support/temp-ledger';

describe('projection read models', () => {
  let t: TempLedger;
  let history: History;

  beforeAll(async () => {
    t = await tempLedger();
    history = await writeHistory(t.ledger, { subjects: 150, seed: 7, pii: true });
    await projectAll(t.store, t.dataSource, { batchSize: 64 });
  }, 120_000);
  afterAll(async () => {
    await t.cleanup();
  });

  async function sessionState(sessionId: string): Promise<{ state: VerificationState; position: number }> {
    const events = await t.ledger.readStream(`kyc-verification-${sessionId}`);
    const state = events.reduce(
      (s, e) =>
        isVerificationEventType(e.type)
          ? evolveVerification(s, { type: e.type, data: e.data } as VerificationEvent)
          : s,
      initialVerificationState,
    );
    return { state, position: events.at(-1)?.position ?? 0 };
  }

  async function subjectState(subjectId: string): Promise<SubjectState> {
    const events = await t.ledger.readStream(`kyc-subject-${subjectId}`);
    return events.reduce(
      (s, e) =>
        isSubjectEventType(e.type) ? evolveSubject(s, { type: e.type, data: e.data } as SubjectEvent) : s,
      initialSubjectState,
    );
  }

  it('holds, for every session, the status the domain folds from its stream', async () => {
    const rows = await t.dataSource.getRepository(VerificationStatusEntity).find();
    expect(rows).toHaveLength(history.sessions.length);
    const statuses = new Set<string>();
    for (const row of rows) {
      const { state, position } = await sessionState(row.sessionId);
      if (state.status === 'none') throw new Error('session without events');
      statuses.add(state.status);
      expect(row).toMatchObject({
        subjectId: state.subjectId,
        status: state.status,
        tier: state.tier,
        jurisdiction: state.jurisdiction,
        segment: state.segment,
        reasonCodes: [...state.reasonCodes],
        policyHash: state.policyHash,
        attempts: state.attempt,
        updatedAt: state.updatedAt,
        createdAt: state.createdAt,
        expiresAt: state.expiresAt,
        requiredChecks: [...state.requiredChecks],
        decidedBy: state.decidedBy ?? null,
        position,
      });
      expect(row.eventCount).toBe(row.revision + 1);
    }
    // The fixture reaches the statuses a finished or waiting session stands in.
    expect([...statuses]).toEqual(
      expect.arrayContaining(['approved', 'expired', 'pending_review', 'rejected']),
    );
  });

  it('files one timeline entry per ledger event, under its session and its subject', async () => {
    const all = await t.store.readAll();
    const entries = await t.dataSource
      .getRepository(TimelineEntryEntity)
      .find({ order: { position: 'ASC' } });
    expect(entries.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    expect(entries).toHaveLength(history.events);
    for (const entry of entries) {
      const stream = parseStreamName(entry.stream);
      if (stream?.kind === 'verification') {
        expect(entry.sessionId).toBe(stream.id);
        expect(entry.subjectId).toBe(stream.id.replace(/^ses_/, ''));
      } else {
        expect(entry.sessionId).toBeNull();
        expect(entry.subjectId).toBe(stream?.id);
      }
      expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    const approval = entries.find((e) => e.type === 'VerificationApproved');
    expect(approval).toMatchObject({ action: 'verification.approved', actor: { kind: expect.any(String) } });
    expect(approval?.policyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps personal data and free text out of every read-model table', async () => {
    const dump = JSON.stringify(await dumpAll(t.dataSource));
    for (const value of Object.values(FIXTURE_PII)) expect(dump).not.toContain(value);
    expect(dump).not.toContain('A256GCM');
    expect(dump).not.toContain('False positive');
    // The ledger does hold them (encrypted): the fixture really wrote personal data.
    const raw = JSON.stringify(await t.store.readAll());
    expect(raw).toContain('A256GCM');
  });

  it('queues exactly the sessions pending review, with their assignee', async () => {
    const items = await t.dataSource.getRepository(ReviewQueueItemEntity).find();
    const pending: string[] = [];
    for (const sessionId of history.sessions) {
      const { state } = await sessionState(sessionId);
      if (state.status !== 'pending_review') continue;
      pending.push(sessionId);
      const item = items.find((i) => i.sessionId === sessionId);
      expect(item).toMatchObject({
        priority: state.review?.priority,
        queue: state.review?.queue,
        slaDueAt: state.review?.slaDueAt,
        requestedAt: state.review?.requestedAt,
        assignee: state.assignee ?? null,
      });
    }
    expect(items.map((i) => i.sessionId).sort()).toEqual(pending.sort());
    expect(items.some((i) => i.assignee !== null)).toBe(true);
    expect(items.some((i) => i.assignee === null)).toBe(true);
  });

  it('holds every consent with its withdrawal, and the history of each subject', async () => {
    const consents = await t.dataSource.getRepository(SubjectConsentEntity).find();
    const historyRows = await t.dataSource
      .getRepository(ConsentHistoryEntity)
      .find({ order: { position: 'ASC' } });
    let withdrawn = 0;
    for (const subjectId of history.subjects) {
      const state = await subjectState(subjectId);
      const mine = consents.filter((c) => c.subjectId === subjectId);
      expect(mine).toHaveLength(state.consents.size);
      for (const record of state.consents.values()) {
        const row = mine.find((c) => c.consentId === record.consentId);
        expect(row).toMatchObject({
          scopes: [...record.scopes],
          noticeVersion: record.noticeVersion,
          grantedAt: record.grantedAt,
          withdrawnAt: record.withdrawnAt ?? null,
        });
        if (record.withdrawnAt !== undefined) withdrawn += 1;
      }
      const actions = historyRows.filter((h) => h.subjectId === subjectId).map((h) => h.action);
      expect(actions).toEqual([
        ...[...state.consents.values()].map(() => 'granted'),
        ...[...state.consents.values()].filter((c) => c.withdrawnAt !== undefined).map(() => 'withdrawn'),
      ]);
    }
    expect(withdrawn).toBeGreaterThan(0);
  });
});

describe('timeline details', () => {
  it('show what the vendor said next to each check of a vendor result', () => {
    expect(
      timelineDetails('VendorResultReceived', {
        vendor: 'sumsub',
        vendorEventId: 'applicantReviewed:a1:2026-11-26 10:05:00.123',
        vendorCreatedAt: '2026-11-26T10:05:00.123Z',
        attempt: 1,
        counted: true,
        receivedAt: '2026-11-26T10:05:01.000Z',
        checks: [
          {
            kind: 'age',
            result: 'consider',
            reasonCodes: ['CHECK_INCONCLUSIVE'],
            vendorLabels: ['RED', 'FINAL', 'AGE_REQUIREMENT_MISMATCH'],
          },
        ],
      }),
    ).toMatchObject({
      checks: [
        {
          kind: 'age',
          reasonCodes: ['CHECK_INCONCLUSIVE'],
          vendorLabels: ['RED', 'FINAL', 'AGE_REQUIREMENT_MISMATCH'],
        },
      ],
    });
  });

  it('keep references and outcomes but never free text', () => {
    expect(
      timelineDetails('OverrideRequested', {
        overrideId: 'ovr_1',
        requestedBy: 'r1',
        outcome: 'approve',
        reasonCodes: [],
        justification: 'mentions a person by name',
        requestedAt: '2026-11-26T10:00:00.000Z',
      }),
    ).toEqual({ overrideId: 'ovr_1', requestedBy: 'r1', outcome: 'approve' });
    expect(timelineDetails('LegalHoldPlaced', { holdId: 'h1', reason: 'case of a named person' })).toEqual({
      holdId: 'h1',
    });
    expect(timelineDetails('SomethingNew', { anything: 'at all' })).toEqual({});
  });

  it('show auditors why personal data was read and which case an erasure belongs to', () => {
    expect(
      timelineDetails('PersonalDataAccessed', {
        accessId: 'acc_1',
        accessedBy: 'privacy-1',
        roles: ['privacy_officer'],
        dataClasses: ['identity_attributes'],
        justification: 'DSAR case 2026-0042',
      }),
    ).toMatchObject({ accessedBy: 'privacy-1', justification: 'DSAR case 2026-0042' });
    expect(
      timelineDetails('ErasureRequested', { requestId: 'era_1', ground: 'withdrawn', reference: 'dsr-0042' }),
    ).toMatchObject({ requestId: 'era_1', reference: 'dsr-0042' });
  });

  it('name actions after the event type', () => {
    expect(actionOf('VerificationApproved')).toBe('verification.approved');
    expect(actionOf('VendorResultReceived')).toBe('vendor_result.received');
    expect(actionOf('ConsentGranted')).toBe('consent.granted');
  });
});
