import { createPublicKey } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serialiseBundle, verifyBundle } from '../audit/bundle';
import { BundleBuilder } from '../audit/bundle-builder';
import { verifyLedger } from '../audit/chain-verifier';
import { verifyCheckpoints } from '../audit/checkpoint-verifier';
import { Checkpointer } from '../audit/checkpointer';
import { ProofService } from '../audit/proof.service';
import { loadConfig } from '../platform/config/config';
import { withEmbeddedSecrets } from '../platform/config/embedded-secrets';
import { Kek } from '../ledger/crypto/kek';
import { IdentityIndex } from '../ledger/crypto/identity-index';
import { ProjectionCheckpointEntity } from '../projections/core/checkpoint.entity';
import { KeyStore } from '../ledger/crypto/key-store';
import { createEventStore } from '../ledger/event-store.factory';
import { Ledger } from '../ledger/ledger';
import { HealthRegistry } from '../platform/observability/health-registry';
import { WorkerSupervisor } from '../platform/workers';
import { MetricsRegistry } from '../platform/observability/metrics';
import { openDataSource, readModelDatabase } from '../app/persistence/data-source';
import { reapplyShreds } from '../privacy/reapply-shreds';
import { systemClock } from '../shared/clock';

/** A command-line mistake: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

export function flag(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

const print = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

/** Whether `--json` was given: the full report as one JSON document on stdout, for scripts. */
export function wantsJson(args: readonly string[]): boolean {
  return args.includes('--json');
}

/** Lines for people on stdout; with `--json`, the report alone (nothing else is ever written to stdout). */
function report(args: readonly string[], value: unknown, lines: () => readonly string[]): void {
  if (wantsJson(args)) print(value);
  else process.stdout.write(`${lines().join('\n')}\n`);
}

/** One failure per line: its kind or reason, then where (stream, revision, position, sequence) and detail. */
function failureLines(failures: readonly object[]): string[] {
  return failures.map((failure) => {
    const f = failure as Record<string, unknown>;
    const where = ['stream', 'revision', 'position', 'sequence', 'eventId']
      .filter((k) => typeof f[k] === 'string' || typeof f[k] === 'number')
      .map((k) => `${k} ${String(f[k])}`)
      .join(', ');
    const what = [f.kind, f.reason, f.detail].filter((x) => typeof x === 'string').join(': ');
    return `  - ${what}${where ? ` (${where})` : ''}`;
  });
}

