import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDataSource } from '../../src/app/persistence/data-source';
import { PROJECTIONS } from '../../src/app/read-models';
import { loadConfig } from '../../src/platform/config/config';
import { Kek } from '../../src/ledger/crypto/kek';
import { IdentityIndex } from '../../src/ledger/crypto/identity-index';
import { IdentityIndexEntity } from '../../src/ledger/crypto/identity-index.entity';
import { KeyStore } from '../../src/ledger/crypto/key-store';
import { PiiCipher } from '../../src/ledger/crypto/pii-cipher';
import { createEventStore } from '../../src/ledger/event-store.factory';
import type { EventStore, RecordedEvent } from '../../src/ledger/event-store.port';
import { parseStreamName } from '../../src/ledger/stream-names';
import { identityChangeOf, identityIndexCheckpoint } from '../../src/privacy/identity-index.follower';
import { ProjectionCheckpointEntity } from '../../src/projections/core/checkpoint.entity';
import { ParkedEventEntity } from '../../src/projections/core/parked-event.entity';
import { ProjectionStore } from '../../src/projections/core/projection-store';
import { INTERNAL_EVENT_TYPES } from '../../src/publisher/event-mapping';
import { TOPICS } from '../../src/publisher/integration-events';
import { PUBLISHED_STREAMS } from '../../src/publisher/publisher-lag';
import { PRINCIPALS, type PrincipalName } from '../support/app';
import { type EsdbStandIn, startEsdbStandIn } from '../support/esdb-standin/esdb-standin';
import { JourneyLoad } from '../support/journey-load';
import { eventually, until } from '../support/poll';
import { freshDatabase, postgresSchema } from '../support/postgres';
import { checkpoints, dumpAll, projectAll } from '../support/projection-harness';
import { deliveryReport } from '../support/publisher-delivery';
import { brokersOf, type ConsumedRecord, deleteTopics, readTopics } from '../support/publisher-kafka';
import { type ServiceProcess, ServiceProcesses } from '../support/service-process';
import { describeWithService } from '../support/services';

/** Bounded load: journeys of five commands, spread by a few clients over both API processes. */
const JOURNEYS = 60;
const CLIENTS = 4;
/** The worker process is killed once this many journeys have ended: mid-load. */
const KILL_AFTER = 16;
/** The last journeys start only once the new worker holds the leases, which then applies them live. */
const AFTER_TAKEOVER = 8;
const PROJECTION_COMPONENTS = PROJECTIONS.map((projection) => `projection:${projection.name}`);

interface Component {
  readonly status: string;
  readonly details?: Record<string, unknown>;
}

/** `/health` as an admin sees it. */
interface Health {
  readonly status: string;
  readonly components: Readonly<Record<string, Component | undefined>>;
}

/** When the fail-over happened, in `performance.now()` time, and what the workers' health said around it. */
interface FailOver {
  readonly killedAt: number;
  /** The killed worker's health just before the kill, and the lease sessions in the database then. */
  readonly before: Health;
  readonly leasesBefore: LeaseSession[];
  readonly exit: NodeJS.Signals | number | null;
  /** Each projection's checkpoint once the killed worker was gone: the last it committed. */
  readonly checkpointsAtKill: Record<string, number>;
  /** When the new worker was spawned. */
  readonly restartedAt: number;
  /** When the new worker's health first showed every lease held. */
  readonly takenOverAt: number;
}

/** One database session holding leases (PostgreSQL advisory locks): a process's lease session. */
interface LeaseSession {
  readonly pid: number;
  readonly locks: number;
}

/** The sessions holding advisory locks in the ledger's database, and how many each holds. */
async function leaseSessions(db: DataSource): Promise<LeaseSession[]> {
  const rows = await db.query<{ pid: number; locks: string }[]>(
    `SELECT pid, count(*) AS locks FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      GROUP BY pid`,
  );
  return rows.map((row) => ({ pid: row.pid, locks: Number(row.locks) }));
}

