import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Checkpointer } from '../../src/audit/checkpointer';
import type { PersonalDataResponse } from '../../src/privacy/personal-data.controller';
import type { DataClass } from '../../src/shared/data-classes';
import { KeyStore } from '../../src/ledger/crypto/key-store';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import type { ProjectionRunner } from '../../src/projections/core/projection-runner';
import { ProjectionService } from '../../src/projections/projection.service';
import { RETENTION } from '../../src/privacy/retention.projection';
import { RetentionScheduler, type RetentionRun } from '../../src/privacy/retention.scheduler';
import { RetentionService } from '../../src/privacy/retention.service';
import { ManualClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { enrol, type EnrolledPerson } from '../support/privacy-journey';
import { freshDatabase } from '../support/postgres';
import { describeWithService } from '../support/services';
import { POLICIES } from '../support/policy-dir';

/*
 * Shredding is restart-safe and idempotent (docs/privacy.md): a crash between destroying the keys and appending
 * PersonalDataShredded is completed by the next run, a repeated run records nothing, and a new process on the same
 * data dir, KEK and database finds nothing left to do — while a legal hold keeps its subject across all of it.
 */

type Api = ReturnType<typeof client>;

const AML_CLASSES: DataClass[] = [
  'identity_attributes',
  'document_media_refs',
  'biometric_refs',
  'review_notes',
];
const NON_AML_CLASSES: DataClass[] = ['contact_address', 'consent_evidence'];
/**
 * The subjects are enrolled and their relationships end at ENDED (the first app's clock stands there: an end is
 * never dated before the subject's first record, nor far back); the tests run five years and a month later, when
 * their AML data is due. The policy is the shipped one with contact data and consent evidence kept ten years
 * from collection, so that only the AML classes are due here.
 */
const ENDED = '2026-12-01T10:00:00.000Z';
const AML_DUE = '2031-12-01T10:00:00.000Z';
const NOW = new Date('2031-12-31T10:00:00.000Z');
/** What each shredded subject's stream must hold: one shred of its AML classes, however often it is retried. */
const ONE_AML_SHRED = [{ reason: 'retention_expired', dataClasses: [...AML_CLASSES].sort() }];
const JUSTIFICATION = { 'x-justification': 'Retention restart test: verify shredding' };

type Person = EnrolledPerson;

interface ClassView {
  readonly dataClass: string;
  readonly status: string;
  readonly dueAt: string | null;
  readonly shreddable: boolean;
  readonly holds: readonly string[];
}

describeWithService(
  'DATABASE_URL',
  'retention shredding across a crash and a restart (PostgreSQL)',
  (databaseUrl) => {
    const kek = randomBytes(32).toString('base64');
    /** Outlives each app (TestApp.close() removes only its own temp dir): removed in afterAll. */
    let dataDir: string | undefined;
    /** The shipped policy with non-AML classes kept ten years (see ENDED). */
    const policyDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-retention-policy-'));
    mkdirSync(join(policyDir, 'kyc-default'));
    cpSync(join(POLICIES, 'notices'), join(policyDir, 'notices'), { recursive: true });
    writeFileSync(
      join(policyDir, 'kyc-default', '2026-12-01.yaml'),
      readFileSync(join(__dirname, '../../policies/kyc-default/2026-12-01.yaml'), 'utf8').replace(
        /period: P[23]Y\n(\s+)from: collection/g,
        'period: P10Y\n$1from: collection',
      ),
    );
    let db: { url: string; drop(): Promise<void> } | undefined;
    let t: TestApp | undefined;
    let api: Api;
    /** Shredded by a run that finds its keys already destroyed (the crash). */
    let crashed: Person;
    /** Shredded by an ordinary run. */
    let ended: Person;
    /** Relationship ended as long ago, but under a legal hold. */
    let held: Person;
    let holdId: string;
    /** Relationship goes on: nothing of it is ever due here. */
    let ongoing: Person;

    const app = (): TestApp => {
      if (t === undefined) throw new Error('no app running');
      return t;
    };

    /** The same data dir, KEK and database every time; a fresh clock at the same instant unless one is given. */
    const start = async (clock = new ManualClock(NOW)): Promise<void> => {
      if (db === undefined || dataDir === undefined) throw new Error('no database or data dir');
      t = await startTestApp(
        {
          LEDGER_DATA_DIR: dataDir,
          LEDGER_KEK: kek,
          DATABASE_URL: db.url,
          LEDGER_RETENTION_INTERVAL_MS: '86400000',
          POLICY_DIR: policyDir,
        },
        { clock },
      );
      api = client(t);
    };

    const retentionRunner = (): ProjectionRunner => {
      const runner = app().app.get(ProjectionService).runner(RETENTION);
      if (runner === undefined) throw new Error('no retention projection runner');
      return runner;
    };

    const head = (): Promise<number> => app().app.get<EventStore>(EVENT_STORE).headPosition();

    const retention = async (subjectId: string, position: number): Promise<Record<string, ClassView>> => {
      const res = await api.get<{ classes: ClassView[] }>('privacy', `/v1/subjects/${subjectId}/retention`, {
        'x-min-position': String(position),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return Object.fromEntries(res.body.classes.map((c) => [c.dataClass, c]));
    };

    /** A run after the retention read model has caught up with everything written so far. */
    const caughtUpRun = async (): Promise<RetentionRun> => {
      await retention(ongoing.subjectId, await head());
      return runNow();
    };

    /** A run as is, whatever the read model has seen. */
    const runNow = async (): Promise<RetentionRun> => {
      const run = await app().app.get(RetentionScheduler).run();
      expect(run).toMatchObject({ failed: 0, refused: 0 });
      return run;
    };

    const shredsOf = async (subjectId: string): Promise<{ reason: string; dataClasses: string[] }[]> => {
      const events = await app().app.get<EventStore>(EVENT_STORE).readStream(`kyc-subject-${subjectId}`);
      // The stream is the subject's own: it was read, not an unknown stream read as empty.
      expect(events.length).toBeGreaterThan(0);
      return events
        .filter((event) => event.type === 'PersonalDataShredded')
        .map((event) => ({
          reason: event.data.reason as string,
          dataClasses: [...(event.data.dataClasses as string[])].sort(),
        }));
    };

    /** The privacy officer's read: each class's states, and every value disclosed in clear. */
    const personalDataOf = async (
      subjectId: string,
    ): Promise<{ states: Map<string, Set<string>>; disclosed: string }> => {
      const res = await api.get<PersonalDataResponse>(
        'privacy',
        `/v1/subjects/${subjectId}/personal-data`,
        JUSTIFICATION,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const states = new Map<string, Set<string>>();
      for (const item of res.body.items) {
        states.set(item.dataClass, (states.get(item.dataClass) ?? new Set()).add(item.state));
      }
      return { states, disclosed: JSON.stringify(res.body.items.map((item) => item.value)) };
    };

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-retention-restart-'));
      db = await freshDatabase(databaseUrl);
      const clock = new ManualClock(new Date(ENDED));
      await start(clock);
      [crashed, ended, held, ongoing] = [
        await enrol(api, 'crashed'),
        await enrol(api, 'ended'),
        await enrol(api, 'held'),
        await enrol(api, 'ongoing'),
      ];
      for (const person of [crashed, ended, held]) {
        const res = await api.post('privacy', `/v1/subjects/${person.subjectId}/relationship-end`, {
          endedAt: ENDED,
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
      const hold = await api.post('privacy', `/v1/subjects/${held.subjectId}/legal-holds`, {
        reason: 'case-2026-311',
      });
      expect(hold.status, JSON.stringify(hold.body)).toBe(201);
      holdId = hold.body.holdId as string;
      // Five years and more on.
      clock.set(NOW);
    });

    afterAll(async () => {
      await t?.close();
      await db?.drop();
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
      rmSync(policyDir, { recursive: true, force: true });
    });

    it('a shred interrupted after the keys were destroyed is recorded exactly once by the next run', async () => {
      const before = await retention(crashed.subjectId, await head());
      for (const dataClass of AML_CLASSES) {
        expect(before[dataClass]).toMatchObject({ status: 'held', dueAt: AML_DUE, shreddable: true });
      }
      const keys = app().app.get(KeyStore);
      // The crash: keys gone, no event written.
      expect(await keys.destroyKeys(crashed.subjectId, AML_CLASSES)).toBe(AML_CLASSES.length);
      expect(await shredsOf(crashed.subjectId)).toEqual([]);
      // Freeze the retention read model where it is (caught up, no shred seen) until the next test.
      await retentionRunner().stop();

      const run = await runNow();
      expect(run.shredded).toBe(2);

      expect(await shredsOf(crashed.subjectId)).toEqual(ONE_AML_SHRED);
      expect(await shredsOf(ended.subjectId)).toEqual(ONE_AML_SHRED);
      expect(await shredsOf(held.subjectId)).toEqual([]);
      expect(await shredsOf(ongoing.subjectId)).toEqual([]);
      expect(await keys.liveClasses(crashed.subjectId)).toEqual(NON_AML_CLASSES);
      expect(await keys.liveClasses(ended.subjectId)).toEqual(NON_AML_CLASSES);
    });

    it('a run before the read model has seen the shreds records nothing again', async () => {
      // The read model still says both subjects are due: the scheduler is asked to shred them again.
      const due = await app().app.get(RetentionService).due(500);
      expect(due.map((item) => item.subjectId).sort()).toEqual([crashed.subjectId, ended.subjectId].sort());

      expect((await runNow()).shredded).toBe(0);
      expect(await shredsOf(crashed.subjectId)).toEqual(ONE_AML_SHRED);
      expect(await shredsOf(ended.subjectId)).toEqual(ONE_AML_SHRED);

      retentionRunner().start();
      const position = await head();
      for (const person of [crashed, ended]) {
        const view = await retention(person.subjectId, position);
        for (const dataClass of AML_CLASSES) expect(view[dataClass]?.status).toBe('shredded');
        for (const dataClass of NON_AML_CLASSES) expect(view[dataClass]?.status).toBe('held');
      }
    });

    it('a run straight after, with the read model following again, records nothing', async () => {
      expect((await runNow()).shredded).toBe(0);
      expect((await caughtUpRun()).shredded).toBe(0);
      expect(await shredsOf(crashed.subjectId)).toEqual(ONE_AML_SHRED);
      expect(await shredsOf(ended.subjectId)).toEqual(ONE_AML_SHRED);
      expect(await shredsOf(held.subjectId)).toEqual([]);
      expect(await shredsOf(ongoing.subjectId)).toEqual([]);
    });

    it('a new process on the same data dir, KEK and database records nothing new', async () => {
      // The checkpointer signs what waits on its own schedule (a round under way finishes during the close): let it
      // sign now, after any round under way, so that neither the close nor the start has anything to sign.
      const checkpointer = app().app.get(Checkpointer);
      await checkpointer.tick();
      await checkpointer.tick(true);
      const positionBefore = await head();
      await app().close();
      t = undefined;
      await start();
      // The same ledger: nothing lost, nothing added by closing or starting (what was, by type and stream kind).
      const added = (
        await app().app.get<EventStore>(EVENT_STORE).readAll({ after: positionBefore, maxCount: 20 })
      ).map((event) => `${event.type} in ${event.stream.split('-').slice(0, 2).join('-')}`);
      expect(await head(), added.join(', ')).toBe(positionBefore);

      expect((await caughtUpRun()).shredded).toBe(0);
      expect(await head()).toBe(positionBefore);

      for (const person of [crashed, ended, held, ongoing]) {
        const shreds = await shredsOf(person.subjectId);
        const distinct = new Set(shreds.map((shred) => `${shred.reason}:${shred.dataClasses.join(',')}`));
        expect(distinct.size).toBe(shreds.length);
      }
      expect(await shredsOf(crashed.subjectId)).toHaveLength(1);
      expect(await shredsOf(ended.subjectId)).toHaveLength(1);

      for (const person of [crashed, ended]) {
        const { states, disclosed } = await personalDataOf(person.subjectId);
        for (const dataClass of AML_CLASSES) expect(states.get(dataClass)).toEqual(new Set(['shredded']));
        for (const dataClass of NON_AML_CLASSES) expect(states.get(dataClass)).toEqual(new Set(['clear']));
        // The surviving keys still open their data under the same KEK; the shredded data is gone.
        for (const dataClass of NON_AML_CLASSES)
          for (const v of person.pii[dataClass]) expect(disclosed).toContain(v);
        for (const dataClass of AML_CLASSES)
          for (const v of person.pii[dataClass]) expect(disclosed).not.toContain(v);
      }
    });

    it('a subject under legal hold is kept across the restart, and shredded once the hold is released', async () => {
      const view = await retention(held.subjectId, await head());
      for (const dataClass of AML_CLASSES) {
        // The period is over; the hold keeps the data until a release nobody can date.
        expect(view[dataClass]).toMatchObject({
          status: 'held',
          retentionEndsAt: AML_DUE,
          dueAt: null,
          waitingFor: 'legal_hold_release',
          shreddable: false,
          holds: [holdId],
        });
      }
      const { states, disclosed } = await personalDataOf(held.subjectId);
      for (const dataClass of [...AML_CLASSES, ...NON_AML_CLASSES]) {
        expect(states.get(dataClass)).toEqual(new Set(['clear']));
        for (const v of held.pii[dataClass]) expect(disclosed).toContain(v);
      }
      expect(await app().app.get(KeyStore).liveClasses(held.subjectId)).toHaveLength(6);
      expect(await shredsOf(held.subjectId)).toEqual([]);

      const release = await api.post(
        'privacy',
        `/v1/subjects/${held.subjectId}/legal-holds/${holdId}/release`,
      );
      expect(release.status, JSON.stringify(release.body)).toBe(200);
      expect((await caughtUpRun()).shredded).toBe(1);
      expect(await shredsOf(held.subjectId)).toEqual(ONE_AML_SHRED);
      const after = await retention(held.subjectId, await head());
      for (const dataClass of AML_CLASSES) expect(after[dataClass]?.status).toBe('shredded');
      for (const dataClass of NON_AML_CLASSES) expect(after[dataClass]?.status).toBe('held');

      // And again, read model behind or not: nothing twice; the ongoing relationship keeps everything.
      expect((await runNow()).shredded).toBe(0);
      expect(await shredsOf(held.subjectId)).toHaveLength(1);
      expect(await shredsOf(ongoing.subjectId)).toEqual([]);
      expect(await app().app.get(KeyStore).liveClasses(ongoing.subjectId)).toHaveLength(6);
    });
  },
);
