/**
 * A separate process that appends to a SQLite event store and reports each acknowledged append on stdout as
 * `ACK <stream> <eventId> <position>`. Used by crash and multi-process tests.
 *
 * argv: <file> <mode: own-streams | shared-stream> <count> <concurrency> <tag>
 */
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '../../../src/ledger/sqlite/sqlite-event-store';

const [file, mode, countArg, concurrencyArg, tagArg] = process.argv.slice(2);
if (!file || !mode || !countArg || !concurrencyArg || !tagArg) {
  throw new Error('usage: append-child <file> <mode> <count> <concurrency> <tag>');
}
const tag: string = tagArg;
const count = Number(countArg);
const concurrency = Number(concurrencyArg);
const store = new SqliteEventStore(file);
let next = 0;
let failures = 0;

async function worker(): Promise<void> {
  for (;;) {
    const i = next;
    next += 1;
    if (i >= count) return;
    const stream = mode === 'shared-stream' ? 'kyc-subject-shared' : `kyc-subject-${tag}_${i}`;
    const eventId = randomUUID();
    try {
      const result = await store.append(
        stream,
        [{ eventId, type: 'ChildAppended', data: { tag, i }, metadata: { tag } }],
        mode === 'shared-stream' ? 'any' : 'no_stream',
      );
      process.stdout.write(`ACK ${stream} ${eventId} ${result.position}\n`);
    } catch (error) {
      failures += 1;
      process.stdout.write(
        `ERR ${error instanceof Error ? `${error.constructor.name}:${error.message}` : 'unknown'}\n`,
      );
    }
  }
}

void Promise.all(Array.from({ length: concurrency }, worker)).then(async () => {
  await store.close();
  process.stdout.write(`DONE ${failures}\n`);
});