const stateOf = (health: Health, component: string): unknown => health.components[component]?.details?.state;

/** Whether a process's health shows it applying every projection and publishing. */
const holdsEveryLease = (health: Health): boolean =>
  [...PROJECTION_COMPONENTS, 'publisher'].every((component) => stateOf(health, component) === 'active');

/** What a process ran, by its health: the supervisor's workers and the projection and publisher components. */
function ranWorkers(health: Health): { roles: unknown; workers: unknown; leaseComponents: string[] } {
  const described = health.components.process?.details ?? {};
  return {
    roles: described.roles,
    workers: described.workers,
    leaseComponents: Object.keys(health.components).filter(
      (name) => name.startsWith('projection:') || name === 'publisher',
    ),
  };
}

/**
 * Scale-out on the production profile (DESIGN §7a, docs/operations.md "Roles and topology"): two API-only
 * processes and one worker process (all roles) of one ledger on the EventStoreDB stand-in, PostgreSQL and a real
 * Kafka broker. Under a bounded load spread over both API processes the worker is SIGKILLed mid-load and a new
 * one (same configuration) started. No acknowledged command is lost, the read models equal a clean rebuild,
 * Kafka holds every public event (exactly once after dedupe by `ce_id`), the leases moved to the new worker, and
 * the API processes answered throughout.
 */
