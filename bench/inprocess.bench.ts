import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '../src/commands/command-context';
import type * as EventStorePort from '../src/ledger/event-store.port';
import type * as GrantConsent from '../src/subjects/grant-consent.handler';
import type * as VerificationHandler from '../src/verification/verification-command.handler';
import { startCompiledApp } from './compiled-app';
import type { EmmettJourneyFigures } from './emmett.peer';
import {
  captureBody,
  consentBody,
  evidenceBody,
  JOURNEY_STEPS,
  type JourneyStep,
  newSubjectId,
  startBody,
  vendorResultBody,
} from './journey-shapes';
import { percentile, report, type RunFigures } from './lib';
import { rawSqliteOneTransactionEach } from './peers';
import { waitForQuiet } from './processes';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
/** Journeys per run (5 commands each), and the time bound of each run. */
const JOURNEYS = { 1: Math.max(20, Math.round(200 * SCALE)), 16: Math.max(40, Math.round(400 * SCALE)) };
const MAX_SECONDS = 60;
const WARM_UP_JOURNEYS = 40;
/** Each run of the raw limit: enough commits that one slow fsync does not move it (under a second). */
const RAW_MIN_COMMITS = 2000;

type Input = VerificationHandler.VerificationInput;

interface JourneyRun extends RunFigures {
  readonly journeysPerSecond: number;
  readonly commands: number;
  readonly byStep: ReadonlyMap<JourneyStep, readonly number[]>;
}

/**
 * The 5-command journey dispatched through the compiled app's CommandBus (@nestjs/cqrs), no HTTP: the same
 * commands the controllers build from the same bodies, with an operator's context. Beside it, in the same run,
 * its limit: raw better-sqlite3 with the store's durability and one transaction per command (one event row
 * each), the median of two runs right before each measured run and one right after it; and at 1 writer its
 * peer: the same journey as Emmett deciders on Emmett's SQLite event store (`emmett.peer.ts`). Every run is
 * bounded in count and time.
 */
