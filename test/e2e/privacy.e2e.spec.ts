import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PersonalDataResponse } from '../../src/privacy/personal-data.controller';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../src/ledger/event-store.port';
import { RetentionScheduler } from '../../src/privacy/retention.scheduler';
import { ManualClock } from '../../src/shared/clock';
import { addDuration } from '../../src/domain/policy/duration';
import { startTestApp, type TestApp } from '../support/app';
import { policyDirWithNotices } from '../support/policy-dir';
import { client } from '../support/http';
import { CLEAR, newSubjectId, vendorResult } from '../support/journey';
import { enrol } from '../support/privacy-journey';
import { freshDatabase } from '../support/postgres';
import { brokersOf, type ConsumedRecord, deleteTopics, readTopics } from '../support/publisher-kafka';
import { describeWithService } from '../support/services';
import { eventually } from '../support/poll';

/*
 * Privacy end to end on PostgreSQL and a real Kafka broker (docs/privacy.md): erasure requests during AML retention,
 * retention driven by an injected clock, legal holds, and a search of everything the service wrote — the event
 * store file, every read-model table, the captured logs, every Kafka record — for the personal data of subjects
 * whose classes were shredded.
 */

type Api = ReturnType<typeof client>;

const AML_CLASSES: string[] = [
  'identity_attributes',
  'document_media_refs',
  'biometric_refs',
  'review_notes',
];
const START = new Date('2026-11-26T10:00:00.000Z');

const after = (position: number): Record<string, string> => ({ 'x-min-position': String(position) });

interface ClassView {
  dataClass: string;
  status: string;
  dueAt: string | null;
  shreddable: boolean;
  holds: string[];
  restriction: { basis: string; requestId: string } | null;
  legalBasis: string;
}