describeWithService(
  'DATABASE_URL',
  'scale-out: API processes beside a worker killed mid-load',
  (databaseUrl) => {
    describeWithService('KAFKA_BROKERS', 'production profile with a real Kafka broker', (brokerList) => {
      const processes = new ServiceProcesses();
      const prefix = `scaleout${randomBytes(4).toString('hex')}.`;
      const topics = [`${prefix}${TOPICS.verification}`, `${prefix}${TOPICS.subject}`];
      const keys = Object.fromEntries(
        Object.keys(PRINCIPALS).map((name) => [name, `scale_${name}_${randomBytes(16).toString('hex')}`]),
      ) as Record<PrincipalName, string>;
      let dataDir: string | undefined;
      let standIn: EsdbStandIn | undefined;
      let database: { url: string; drop(): Promise<void> } | undefined;
      let live: DataSource | undefined;
      /** The ledger's KEK (base64), shared by the three processes. */
      let kek = '';
      let store: EventStore | undefined;
      let apis: ServiceProcess[] = [];
      let load: JourneyLoad;
      let failOver: FailOver;
      /** Health of the API processes once all were up, and again at the end. */
      let apiHealth: { first: Health[]; last: Health[] };
      /** The new worker's health once it had caught up with the whole log, and the lease sessions then. */
      let finalWorkerHealth: Health;
      let leasesAfter: LeaseSession[];
      /** The whole log after the load, and the part of it the publisher must put on the topics. */
      let events: RecordedEvent[];
      let publicEvents: RecordedEvent[];

      const health = async (target: ServiceProcess): Promise<Health> => {
        const res = await fetch(`${target.baseUrl}/health`, {
          headers: { authorization: `Bearer ${keys.admin}` },
        });
        return (await res.json()) as Health;
      };

      /** Figures of the run (counts and milliseconds, no data), written to stderr with SCALE_OUT_REPORT set. */
      const figures: Record<string, number> = {};

      beforeAll(async () => {
        const startedAt = performance.now();
        dataDir = mkdtempSync(join(tmpdir(), 'kyc-ledger-scale-out-'));
        standIn = await startEsdbStandIn();
        database = await freshDatabase(databaseUrl);
        kek = randomBytes(32).toString('base64');
        const env: Record<string, string> = {
          EVENTSTORE_CONNECTION_STRING: standIn.connectionString,
          DATABASE_URL: database.url,
          KAFKA_BROKERS: brokerList,
          KAFKA_TOPIC_PREFIX: prefix,
          KAFKA_TOPIC_PARTITIONS: '3',
          LEDGER_KEK: kek,
          LEDGER_SIGNING_KEY: generateKeyPairSync('ed25519')
            .privateKey.export({ type: 'pkcs8', format: 'pem' })
            .toString(),
          LEDGER_API_KEYS: JSON.stringify(
            Object.entries(PRINCIPALS).map(([principal, roles]) => ({
              key: keys[principal as PrincipalName],
              principal,
              roles,
            })),
          ),
          LEDGER_DATA_DIR: dataDir,
          // Reads at a position wait for the new worker's catch-up rather than answer 503 while none runs.
          LEDGER_READ_WAIT_MS: '30000',
          // No signed audit checkpoint falls due during the test: the log holds only what the load appended.
          LEDGER_CHECKPOINT_INTERVAL_MS: '3600000',
        };
        // The test's own view of the ledger, configured as the processes are: the event store, and (below) the
        // read-model database.
        store = await createEventStore(loadConfig(env));
        // All three start at once on the empty database, as a scaled-out deployment does: they migrate it and
        // record the KEK's check value one after the other, and none of them exits.
        const [apiProcesses, first] = await Promise.all([
          Promise.all(
            ['api-a', 'api-b'].map((name) => processes.spawn(name, { ...env, LEDGER_ROLES: 'api' })),
          ),
          processes.spawn('worker-1', env),
        ]);
        apis = apiProcesses;
        await Promise.all([...apis, first].map((target) => target.ready()));
        live = await openDataSource({ kind: 'postgres', url: database.url });
        await new KeyStore(live, Kek.fromBase64(kek)).assertKek();
        const processesStartedAt = performance.now();
        await eventually(() => health(first), holdsEveryLease, 'worker-1 to hold every lease', {
          timeoutMs: 20_000,
          intervalMs: 100,
        });
        apiHealth = { first: await Promise.all(apis.map(health)), last: [] };

        let openGate: () => void = () => undefined;
        const takenOver = new Promise<void>((resolve) => {
          openGate = resolve;
        });
        load = new JourneyLoad({
          journeys: JOURNEYS,
          clients: CLIENTS,
          targets: apis.map(({ name, baseUrl }) => ({ name, baseUrl })),
          keys: { operator: keys.operator, auditor: keys.auditor },
          requestTimeoutMs: 40_000,
          gate: { fromJourney: JOURNEYS - AFTER_TAKEOVER, opened: takenOver },
        });
        const loading = load.run();
        const db = live;

        // Mid-load: the worker dies without a chance to release anything, and a new one starts in its place.
        let second: ServiceProcess;
        try {
          await load.whenCompleted(KILL_AFTER);
          const before = await health(first);
          const leasesBefore = await leaseSessions(db);
          const killedAt = performance.now();
          const exit = await first.kill('SIGKILL');
          // Its leases are free once the database has ended its session; a projection commits on that session,
          // so from then on its checkpoints cannot move.
          await until(
            async () => (await leaseSessions(db)).length === 0,
            "the killed worker's leases to be freed",
            {
              timeoutMs: 10_000,
            },
          );
          const checkpointsAtKill = await checkpoints(db);
          const restartedAt = performance.now();
          second = await processes.spawn('worker-2', env);
          await second.ready();
          const replacement = second;
          await eventually(() => health(replacement), holdsEveryLease, 'worker-2 to hold every lease', {
            timeoutMs: 20_000,
            intervalMs: 50,
          });
          const takenOverAt = performance.now();
          failOver = { killedAt, before, leasesBefore, exit, checkpointsAtKill, restartedAt, takenOverAt };
        } finally {
          openGate();
        }
        await loading;
        figures.loadEndedMs = Math.round(performance.now() - startedAt);

        // The new worker has applied and published the whole log.
        events = await store.readAll();
        publicEvents = (await store.readAll({ filter: PUBLISHED_STREAMS })).filter(
          (event) => !INTERNAL_EVENT_TYPES.includes(event.type),
        );
        const head = events.at(-1)?.position ?? 0;
        const lastPublic = publicEvents.at(-1)?.position ?? 0;
        finalWorkerHealth = await eventually(
          () => health(second),
          (h) =>
            PROJECTION_COMPONENTS.every((c) => h.components[c]?.details?.position === head) &&
            Number(h.components.publisher?.details?.checkpoint) >= lastPublic,
          `worker-2 at the head (${head}) in every projection and the publisher`,
          { timeoutMs: 20_000, intervalMs: 50 },
        );
        apiHealth.last = await Promise.all(apis.map(health));
        leasesAfter = await leaseSessions(live);
        figures.leaseLocks = leasesAfter[0]?.locks ?? 0;
        Object.assign(figures, {
          killedMs: Math.round(failOver.killedAt - startedAt),
          takenOverMs: Math.round(failOver.takenOverAt - startedAt),
          caughtUpMs: Math.round(performance.now() - startedAt),
          events: events.length,
          commandsWhileLeasesMoved: load.calls.filter(
            (call) =>
              call.kind !== 'status' &&
              call.startedAt > failOver.killedAt &&
              call.startedAt < failOver.takenOverAt,
          ).length,
          commandsAfterTakeover: load.calls.filter(
            (call) => call.kind !== 'status' && call.startedAt > failOver.takenOverAt,
          ).length,
          processesStartedMs: Math.round(processesStartedAt - startedAt),
        });
      }, 100_000);

      afterAll(async () => {
        if (process.env.SCALE_OUT_REPORT) process.stderr.write(`scale-out: ${JSON.stringify(figures)}\n`);
        await processes.killAll();
        await store?.close();
        await live?.destroy();
        await standIn?.stop();
        await database?.drop();
        await deleteTopics(brokersOf(brokerList), topics);
        if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
      });

      it('loses no acknowledged command: each is in the ledger where its answer said, and in the timeline', async () => {
        const commands = load.journeys.flatMap((journey) => journey.commands);
        expect(commands).toHaveLength(JOURNEYS * 5);
        const atPosition = new Map(events.map((event) => [event.position, event]));
        const lost = commands.flatMap((command) => {
          const event = atPosition.get(command.position);
          const found = event && {
            stream: event.stream,
            revision: event.revision,
            correlationId: event.metadata.correlationId,
          };
          const wanted = {
            stream: command.stream,
            revision: command.revision,
            correlationId: command.correlationId,
          };
          return JSON.stringify(found) === JSON.stringify(wanted)
            ? []
            : [
                `${command.kind} of journey ${command.journey} at ${command.position}: ${JSON.stringify(found)}`,
              ];
        });
        expect(lost).toEqual([]);

        // Through the API processes too: each session's timeline, read at its last position, holds its commands.
        const missing: string[] = [];
        for (const journey of load.journeys) {
          const target = apis[journey.index % apis.length];
          const last = journey.commands.at(-1);
          if (target === undefined || last === undefined || journey.sessionId === undefined) continue;
          const res = await fetch(`${target.baseUrl}/v1/verifications/${journey.sessionId}/timeline`, {
            headers: { authorization: `Bearer ${keys.auditor}`, 'x-min-position': String(last.position) },
          });
          expect(res.status).toBe(200);
          const body = (await res.json()) as {
            entries: { position: number; eventId: string; correlationId: string }[];
          };
          const entries = new Map(body.entries.map((entry) => [entry.position, entry]));
          for (const command of journey.commands) {
            const entry = entries.get(command.position);
            if (
              entry?.correlationId !== command.correlationId ||
              entry.eventId !== atPosition.get(command.position)?.eventId
            ) {
              missing.push(`${command.kind} of journey ${journey.index} at ${command.position}`);
            }
          }
        }
        expect(missing).toEqual([]);
      });

      it('leaves read models in PostgreSQL equal to a clean rebuild of the same log', async () => {
        if (live === undefined || store === undefined) throw new Error('not started');
        const head = events.at(-1)?.position ?? 0;
        expect(await checkpoints(live)).toEqual(Object.fromEntries(PROJECTIONS.map((p) => [p.name, head])));
        expect(await live.getRepository(ParkedEventEntity).count()).toBe(0);
        const actual = await dumpAll(live);
        const clean = await postgresSchema(databaseUrl);
        try {
          await projectAll(store, clean.dataSource, { batchSize: 500 });
          const expected = await dumpAll(clean.dataSource);
          // The log did not move while the two were taken.
          expect(await store.headPosition()).toBe(head);
          expect(expected.verification_status).toHaveLength(JOURNEYS);
          for (const table of Object.keys(expected)) {
            expect(actual[table]?.length, table).toBe(expected[table]?.length);
            expect(actual[table], table).toEqual(expected[table]);
          }
          expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
        } finally {
          await clean.drop();
        }
      });

      it('puts every public event on the topics at least once, and exactly once after dedupe by ce_id', async () => {
        const expected = publicEvents;
        expect(expected.length).toBeGreaterThanOrEqual(JOURNEYS * 5);
        const records: ConsumedRecord[] = await readTopics(brokersOf(brokerList), topics);
        const report = deliveryReport(
          expected.map((event) => ({
            eventId: event.eventId,
            stream: event.stream,
            key: parseStreamName(event.stream)?.id ?? '',
            position: event.position,
          })),
          records,
        );
        expect(report.missing).toEqual([]);
        expect(report.unexpected).toEqual([]);
        const deduped = new Map<string, ConsumedRecord>();
        const differingCopies: string[] = [];
        for (const record of records) {
          const id = record.headers.ce_id ?? '';
          const first = deduped.get(id);
          if (first === undefined) deduped.set(id, record);
          else if (first.key !== record.key || first.value !== record.value || first.topic !== record.topic) {
            differingCopies.push(id);
          }
        }
        expect([...deduped.keys()].sort()).toEqual(expected.map((event) => event.eventId).sort());
        // A redelivery is the same record again, so dropping it by ce_id loses nothing.
        expect(differingCopies).toEqual([]);
        expect(report.outOfOrder).toEqual([]);
        figures.records = records.length;
        figures.redelivered = records.length - deduped.size;
      });

      it('keeps the identity index equal to the log: the tokens of every evidence, written by the commands and the followers', async () => {
        if (live === undefined) throw new Error('not started');
        const db = live;
        const keys = new KeyStore(db, Kek.fromBase64(kek));
        const index = new IdentityIndex(db, keys, db.getMetadata(ProjectionCheckpointEntity).tableName);
        const cipher = new PiiCipher(keys);
        // What the log says, folded in order.
        const expected = new Map<string, string>();
        let last = 0;
        for (const event of events) {
          const change = await identityChangeOf(event, cipher, index);
          const kind = parseStreamName(event.stream)?.kind;
          if (kind === 'subject' || kind === 'verification') last = event.position;
          if (change?.kind === 'record') {
            for (const t of change.tokens) {
              expected.set(
                `${change.sessionId} ${t.token}`,
                `${change.subjectId} ${t.kind} ${change.createdAt}`,
              );
            }
          } else if (change?.kind === 'forget') {
            for (const [k, v] of expected) if (v.startsWith(`${change.subjectId} `)) expected.delete(k);
          }
        }
        expect(expected.size).toBe(JOURNEYS * 2);
        const checkpoint = new ProjectionStore(db);
        await eventually(
          () => identityIndexCheckpoint(checkpoint),
          (position) => position >= last,
          'the identity index follower to reach the log',
          { timeoutMs: 20_000, intervalMs: 100 },
        );
        const rows = await db.getRepository(IdentityIndexEntity).find();
        const actual = new Map(
          rows.map((r) => [`${r.sessionId} ${r.token}`, `${r.subjectId} ${r.kind} ${r.createdAt}`]),
        );
        expect(actual).toEqual(expected);
      });

      it('moves the leases from the killed worker to the new one; the API processes never run any', () => {
        expect(failOver.exit).toBe('SIGKILL');
        // Before the kill, the first worker applied every projection and published, and had work to show.
        expect(holdsEveryLease(failOver.before)).toBe(true);
        expect(failOver.before.components.publisher?.details?.publishedSinceStart).toBeGreaterThan(0);
        for (const component of PROJECTION_COMPONENTS) {
          expect(failOver.before.components[component]?.details?.position, component).toBeGreaterThan(0);
        }
        // It died mid-load: the log went on past what it had applied.
        const head = events.at(-1)?.position ?? 0;
        expect(Object.keys(failOver.checkpointsAtKill).sort()).toEqual(PROJECTIONS.map((p) => p.name).sort());
        expect(head).toBeGreaterThan(Math.max(...Object.values(failOver.checkpointsAtKill)));
        // After it, the new worker holds them and did the rest of the work.
        expect(holdsEveryLease(finalWorkerHealth)).toBe(true);
        expect(finalWorkerHealth.components.publisher?.details?.publishedSinceStart).toBeGreaterThan(0);
        expect(ranWorkers(finalWorkerHealth).leaseComponents.sort()).toEqual(
          [...PROJECTION_COMPONENTS, 'publisher'].sort(),
        );
        // In the database: one session held the leases before the kill; it ended with the process (the API
        // processes, still running, held none), and one new session holds as many now.
        expect(failOver.leasesBefore).toHaveLength(1);
        expect(failOver.leasesBefore[0]?.locks).toBeGreaterThanOrEqual(PROJECTIONS.length + 1);
        expect(leasesAfter).toHaveLength(1);
        expect(leasesAfter[0]?.pid).not.toBe(failOver.leasesBefore[0]?.pid);
        expect(leasesAfter[0]?.locks).toBe(failOver.leasesBefore[0]?.locks);
        expect([apiHealth.first.length, apiHealth.last.length]).toEqual([2, 2]);
        for (const snapshot of [...apiHealth.first, ...apiHealth.last]) {
          expect(ranWorkers(snapshot)).toEqual({ roles: ['api'], workers: [], leaseComponents: [] });
        }
      });

      it('kept both API processes answering across the kill, reads at a position waiting for the new worker', () => {
        expect(load.failures).toEqual([]);
        expect(apis.map((api) => api.gone())).toEqual([false, false]);
        const { killedAt, takenOverAt } = failOver;
        const inGap = (call: { startedAt: number }): boolean =>
          call.startedAt > killedAt && call.startedAt < takenOverAt;
        const answered = (call: { status: number }): boolean => call.status >= 200 && call.status < 300;
        // Commands went to both API processes while the leases moved (after the kill, before the new worker
        // held them all), and after; every one was answered 2xx.
        const gapCommands = load.calls.filter((call) => call.kind !== 'status' && inGap(call));
        expect(new Set(gapCommands.map((call) => call.target))).toEqual(new Set(['api-a', 'api-b']));
        expect(gapCommands.every(answered)).toBe(true);
        const laterCommands = load.calls.filter(
          (call) => call.kind !== 'status' && call.journey >= JOURNEYS - AFTER_TAKEOVER,
        );
        expect(laterCommands).toHaveLength(AFTER_TAKEOVER * 5);
        expect(laterCommands.every((call) => call.startedAt > takenOverAt && answered(call))).toBe(true);
        // Reads at a position the killed worker never applied were answered once the new one had: they waited.
        const applied = failOver.checkpointsAtKill.verification_status ?? 0;
        const waited = load.reads.filter((read) => read.wanted > applied);
        expect(waited.length).toBeGreaterThan(0);
        figures.readsThatWaited = waited.length;
        expect(waited.every((read) => read.endedAt > failOver.restartedAt)).toBe(true);
        expect(load.reads).toHaveLength(JOURNEYS);
        for (const read of load.reads) {
          expect(read).toMatchObject({ status: 200, sessionStatus: 'approved' });
          expect(read.readPosition).toBeGreaterThanOrEqual(read.wanted);
        }
      });
    });
  },
);
