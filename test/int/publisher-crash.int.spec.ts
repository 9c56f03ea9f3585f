import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deliveryReport, type DeliveryReport, SteadyAppender } from '../support/publisher-delivery';
import { FIXTURE_PII_DOCUMENT, FIXTURE_PII_NAME, FixtureWorkload } from '../support/publisher-fixtures';
import { brokersOf, type ConsumedRecord, deleteTopics, readTopics } from '../support/publisher-kafka';
import { contractProblems, forbiddenStringsIn } from '../support/publisher-asyncapi';
import { seededRandom } from '../support/publisher-journeys';
import { describeWithService } from '../support/services';
import { tempLedger, type TempLedger } from '../support/temp-ledger';
import { until } from '../support/poll';

const CHILD = join(__dirname, '../support/children/publisher-child.ts');

interface PublisherProcess {
  readonly child: ChildProcess;
  readonly checkpoints: number[];
  readonly stderr: string[];
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** Settles when the publisher reports its first checkpoint. */
  readonly firstCheckpoint: Promise<void>;
  ready: boolean;
}

function spawnPublisher(args: string[]): PublisherProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let checkpointed: () => void = () => undefined;
  const run: PublisherProcess = {
    child,
    firstCheckpoint: new Promise<void>((resolve) => {
      checkpointed = resolve;
    }),
    checkpoints: [],
    stderr: [],
    ready: false,
    exited: new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolve(signal ?? code);
      });
    }),
  };
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'READY') run.ready = true;
      const [kind, value] = line.split(' ');
      if (kind === 'CHECKPOINT' && value !== undefined) {
        run.checkpoints.push(Number(value));
        checkpointed();
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    run.stderr.push(chunk.toString('utf8'));
  });
  return run;
}

/**
 * The publisher as a separate process, killed with SIGKILL at random moments (while starting, while catching up,
 * while live) and started again, while events keep being appended by this process to the same SQLite ledger.
 * At the end every appended event is on the topics, in ledger order per key after dedupe.
 */
describeWithService(
  'KAFKA_BROKERS',
  'KafkaPublisher killed with SIGKILL and restarted (real broker)',
  (brokerList) => {
    const seed = Number(process.env.PUBLISHER_SEED ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const prefix = `crash-${randomUUID().slice(0, 8)}.`;
    const topics = [`${prefix}kyc.verification.v1`, `${prefix}kyc.subject.v1`];
    let t: TempLedger;
    let appender: SteadyAppender;
    const kills: { afterMs: number; checkpointsSeen: number }[] = [];
    let report: DeliveryReport;
    let records: ConsumedRecord[] = [];
    let finalRun: PublisherProcess | undefined;

    beforeAll(async () => {
      t = await tempLedger();
      const args = [t.eventsFile, join(t.dir, 'publisher-checkpoints.sqlite'), brokerList, prefix];
      appender = new SteadyAppender(new FixtureWorkload(t.ledger, 10), 4);
      appender.start();

      for (let round = 0; round < 6; round += 1) {
        const run = spawnPublisher(args);
        // From "still starting" to "well into publishing": the kill lands anywhere in the publisher's life.
        const afterMs = Math.round(300 + random() * 2_700);
        await new Promise((resolve) => setTimeout(resolve, afterMs));
        // The last kill lands after a checkpoint at the latest, so that one kill surely hits a publisher that
        // has acknowledged work (on a loaded machine every random point could fall in start-up).
        if (round === 5) await Promise.race([run.firstCheckpoint, run.exited]);
        run.child.kill('SIGKILL');
        expect(await run.exited).toBe('SIGKILL');
        kills.push({ afterMs, checkpointsSeen: run.checkpoints.length });
      }

      await appender.stop();
      finalRun = spawnPublisher(args);
      const target = appender.lastPosition;
      const last = finalRun;
      await until(
        () => (last.checkpoints.at(-1) ?? 0) >= target,
        `the publisher at ${target} (stderr: ${last.stderr.join('').slice(-500)})`,
        { timeoutMs: 120_000, intervalMs: 50 },
      );
      records = await readTopics(brokersOf(brokerList), topics);
      report = deliveryReport(appender.appended, records);
    }, 300_000);

    afterAll(async () => {
      if (finalRun !== undefined) {
        finalRun.child.kill('SIGTERM');
        await finalRun.exited;
      }
      await appender.stop();
      await t.cleanup();
      await deleteTopics(brokersOf(brokerList), topics);
    });

    it(`publishes every event despite six SIGKILLs at random points (seed ${seed})`, () => {
      expect(kills).toHaveLength(6);
      expect(kills.some((kill) => kill.checkpointsSeen > 0)).toBe(true);
      expect(appender.appended.length).toBeGreaterThan(300);
      expect(appender.errors).toEqual([]);
      expect(report.missing).toEqual([]);
      expect(report.unexpected).toEqual([]);
    });

    it('keeps ledger order per key for a consumer that dedupes by ce_id', () => {
      expect(report.outOfOrder).toEqual([]);
      if (process.env.PUBLISHER_TEST_REPORT) {
        process.stderr.write(
          `crash: ${appender.appended.length} events, ${report.duplicates.size} duplicated ids, kills ${JSON.stringify(kills)}\n`,
        );
      }
    });

    it('publishes only records that conform to docs/asyncapi.yaml and hold no personal data', async () => {
      expect(await contractProblems(records, prefix)).toEqual([]);
      expect(forbiddenStringsIn(records, [FIXTURE_PII_NAME, FIXTURE_PII_DOCUMENT, '1979-02-28'])).toEqual([]);
    });
  },
);