describeWithService(
  'DATABASE_URL',
  'privacy: erasure, retention and shredding (PostgreSQL)',
  (databaseUrl) => {
    describeWithService('KAFKA_BROKERS', 'with a real Kafka broker', (brokers) => {
      const clock = new ManualClock(START);
      const prefix = `privacy${randomBytes(4).toString('hex')}.`;
      let db: { url: string; drop(): Promise<void> };
      let t: TestApp;
      let api: Api;

      const retention = async (subjectId: string, position = 0): Promise<Record<string, ClassView>> => {
        const res = await api.get<{ classes: ClassView[] }>(
          'privacy',
          `/v1/subjects/${subjectId}/retention`,
          after(position),
        );
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return Object.fromEntries(res.body.classes.map((c) => [c.dataClass, c]));
      };

      const personalDataOf = async (subjectId: string): Promise<PersonalDataResponse> => {
        const res = await api.get<PersonalDataResponse>(
          'privacy',
          `/v1/subjects/${subjectId}/personal-data`,
          {
            'x-justification': 'DSAR case 2026-0042 verification',
          },
        );
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body;
      };

      /** Latest position of the ledger, for read-your-writes after the scheduler wrote. */
      const head = (): Promise<number> => t.app.get<EventStore>(EVENT_STORE).headPosition();

      const runScheduler = async (): Promise<number> => {
        const before = await head();
        // The scheduler reads the retention read model: let it catch up with everything written so far first.
        await retentionCaughtUp(before);
        const run = await t.app.get(RetentionScheduler).run();
        expect(run.failed).toBe(0);
        return run.shredded;
      };

      const retentionCaughtUp = async (position: number): Promise<void> => {
        const res = await api.get('privacy', `/v1/subjects/${newSubjectId()}/retention`, after(position));
        // An unknown subject: 404, but only after the read model reached the position (else 503).
        expect(res.status).toBe(404);
      };

      beforeAll(async () => {
        db = await freshDatabase(databaseUrl);
        t = await startTestApp(
          {
            DATABASE_URL: db.url,
            KAFKA_BROKERS: brokers,
            KAFKA_TOPIC_PREFIX: prefix,
            LEDGER_RETENTION_INTERVAL_MS: '86400000',
            // A newer privacy notice (2026-02) beside the shipped one, for a consent given again.
            POLICY_DIR: policyDirWithNotices(['2026-02']),
          },
          { clock },
          { captureLogs: true },
        );
        api = client(t);
      });

      afterAll(async () => {
        await t.close();
        await db.drop();
        await deleteTopics(brokersOf(brokers), [`${prefix}kyc.verification.v1`, `${prefix}kyc.subject.v1`]);
      });

      it('erasure during AML retention: contact data and consent evidence go at once, identity data is restricted and kept', async () => {
        const person = await enrol(api, 'erasure');
        const before = await personalDataOf(person.subjectId);
        const clearClasses = new Set(before.items.filter((i) => i.state === 'clear').map((i) => i.dataClass));
        expect([...clearClasses].sort()).toEqual(
          [...AML_CLASSES, 'contact_address', 'consent_evidence'].sort(),
        );

        const res = await api.post('privacy', `/v1/subjects/${person.subjectId}/erasure-requests`, {
          ground: 'consent_withdrawn',
          reference: 'dsr-2026-0042',
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect([...(res.body.erased as string[])].sort()).toEqual(['consent_evidence', 'contact_address']);
        const restricted = res.body.restricted as {
          dataClass: string;
          basis: string;
          retainUntil: unknown;
        }[];
        expect(restricted.map((r) => r.dataClass).sort()).toEqual([...AML_CLASSES].sort());
        for (const item of restricted) {
          expect(item).toMatchObject({ basis: 'legal_obligation', retainUntil: null });
          expect(item).toHaveProperty('legalBasis', expect.stringContaining('AMLR'));
        }
        expect(res.body.notHeld).toEqual([]);
        expect(res.body.explanation).toContain('Art. 17(3)(b)');

        // The personal-data read now shows identity data as restricted (not disclosed) and contact data shredded.
        const read = await personalDataOf(person.subjectId);
        const states = new Map<string, string>(read.items.map((i) => [i.dataClass, i.state]));
        for (const dataClass of AML_CLASSES) expect(states.get(dataClass)).toBe('restricted');
        expect(states.get('contact_address')).toBe('shredded');
        expect(states.get('consent_evidence')).toBe('shredded');
        const disclosed = JSON.stringify(read);
        for (const values of Object.values(person.pii))
          for (const v of values) expect(disclosed).not.toContain(v);
        // Nothing was disclosed, and the read is recorded all the same, first, naming no class.
        expect(read.accessEventPosition).toEqual(expect.any(Number));
        const accesses = (
          await t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-subject-${person.subjectId}`)
        )
          .filter((e) => e.type === 'PersonalDataAccessed')
          .map((e) => ({ position: e.position, dataClasses: e.data.dataClasses }));
        expect(accesses.at(-1)).toEqual({ position: read.accessEventPosition, dataClasses: [] });
        expect([...((accesses[0]?.dataClasses as string[] | undefined) ?? [])].sort()).toEqual(
          [...clearClasses].sort(),
        );

        const view = await retention(person.subjectId, res.body.position as number);
        for (const dataClass of AML_CLASSES) {
          expect(view[dataClass]).toMatchObject({
            status: 'restricted',
            dueAt: null,
            shreddable: false,
            restriction: { basis: 'legal_obligation', requestId: res.body.requestId },
          });
        }
        expect(view.contact_address).toMatchObject({ status: 'shredded' });
        expect(view.consent_evidence).toMatchObject({ status: 'shredded' });

        // The timeline says which is which and why.
        const timeline = await api.get<{ entries: { type: string; details: Record<string, unknown> }[] }>(
          'auditor',
          `/v1/subjects/${person.subjectId}/timeline`,
          after(res.body.position as number),
        );
        const requested = timeline.body.entries.find((e) => e.type === 'ErasureRequested');
        expect(requested?.details).toMatchObject({
          ground: 'consent_withdrawn',
          erased: ['contact_address', 'consent_evidence'],
          restricted: expect.arrayContaining([
            expect.objectContaining({ dataClass: 'identity_attributes', basis: 'legal_obligation' }),
          ]),
        });
        const shredded = timeline.body.entries.find((e) => e.type === 'PersonalDataShredded');
        expect(shredded?.details).toMatchObject({
          dataClasses: ['contact_address', 'consent_evidence'],
          reason: 'erasure_request',
        });

        // Restricted data is not used for new decisions: no new session, no new evidence for this subject.
        const again = await api.post('operator', '/v1/verifications', {
          subjectId: person.subjectId,
          jurisdiction: 'DE',
          segment: 'retail',
        });
        expect(again.status).toBe(409);
        expect(again.body).toMatchObject({ code: 'processing_restricted', requestId: res.body.requestId });

        // A repeat with the same Idempotency-Key is the first answer; nothing is recorded twice.
        const key = { 'idempotency-key': `erase-${randomBytes(4).toString('hex')}` };
        const first = await api.post(
          'privacy',
          `/v1/subjects/${person.subjectId}/erasure-requests`,
          { ground: 'objection' },
          key,
        );
        const second = await api.post(
          'privacy',
          `/v1/subjects/${person.subjectId}/erasure-requests`,
          { ground: 'objection' },
          key,
        );
        expect(first.status).toBe(201);
        expect(second.body).toEqual(first.body);
      });

      it('an erasure under a legal hold covers the data held then: at the release that data goes, data collected since stays', async () => {
        const person = await enrol(api, 'erasehold');
        const hold = await api.post('privacy', `/v1/subjects/${person.subjectId}/legal-holds`, {
          reason: 'case-2026-200',
        });
        expect(hold.status).toBe(201);
        const erasure = await api.post('privacy', `/v1/subjects/${person.subjectId}/erasure-requests`, {
          ground: 'objection',
        });
        expect(erasure.status, JSON.stringify(erasure.body)).toBe(201);
        expect(erasure.body.erased).toEqual([]);
        const bases = Object.fromEntries(
          (erasure.body.restricted as { dataClass: string; basis: string }[]).map((r) => [
            r.dataClass,
            r.basis,
          ]),
        );
        expect(bases).toMatchObject({
          contact_address: 'legal_hold',
          consent_evidence: 'legal_hold',
          identity_attributes: 'legal_obligation',
        });

        // An operator alone cannot lift the restriction by recording a consent: a privacy officer releases the
        // request first, and the consent that lifts it carries evidence of the person's action.
        const newAgent = `Mozilla/5.0 returning-${randomBytes(4).toString('hex')}`;
        const consentBody = {
          scopes: ['identity_verification'],
          noticeVersion: '2026-02',
          locale: 'de-DE',
          channel: 'web',
          evidence: { userAgent: newAgent },
        };
        const stream = (): Promise<RecordedEvent[]> =>
          t.app.get<EventStore>(EVENT_STORE).readStream(`kyc-subject-${person.subjectId}`);
        const eventsBefore = (await stream()).length;
        const early = await api.post('operator', `/v1/subjects/${person.subjectId}/consents`, consentBody);
        expect(early.status, JSON.stringify(early.body)).toBe(409);
        expect(early.body).toMatchObject({
          code: 'erasure_release_required',
          requestId: erasure.body.requestId,
        });
        expect(JSON.stringify(early.body)).not.toContain(newAgent);
        const releasePath = `/v1/subjects/${person.subjectId}/erasure-requests/${erasure.body.requestId as string}/release`;
        const byOperator = await api.post('operator', releasePath, { reason: 'person_requested_service' });
        expect(byOperator.status).toBe(403);
        expect((await stream()).length).toBe(eventsBefore);
        const lifted = await api.post('privacy', releasePath, {
          reason: 'person_requested_service',
          reference: 'dsr-2026-0099',
        });
        expect(lifted.status, JSON.stringify(lifted.body)).toBe(200);
        const twice = await api.post('privacy', releasePath, {
          reason: 'person_requested_service',
          reference: 'dsr-2026-0099',
        });
        expect(twice.status).toBe(200);
        expect(twice.body.position).toBe(lifted.body.position);
        const { evidence: _evidence, ...withoutEvidence } = consentBody;
        const bare = await api.post('operator', `/v1/subjects/${person.subjectId}/consents`, withoutEvidence);
        expect(bare.status, JSON.stringify(bare.body)).toBe(422);
        expect(bare.body).toMatchObject({ code: 'consent_evidence_required' });

        // The person consents again, with new evidence: new processing, under a new key.
        const again = await api.post('operator', `/v1/subjects/${person.subjectId}/consents`, {
          scopes: ['identity_verification'],
          noticeVersion: '2026-02',
          locale: 'de-DE',
          channel: 'web',
          evidence: { userAgent: newAgent },
        });
        expect(again.status, JSON.stringify(again.body)).toBe(201);
        // The timeline explains it: who released which request, why, and the consent that followed.
        const timeline = await api.get<{ entries: { type: string; details: Record<string, unknown> }[] }>(
          'auditor',
          `/v1/subjects/${person.subjectId}/timeline`,
          after(again.body.position as number),
        );
        const types = timeline.body.entries.map((e) => e.type);
        expect(types.slice(types.indexOf('ErasureRequested'))).toEqual([
          'ErasureRequested',
          'ErasureRestrictionReleased',
          'ConsentGranted',
        ]);
        expect(timeline.body.entries.find((e) => e.type === 'ErasureRestrictionReleased')?.details).toEqual({
          requestId: erasure.body.requestId,
          reason: 'person_requested_service',
          reference: 'dsr-2026-0099',
          releasedBy: expect.any(String),
        });

        expect(await runScheduler()).toBe(0); // the hold keeps everything
        const release = await api.post(
          'privacy',
          `/v1/subjects/${person.subjectId}/legal-holds/${hold.body.holdId as string}/release`,
        );
        expect(release.status).toBe(200);
        expect(await runScheduler()).toBe(1);

        const shred = (await stream()).filter((e) => e.type === 'PersonalDataShredded');
        expect(shred.map((e) => e.data)).toEqual([
          expect.objectContaining({
            dataClasses: ['contact_address', 'consent_evidence'],
            reason: 'erasure_request',
            requestId: erasure.body.requestId,
            coverage: 'erasure_covered',
          }),
        ]);

        const read = await personalDataOf(person.subjectId);
        const evidence = read.items.filter((i) => i.dataClass === 'consent_evidence');
        expect(evidence.map((i) => i.state)).toEqual(['shredded', 'clear']);
        expect(evidence[1]?.value).toEqual({ userAgent: newAgent });
        expect(read.items.find((i) => i.dataClass === 'contact_address')?.state).toBe('shredded');
        expect(read.items.find((i) => i.dataClass === 'identity_attributes')?.state).toBe('restricted');
        const disclosed = JSON.stringify(read);
        for (const value of [...person.pii.consent_evidence, ...person.pii.contact_address]) {
          expect(disclosed).not.toContain(value);
        }

        const view = await retention(person.subjectId, await head());
        expect(view.consent_evidence).toMatchObject({ status: 'held', restriction: null, shreddable: false });
        expect(view.contact_address).toMatchObject({ status: 'shredded', shredReason: 'erasure_request' });
        expect(view.identity_attributes).toMatchObject({
          status: 'restricted',
          restriction: { basis: 'legal_obligation', requestId: erasure.body.requestId },
        });
      });

      it('an erasure right after the end of the relationship says until when AML keeps each class', async () => {
        const person = await enrol(api, 'ended-erase');
        const ended = await api.post('privacy', `/v1/subjects/${person.subjectId}/relationship-end`, {});
        expect(ended.status).toBe(200);
        // No X-Min-Position: the answer must not depend on the read model having seen the end yet.
        const erasure = await api.post('privacy', `/v1/subjects/${person.subjectId}/erasure-requests`, {
          ground: 'no_longer_necessary',
        });
        expect(erasure.status, JSON.stringify(erasure.body)).toBe(201);
        const restricted = erasure.body.restricted as { dataClass: string; retainUntil: string | null }[];
        expect(restricted.map((r) => r.dataClass).sort()).toEqual([...AML_CLASSES].sort());
        const fiveYearsOn = '2031-11-26T10:00:00.000Z';
        for (const item of restricted) expect(item.retainUntil).toBe(fiveYearsOn);
        expect(erasure.body.explanation).toContain(`until ${fiveYearsOn}`);
      });

      it('refuses a relationship end that would make AML records due at once, echoing nothing', async () => {
        const person = await enrol(api, 'backdated');
        const before = await head();
        // Verified today, "ended" on 29 February 2020: the five-year AML classes would be shredded on the next run.
        const backdated = await api.post('privacy', `/v1/subjects/${person.subjectId}/relationship-end`, {
          endedAt: '2020-02-29T00:00:00.000Z',
        });
        expect(backdated.status).toBe(422);
        expect(backdated.body).toMatchObject({ code: 'relationship_end_before_start' });
        expect(JSON.stringify(backdated.body)).not.toContain('2020-02-29');
        const unknown = await api.post('privacy', `/v1/subjects/${newSubjectId()}/relationship-end`, {});
        expect(unknown.status).toBe(404);
        expect(unknown.body).toMatchObject({ code: 'subject_not_found' });
        expect(await head()).toBe(before);
        // A plausible end is taken; a wrong one can be corrected within the grace period, before any shred.
        const ended = await api.post('privacy', `/v1/subjects/${person.subjectId}/relationship-end`, {});
        expect(ended.status).toBe(200);
        const corrected = await api.post('privacy', `/v1/subjects/${person.subjectId}/relationship-end`, {
          endedAt: START.toISOString(),
          correction: true,
        });
        expect(corrected.status, JSON.stringify(corrected.body)).toBe(200);
        const view = await retention(person.subjectId, corrected.body.position as number);
        expect(view.identity_attributes).toMatchObject({
          graceUntil: '2026-12-26T10:00:00.000Z',
          shreddable: false,
        });
      });

      it('consent withdrawal stops new processing of the session', async () => {
        const subjectId = newSubjectId();
        const consent = await api.post('operator', `/v1/subjects/${subjectId}/consents`, {
          scopes: ['identity_verification'],
          noticeVersion: '2026-01',
          locale: 'de-DE',
          channel: 'web',
        });
        const started = await api.post('operator', '/v1/verifications', {
          subjectId,
          jurisdiction: 'DE',
          segment: 'retail',
        });
        const sessionId = started.body.sessionId as string;
        const withdrawn = await api.post(
          'operator',
          `/v1/subjects/${subjectId}/consents/${consent.body.consentId as string}/withdrawal`,
        );
        expect(withdrawn.status).toBe(200);
        const capture = await api.post('operator', `/v1/verifications/${sessionId}/capture`, {
          channel: 'web',
          deviceClass: 'desktop',
        });
        expect(capture.status).toBe(422);
        expect(capture.body).toMatchObject({ code: 'consent_required' });
        // A subject known only by its consents has retention to show: nothing held.
        const view = await retention(subjectId, withdrawn.body.position as number);
        expect(Object.values(view).map((c) => c.status)).toEqual(Array(6).fill('not_held'));
        // What the vendor already did is still recorded (records of processing are kept), but nothing new starts.
        await vendorResult(api, sessionId, CLEAR);
      });

      it('clock-driven retention: ended, 5 years on → shredded; legal hold → kept until release; ongoing → kept', async () => {
        const ended = await enrol(api, 'ended');
        const held = await enrol(api, 'held');
        const ongoing = await enrol(api, 'ongoing');
        const endedAt = clock.now().toISOString();
        for (const person of [ended, held]) {
          const res = await api.post('privacy', `/v1/subjects/${person.subjectId}/relationship-end`, {});
          expect(res.status, JSON.stringify(res.body)).toBe(200);
        }
        const hold = await api.post('privacy', `/v1/subjects/${held.subjectId}/legal-holds`, {
          reason: 'case-2026-117',
        });
        expect(hold.status).toBe(201);
        const fiveYearsOn = addDuration(endedAt, 'P5Y');

        // Just before the five years are over, nothing of the AML classes goes.
        clock.set(new Date(Date.parse(fiveYearsOn) - 1));
        await runScheduler();
        expect((await retention(ended.subjectId, await head())).identity_attributes?.status).toBe('held');

        clock.set(new Date(Date.parse(fiveYearsOn) + 24 * 60 * 60 * 1000));
        expect(await runScheduler()).toBeGreaterThanOrEqual(1);
        const position = await head();
        const endedView = await retention(ended.subjectId, position);
        for (const dataClass of AML_CLASSES) {
          expect(endedView[dataClass]).toMatchObject({ status: 'shredded', dueAt: fiveYearsOn });
        }
        const heldView = await retention(held.subjectId, position);
        for (const dataClass of AML_CLASSES) {
          // Due, but a hold keeps it until a release nobody can date.
          expect(heldView[dataClass]).toMatchObject({
            status: 'held',
            retentionEndsAt: fiveYearsOn,
            dueAt: null,
            waitingFor: 'legal_hold_release',
            shreddable: false,
            holds: [hold.body.holdId],
          });
        }
        const ongoingView = await retention(ongoing.subjectId, position);
        for (const dataClass of AML_CLASSES) {
          expect(ongoingView[dataClass]).toMatchObject({ status: 'held', dueAt: null, shreddable: false });
        }
        expect(
          (await personalDataOf(ended.subjectId)).items
            .filter((i) => AML_CLASSES.includes(i.dataClass))
            .every((i) => i.state === 'shredded'),
        ).toBe(true);
        expect((await personalDataOf(held.subjectId)).items.every((i) => i.state === 'clear')).toBe(true);

        // A second run finds nothing new (idempotent), and a restart would find the same.
        expect(await runScheduler()).toBe(0);

        // The hold is released: the next run shreds the held subject's data.
        const release = await api.post(
          'privacy',
          `/v1/subjects/${held.subjectId}/legal-holds/${hold.body.holdId as string}/release`,
        );
        expect(release.status, JSON.stringify(release.body)).toBe(200);
        expect(await runScheduler()).toBe(1);
        const released = await retention(held.subjectId, await head());
        for (const dataClass of AML_CLASSES) expect(released[dataClass]?.status).toBe('shredded');
        // Contact data (2 years from collection) and consent evidence (3 years) of everyone are past their periods;
        // the ongoing relationship keeps its AML classes.
        for (const person of [ended, held, ongoing]) {
          const view = await retention(person.subjectId, await head());
          expect(view.contact_address?.status).toBe('shredded');
          expect(view.consent_evidence?.status).toBe('shredded');
        }
        expect((await retention(ongoing.subjectId)).identity_attributes?.status).toBe('held');

        // Hash chains and signed checkpoints still verify: hashes cover the ciphertext, which is untouched.
        const verification = await api.get('auditor', '/v1/audit/verification');
        expect(verification.status).toBe(200);
        expect(verification.body).toMatchObject({ ok: true });

        // Nothing the service wrote holds the personal data of the fully shredded subjects.
        const shreddedStrings = [ended, held].flatMap((p) => Object.values(p.pii).flat());
        expect(shreddedStrings.length).toBeGreaterThan(10);
        await expectNowhere(shreddedStrings, [ended.subjectId, held.subjectId]);
      });

      it('projected every event of these journeys: no projection parked one', async () => {
        const health = await api.get<{
          components: Record<string, { details?: { parkedEvents?: number } }>;
        }>('auditor', '/health');
        expect(Object.keys(health.body.components)).toContain('projection:retention');
        const parked = Object.entries(health.body.components)
          .filter(([, component]) => (component.details?.parkedEvents ?? 0) > 0)
          .map(([name]) => name);
        expect(parked).toEqual([]);
      });

      /** Searches the event store file, every read-model table, the logs and every Kafka record. */
      async function expectNowhere(strings: readonly string[], subjectIds: readonly string[]): Promise<void> {
        const eventFiles = readdirSync(t.dataDir).filter((f) => f.startsWith('events.sqlite'));
        expect(eventFiles.length).toBeGreaterThan(0);
        const rawStore = eventFiles.map((f) => readFileSync(join(t.dataDir, f)).toString('latin1')).join('');
        // The store does hold these subjects' events (their ids), so the search is over the right bytes.
        for (const id of subjectIds) expect(rawStore).toContain(id);

        const pg = new Client({ connectionString: db.url });
        await pg.connect();
        let tables = '';
        try {
          const names = await pg.query<{ table_name: string }>(
            `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
          );
          expect(names.rows.map((r) => r.table_name)).toEqual(
            expect.arrayContaining(['retention_classes', 'timeline_entries', 'data_keys']),
          );
          for (const { table_name } of names.rows) {
            const rows = await pg.query(`SELECT * FROM "${table_name}"`);
            tables += JSON.stringify(rows.rows);
          }
        } finally {
          await pg.end();
        }
        for (const id of subjectIds) expect(tables).toContain(id);

        const logs = t.logLines().join('\n');
        expect(t.logLines().length).toBeGreaterThan(0);

        const topics = [`${prefix}kyc.verification.v1`, `${prefix}kyc.subject.v1`];
        // Wait until the publisher has announced every shred of these subjects (everything of a subject due in
        // the same run goes in one shred: at least one each).
        const records: ConsumedRecord[] = await eventually(
          () => readTopics(brokersOf(brokers), topics),
          (read) =>
            read.filter(
              (r) =>
                r.headers.ce_type === 'kyc.subject.personal_data_shredded.v1' &&
                subjectIds.includes(r.key ?? ''),
            ).length >= subjectIds.length,
          'a shred announced on Kafka for every subject',
          { timeoutMs: 30_000, intervalMs: 250 },
        );
        const announced = records.filter(
          (r) =>
            r.headers.ce_type === 'kyc.subject.personal_data_shredded.v1' && subjectIds.includes(r.key ?? ''),
        );
        expect(announced.length).toBeGreaterThanOrEqual(subjectIds.length);
        for (const record of announced) {
          expect(JSON.parse(record.value ?? '{}')).toMatchObject({ reason: 'retention_expired' });
        }
        const kafka = JSON.stringify(records);

        for (const value of strings) {
          expect(rawStore.includes(value), `event store holds ${value.slice(0, 12)}…`).toBe(false);
          expect(tables.includes(value), `read models hold ${value.slice(0, 12)}…`).toBe(false);
          expect(logs.includes(value), `logs hold ${value.slice(0, 12)}…`).toBe(false);
          expect(kafka.includes(value), `Kafka holds ${value.slice(0, 12)}…`).toBe(false);
        }
      }
    });
  },
);