/** `verify [--stream s] [--public-key file]`: hash chains and every signed checkpoint; exit 1 on a failure. */
export async function verifyCommand(args: readonly string[]): Promise<number> {
  const stream = flag(args, '--stream');
  const keyFile = flag(args, '--public-key');
  const store = await createEventStore(loadConfig());
  try {
    const chain = await verifyLedger(store, stream === undefined ? {} : { stream });
    const checkpoints = await verifyCheckpoints(
      store,
      keyFile === undefined ? undefined : readFileSync(keyFile, 'utf8'),
    );
    const ok = chain.ok && checkpoints.ok;
    report(args, { ok, chain, checkpoints }, () => [
      ok ? 'ledger verified: hash chains and signed checkpoints hold' : 'ledger verification FAILED',
      `hash chains: ${chain.ok ? 'ok' : 'FAILED'} (${chain.streamsChecked} streams, ` +
        `${chain.eventsChecked} events, through position ${chain.throughPosition})`,
      ...failureLines(chain.failures),
      `checkpoints: ${checkpoints.ok ? 'ok' : 'FAILED'} (${checkpoints.checkpointsChecked} checked, ` +
        `covering through position ${checkpoints.coveredThrough})`,
      ...failureLines(checkpoints.failure ? [checkpoints.failure] : []),
      '(--json for the full report)',
    ]);
    return ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

/** `export (--session id | --subject id) --out file`: a signed audit bundle, one file. */
export async function exportCommand(args: readonly string[]): Promise<number> {
  const session = flag(args, '--session');
  const subject = flag(args, '--subject');
  const out = flag(args, '--out');
  if ((session === undefined) === (subject === undefined))
    throw new UsageError('give exactly one of --session or --subject');
  if (out === undefined) throw new UsageError('--out <file> is required');
  const { config } = withEmbeddedSecrets(loadConfig());
  const store = await createEventStore(config);
  const dataSource = await openDataSource(readModelDatabase(config));
  try {
    const ledger = new Ledger(store, undefined);
    const checkpointer = new Checkpointer(
      store,
      ledger,
      dataSource,
      config,
      systemClock,
      new WorkerSupervisor(new HealthRegistry(), new MetricsRegistry()),
      new MetricsRegistry(),
    );
    const builder = new BundleBuilder(store, checkpointer, new ProofService(store, dataSource));
    const bundle = await builder.build(
      session !== undefined ? { kind: 'session', id: session } : { kind: 'subject', id: subject ?? '' },
    );
    writeFileSync(out, serialiseBundle(bundle), { mode: 0o600 });
    const summary = {
      out,
      events: Object.values(bundle.streams).flat().length,
      checkpoints: bundle.checkpoints.length,
    };
    report(args, summary, () => [
      `wrote ${out}: ${summary.events} events, ${summary.checkpoints} signed checkpoints`,
    ]);
    return 0;
  } finally {
    await store.close();
    await dataSource.destroy();
  }
}

/** `verify-bundle <file> --public-key <pem file>`: offline — no database, no network, only the public key. */
export function verifyBundleCommand(args: readonly string[]): number {
  const file = args[0];
  const keyFile = flag(args, '--public-key');
  if (file === undefined || file.startsWith('--'))
    throw new UsageError('verify-bundle needs the bundle file');
  if (keyFile === undefined) throw new UsageError('--public-key <pem file> is required');
  let bundle: unknown;
  try {
    bundle = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    const failed = { ok: false, failures: [{ kind: 'format', detail: 'the file is not JSON' }] };
    report(args, failed, () => ['bundle verification FAILED', ...failureLines(failed.failures)]);
    return 1;
  }
  const result = verifyBundle(bundle, readFileSync(keyFile, 'utf8'));
  report(args, result, () => [
    result.ok
      ? 'bundle verified: chains, checkpoint signatures and proofs hold'
      : 'bundle verification FAILED',
    `${result.eventsChecked} events, ${result.checkpointsChecked} checkpoints checked`,
    ...result.warnings.map((w) => `  warning: ${w}`),
    ...failureLines(result.failures),
    '(--json for the full report)',
  ]);
  return result.ok ? 0 : 1;
}

/** `public-key`: the ledger's checkpoint verification key (SPKI PEM), for auditors. */
export function publicKeyCommand(): number {
  const { config } = withEmbeddedSecrets(loadConfig());
  if (!config.signingKey) throw new UsageError('no signing key configured');
  process.stdout.write(createPublicKey(config.signingKey).export({ type: 'spki', format: 'pem' }).toString());
  return 0;
}

/** `rotate-kek --new-kek-file <file>`: re-wraps every data key; then start the service with the new LEDGER_KEK. */
export async function rotateKekCommand(args: readonly string[]): Promise<number> {
  const file = flag(args, '--new-kek-file');
  if (file === undefined) throw new UsageError('--new-kek-file <file with the base64 KEK> is required');
  const loaded = loadConfig();
  const { config } = withEmbeddedSecrets(loaded);
  if (!config.kek) throw new UsageError('no current KEK configured');
  const next = Kek.fromBase64(readFileSync(file, 'utf8').trim());
  // Embedded profile without LEDGER_KEK: the KEK lives in the data dir and is replaced there. The new key is
  // written beside it first, so a crash in between leaves both on disk rather than neither.
  const kekFile =
    config.profile === 'embedded' && loaded.kek === undefined
      ? join(config.dataDir, 'kek.base64')
      : undefined;
  if (kekFile) writeFileSync(`${kekFile}.next`, `${readFileSync(file, 'utf8').trim()}\n`, { mode: 0o600 });
  const dataSource = await openDataSource(readModelDatabase(config));
  try {
    const rewrapped = await new KeyStore(dataSource, config.kek).rotateKek(next);
    if (kekFile) renameSync(`${kekFile}.next`, kekFile);
    const summary = {
      rewrapped,
      newKekId: next.id,
      ...(kekFile ? { kekFile } : { next: 'set LEDGER_KEK to the new key and restart' }),
    };
    report(args, summary, () => [
      `re-wrapped ${rewrapped} data keys under KEK ${next.id}`,
      kekFile ? `the new KEK replaced ${kekFile}` : 'next: set LEDGER_KEK to the new key and restart',
    ]);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

/**
 * After restoring the key store (read-model database) from a backup: destroys again every key the ledger says
 * was shredded since. Run before the service serves traffic again.
 */
export async function reapplyShredsCommand(args: readonly string[] = []): Promise<number> {
  const { config } = withEmbeddedSecrets(loadConfig());
  if (!config.kek) throw new UsageError('no KEK configured');
  const store = await createEventStore(config);
  const dataSource = await openDataSource(readModelDatabase(config));
  try {
    const keys = new KeyStore(dataSource, config.kek);
    await keys.assertKek();
    const result = await reapplyShreds(
      store,
      keys,
      new IdentityIndex(dataSource, keys, dataSource.getMetadata(ProjectionCheckpointEntity).tableName),
    );
    report(args, result, () => [
      `shreds in the ledger: ${result.shreds}; keys destroyed again now: ${result.keysDestroyed}; ` +
        `identity index tokens removed again: ${result.identityTokensRemoved}`,
    ]);
    return 0;
  } finally {
    await dataSource.destroy();
    await store.close();
  }
}
