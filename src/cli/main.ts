#!/usr/bin/env node
import { verifyLedger } from '../audit/chain-verifier';
import { ConfigError, loadConfig } from '../config/config';
import { createEventStore } from '../eventstore/event-store.factory';
import { REBUILD_USAGE, rebuildCommand } from '../projections/rebuild.command';

const USAGE = `usage: kyc-ledger <command>

commands:
  verify [--stream <name>]   check the hash chain of one stream or of every stream; exit 1 on a broken link
  ${REBUILD_USAGE}
  help                       this text

The CLI reads the same environment as the service (EVENTSTORE_CONNECTION_STRING, LEDGER_DATA_DIR, ...).`;

async function verify(args: readonly string[]): Promise<number> {
  const streamFlag = args.indexOf('--stream');
  const stream = streamFlag >= 0 ? args[streamFlag + 1] : undefined;
  if (streamFlag >= 0 && stream === undefined) throw new UsageError('--stream needs a stream name');
  const store = createEventStore(loadConfig());
  try {
    const report = await verifyLedger(store, stream === undefined ? {} : { stream });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'verify':
      return verify(args);
    case 'rebuild':
      await rebuildCommand(loadConfig(), args, (line) => process.stdout.write(`${line}\n`));
      return 0;
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command.slice(0, 40))}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`kyc-ledger: ${error.message}\n\n${USAGE}\n`);
    else if (error instanceof ConfigError) process.stderr.write(`kyc-ledger: ${error.message}\n`);
    else process.stderr.write(`kyc-ledger: ${error instanceof Error ? error.message : 'failed'}\n`);
    process.exitCode = 2;
  },
);
