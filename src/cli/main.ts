#!/usr/bin/env node
import { PolicyLoadError } from '../domain/policy/policy.errors';
import { ConfigError, loadConfig } from '../platform/config/config';
import { POLICY_USAGE, policyCommand } from './policy-command';
import { REBUILD_USAGE, rebuildCommand } from './rebuild-command';
import {
  exportCommand,
  publicKeyCommand,
  reapplyShredsCommand,
  rotateKekCommand,
  UsageError,
  verifyBundleCommand,
  verifyCommand,
} from './audit-commands';

const USAGE = `usage: kyc-ledger <command>

commands:
  verify [--stream <name>] [--public-key <pem>] [--json]
                             check hash chains (one stream or all) and every signed checkpoint; exit 1 on a failure
  export (--session <id> | --subject <id>) --out <file> [--json]
                             write an audit bundle: complete streams, signed checkpoints, inclusion proofs, explanations
  verify-bundle <file> --public-key <pem> [--json]
                             verify a bundle offline: no database, no network, only the public key
  public-key                 print the checkpoint verification key (SPKI PEM) for auditors
  rotate-kek --new-kek-file <file> [--json]
                             re-wrap every data key under a new key-encryption key
  reapply-shreds [--json]    after restoring the key store from a backup: destroy again every key the
                             ledger says was shredded since
  ${REBUILD_USAGE}
  ${POLICY_USAGE}
  help                       this text

The CLI reads the same environment as the service (EVENTSTORE_CONNECTION_STRING, LEDGER_DATA_DIR, ...).
stdout carries the result alone (a PEM, a report; --json: one JSON document); messages go to stderr. Through
npm, add -s so that npm's own banner stays out of it: npm run -s cli -- public-key > key.pem`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'verify':
      return verifyCommand(args);
    case 'export':
      return exportCommand(args);
    case 'verify-bundle':
      return verifyBundleCommand(args);
    case 'public-key':
      return publicKeyCommand();
    case 'rotate-kek':
      return rotateKekCommand(args);
    case 'reapply-shreds':
      return reapplyShredsCommand(args);
    case 'policy':
      return policyCommand(args);
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
    else if (error instanceof PolicyLoadError) process.stderr.write(`kyc-ledger: ${error.message}\n`);
    else process.stderr.write(`kyc-ledger: ${error instanceof Error ? error.message : 'failed'}\n`);
    process.exitCode = 2;
  },
);
