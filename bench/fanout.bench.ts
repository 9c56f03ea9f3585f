import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription } from '../src/ledger/event-store.port';
import { SqliteEventStore } from '../src/ledger/sqlite/sqlite-event-store';
import { report } from './lib';
import { sampleEvent, streamOf } from './peers';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const EVENTS = Math.max(500, Math.round(10_000 * SCALE));
/** Live followers of one service process on the embedded profile: six projections, publisher, reference index, checkpointer, expiry, session closer, retention. */
const FOLLOWERS = 12;

/**
 * Live subscriptions following the head while appends arrive (8 concurrent writers), as the followers of one
 * service process do: the time until every follower has seen every event. Beside it, in the same run, the same
 * load with the shared tail off (each follower reads and parses the file itself).
 */
async function run(tailCapacity: number): Promise<{ perSecond: number; cpuUsPerEvent: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-bench-fanout-'));
  const store = new SqliteEventStore(join(dir, 'events.sqlite'), { tailCapacity });
  const subscriptions: Subscription[] = [];
  try {
    const head = await store.headPosition();
    const target = head + EVENTS;
    const followers = Array.from({ length: FOLLOWERS }, async () => {
      const subscription = store.subscribeAll({ after: head });
      subscriptions.push(subscription);
      let seen = 0;
      for await (const message of subscription) {
        if (message.kind !== 'event') continue;
        seen += 1;
        if (message.event.position >= target) return seen;
      }
      return seen;
    });
    const started = performance.now();
    const cpu = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < EVENTS) {
          const i = next;
          next += 1;
          await store.append(streamOf(i), [sampleEvent(i)], 'no_stream');
        }
      }),
    );
    const seen = await Promise.all(followers);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    if (seen.some((n) => n !== EVENTS)) throw new Error(`a follower saw ${seen.join(',')} of ${EVENTS}`);
    return { perSecond: EVENTS / seconds, cpuUsPerEvent: (used.user + used.system) / EVENTS };
  } finally {
    await Promise.all(subscriptions.map((s) => s.close()));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchFanout(): Promise<void> {
  // Alternated, so drift of the machine shows in both; the best of each.
  const shared: { perSecond: number; cpuUsPerEvent: number }[] = [];
  const each: { perSecond: number; cpuUsPerEvent: number }[] = [];
  for (let round = 0; round < 2; round += 1) {
    each.push(await run(0));
    shared.push(await run(4096));
  }
  const rate = (runs: typeof each): number => Math.max(...runs.map((r) => r.perSecond));
  const cpu = (runs: typeof each): number => Math.min(...runs.map((r) => r.cpuUsPerEvent));
  report(`fanout.c${FOLLOWERS}.each_reads_file`, rate(each), 'events/s');
  report(`fanout.c${FOLLOWERS}.shared_tail`, rate(shared), 'events/s');
  report(`fanout.c${FOLLOWERS}.shared_vs_each`, rate(shared) / rate(each), 'ratio');
  report(`fanout.c${FOLLOWERS}.each_reads_file.cpu`, cpu(each), 'us/event');
  report(`fanout.c${FOLLOWERS}.shared_tail.cpu`, cpu(shared), 'us/event');
  report(`fanout.c${FOLLOWERS}.cpu_shared_vs_each`, cpu(shared) / cpu(each), 'ratio');
}