export async function benchInProcess(): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports -- the compiled app's command classes, loaded at run time */
  const { GrantConsentCommand } = require('../dist/subjects/grant-consent.handler') as typeof GrantConsent;
  const { VerificationCommandCommand } =
    require('../dist/verification/verification-command.handler') as typeof VerificationHandler;
  const { EVENT_STORE } = require('../dist/ledger/event-store.port') as typeof EventStorePort;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const bench = await startCompiledApp('inprocess');
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-inprocess-raw-'));
  try {
    const bus = bench.app.get(CommandBus);
    const store = bench.app.get<symbol, { stats?: { commits: number; appends: number } }>(EVENT_STORE, {
      strict: false,
    });
    const context = (): CommandContext => ({
      actor: { kind: 'user', id: 'bench', roles: ['operator'] },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      idempotencyScope: undefined,
    });
    const verification = async (sessionId: string | undefined, input: Input) =>
      bus.execute<
        VerificationHandler.VerificationCommandCommand,
        VerificationHandler.VerificationCommandResult
      >(new VerificationCommandCommand(sessionId, input, context()));
    const command = async (step: JourneyStep, subjectId: string, sessionId: string): Promise<string> => {
      switch (step) {
        case 'consent':
          await bus.execute(
            new GrantConsentCommand(
              subjectId,
              { ...consentBody(), scopes: [...consentBody().scopes] },
              context(),
            ),
          );
          return sessionId;
        case 'start':
          return (
            await verification(undefined, {
              type: 'StartVerification',
              ...startBody(subjectId),
              riskSignals: {},
            })
          ).sessionId;
        case 'capture':
          await verification(sessionId, { type: 'StartCapture', ...captureBody() });
          return sessionId;
        case 'evidence':
          await verification(sessionId, {
            type: 'SubmitEvidence',
            evidenceId: randomUUID(),
            ...evidenceBody(sessionId),
          });
          return sessionId;
        case 'vendor_result': {
          const done = await verification(sessionId, {
            type: 'RecordVendorResult',
            ...vendorResultBody(sessionId),
          });
          if (done.state.status !== 'approved') throw new Error(`journey ended ${done.state.status}`);
          return sessionId;
        }
        default: {
          const never: never = step;
          throw new Error(`unknown step ${String(never)}`);
        }
      }
    };

    const run = async (journeys: number, concurrency: number): Promise<JourneyRun> => {
      const byStep = new Map<JourneyStep, number[]>(JOURNEY_STEPS.map((step) => [step, []]));
      const all: number[] = [];
      let next = 0;
      let done = 0;
      const started = performance.now();
      const deadline = started + MAX_SECONDS * 1000;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < journeys && performance.now() < deadline) {
            next += 1;
            const subjectId = newSubjectId();
            let sessionId = '';
            for (const step of JOURNEY_STEPS) {
              const t0 = performance.now();
              sessionId = await command(step, subjectId, sessionId);
              const ms = performance.now() - t0;
              all.push(ms);
              byStep.get(step)?.push(ms);
            }
            done += 1;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      all.sort((a, b) => a - b);
      for (const latencies of byStep.values()) latencies.sort((a, b) => a - b);
      return {
        opsPerSecond: all.length / seconds,
        journeysPerSecond: done / seconds,
        commands: all.length,
        p50Ms: percentile(all, 50),
        p99Ms: percentile(all, 99),
        byStep,
      };
    };

    await run(WARM_UP_JOURNEYS, 8);
    // The peers' own warm-up (statement caches, JIT), on files of their own.
    rawSqliteOneTransactionEach(join(dir, 'raw-warm-up.sqlite'), WARM_UP_JOURNEYS * 5);
    const emmettJourneys = await loadEmmettPeer();
    await emmettJourneys?.(join(dir, 'emmett-warm-up.sqlite'), WARM_UP_JOURNEYS / 4, MAX_SECONDS);
    for (const concurrency of [1, 16] as const) {
      const prefix = `inprocess.c${concurrency}`;
      await waitForQuiet(process.pid);
      const rawCommits = Math.max(RAW_MIN_COMMITS, JOURNEYS[concurrency] * 5);
      const rawRun = (name: string): RunFigures =>
        rawSqliteOneTransactionEach(join(dir, `raw-c${concurrency}-${name}.sqlite`), rawCommits);
      // Two runs of the limit before the measured run and one after it; the limit is their median, so neither
      // one slow run (another process's fsyncs) nor a drift of the machine's load during the run decides it.
      const rawRuns = [rawRun('before-1'), rawRun('before-2')];

      // Emmett's SQLite store shares one connection between the calls in flight and closes it after each, so
      // it is measured with one writer only (the goal compares the 1-writer rates).
      let emmett: EmmettJourneyFigures | undefined;
      if (concurrency === 1 && emmettJourneys !== undefined) {
        await waitForQuiet(process.pid);
        emmett = await emmettJourneys(join(dir, 'emmett-c1.sqlite'), JOURNEYS[1], MAX_SECONDS);
        report(`${prefix}.peer.emmett.commands`, emmett.opsPerSecond, 'commands/s');
        report(`${prefix}.peer.emmett.journeys`, emmett.journeysPerSecond, 'journeys/s');
        report(`${prefix}.peer.emmett.command_p50`, emmett.p50Ms, 'ms');
        report(`${prefix}.peer.emmett.command_p99`, emmett.p99Ms, 'ms');
        // 2 = FULL: the same durability as the ledger's store and the raw limit.
        report(`${prefix}.peer.emmett.sqlite_synchronous`, emmett.synchronous, 'level');
        report(`${prefix}.peer.emmett.busy_retries`, emmett.busyRetries, 'commands');
        if (emmett.commands < JOURNEYS[1] * 5) {
          report(`${prefix}.peer.emmett.cut_short_at`, emmett.commands, 'commands');
        }
      }

      await waitForQuiet(process.pid);
      const before = store.stats === undefined ? undefined : { ...store.stats };
      const figures = await run(JOURNEYS[concurrency], concurrency);
      const after = store.stats;
      report(`${prefix}.commandbus.commands`, figures.opsPerSecond, 'commands/s');
      report(`${prefix}.commandbus.journeys`, figures.journeysPerSecond, 'journeys/s');
      report(`${prefix}.commandbus.command_p50`, figures.p50Ms, 'ms');
      report(`${prefix}.commandbus.command_p99`, figures.p99Ms, 'ms');
      for (const [step, latencies] of figures.byStep) {
        report(`${prefix}.commandbus.${step}_p50`, percentile(latencies, 50), 'ms');
      }
      if (before !== undefined && after !== undefined) {
        const perCommit = (after.appends - before.appends) / Math.max(1, after.commits - before.commits);
        report(`${prefix}.commandbus.appends_per_commit`, perCommit, 'appends/commit');
      }
      if (figures.commands < JOURNEYS[concurrency] * 5) {
        report(`${prefix}.commandbus.cut_short_at`, figures.commands, 'commands');
      }

      await waitForQuiet(process.pid);
      rawRuns.push(rawRun('after'));
      rawRuns.sort((a, b) => a.opsPerSecond - b.opsPerSecond);
      const raw = rawRuns[1]!;
      report(`${prefix}.limit.raw_sqlite.commands`, raw.opsPerSecond, 'commands/s');
      report(`${prefix}.limit.raw_sqlite.p50`, raw.p50Ms, 'ms');
      report(`${prefix}.limit.raw_sqlite.p99`, raw.p99Ms, 'ms');
      report(`${prefix}.limit.raw_sqlite.commands_min`, rawRuns[0]!.opsPerSecond, 'commands/s');
      report(`${prefix}.limit.raw_sqlite.commands_max`, rawRuns[2]!.opsPerSecond, 'commands/s');

      // The ratios the goals are stated in (issue 18), each against its peer or limit of this run.
      // c16: goal ≥ 1 (the raw one-transaction-per-command rate). c1: informative.
      report(`${prefix}.vs_raw`, figures.opsPerSecond / raw.opsPerSecond, 'ratio');
      if (emmett !== undefined) {
        // Goal ≥ 3.
        report(`${prefix}.vs_emmett`, figures.opsPerSecond / emmett.opsPerSecond, 'ratio');
        report(`${prefix}.peer.emmett.vs_raw`, emmett.opsPerSecond / raw.opsPerSecond, 'ratio');
      }
      if (concurrency === 1) {
        // The time a command costs beyond its one durable commit (goal ≤ 1 ms, so a ratio ≤ 1 meets it).
        const overheadMean = 1000 / figures.opsPerSecond - 1000 / raw.opsPerSecond;
        const overheadP50 = figures.p50Ms - raw.p50Ms;
        report(`${prefix}.overhead_per_command.mean`, overheadMean, 'ms');
        report(`${prefix}.overhead_per_command.p50`, overheadP50, 'ms');
        report(`${prefix}.overhead_per_command.mean_vs_1ms`, overheadMean / 1, 'ratio');
      }
    }
  } finally {
    await bench.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Emmett peer, when its SQLite driver is built: `npm ci` does not build `sqlite3` (no prebuilt binary is
 * reachable here, and building it takes a C++ toolchain and a minute); `npm rebuild sqlite3 --foreground-scripts`
 * does. Without it the bench says so and measures the other peers.
 */
async function loadEmmettPeer(): Promise<typeof import('./emmett.peer').emmettJourneys | undefined> {
  try {
    return (await import('./emmett.peer')).emmettJourneys;
  } catch (error) {
    process.stderr.write(
      `inprocess: the Emmett peer is not measured (${error instanceof Error ? error.message.split('\n')[0] : 'load failed'}); ` +
        'build its SQLite driver with `npm rebuild sqlite3 --foreground-scripts`\n',
    );
    report('inprocess.c1.peer.emmett.unavailable', 1, 'flag');
    return undefined;
  }
}
