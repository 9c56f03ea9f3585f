import { loadConfig } from '../platform/config/config';
import { createEventStore } from '../ledger/event-store.factory';
import { loadPolicyFile } from '../policies/policy-loader';
import {
  PolicyReplay,
  type ReplayFilter,
  type ReplayReport,
  replayWorkers,
  runParallelReplay,
  runReplay,
} from '../policy-lab';

/** From this ledger size on, the replay runs on worker threads (one per core). */
const PARALLEL_FROM_POSITION = 200_000;
import { flag, UsageError, wantsJson } from './audit-commands';

export const POLICY_USAGE = `policy replay --policy <file> [--from <time>] [--to <time>] [--jurisdiction <code>]
                             [--segment <name>] [--at-position <n>] [--json]
                             evaluate every recorded decision again under a candidate policy file (what-if);
                             writes nothing; exit 1 when the candidate would change a decision`;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `policy replay …`: the policy lab's what-if replay over this deployment's ledger, from the command line. */
export async function policyCommand(args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'replay') throw new UsageError('policy: the only subcommand is replay');
  const file = flag(rest, '--policy');
  if (file === undefined) throw new UsageError('policy replay needs --policy <file>');
  const instant = (name: string): string | undefined => {
    const value = flag(rest, name);
    if (value === undefined) return undefined;
    if (!INSTANT.test(value)) throw new UsageError(`${name} must be an ISO 8601 time with a zone`);
    return new Date(value).toISOString();
  };
  const from = instant('--from');
  const to = instant('--to');
  const jurisdiction = flag(rest, '--jurisdiction');
  if (jurisdiction !== undefined && !/^[A-Z]{2}$/.test(jurisdiction)) {
    throw new UsageError('--jurisdiction must be an ISO 3166-1 alpha-2 code');
  }
  const segment = flag(rest, '--segment');
  const at = flag(rest, '--at-position');
  if (at !== undefined && !/^\d{1,15}$/.test(at)) throw new UsageError('--at-position must be a position');
  const filter: ReplayFilter = {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(jurisdiction === undefined ? {} : { jurisdiction }),
    ...(segment === undefined ? {} : { segment }),
  };
  const candidate = loadPolicyFile(file);
  const config = loadConfig();
  const store = await createEventStore(config);
  try {
    const head = await store.headPosition();
    const readTo = at === undefined ? head : Math.min(Number(at), head);
    const workers = readTo >= PARALLEL_FROM_POSITION ? replayWorkers() : 1;
    const report =
      workers > 1
        ? await runParallelReplay(config, candidate, filter, readTo, { workers })
        : await runReplay(store, new PolicyReplay(candidate, filter), readTo);
    if (wantsJson(rest)) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else process.stdout.write(`${summaryLines(report).join('\n')}\n`);
    return report.outcomeChanged > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

function summaryLines(report: ReplayReport): string[] {
  const { candidate } = report;
  const moved = Object.entries(report.byOutcome).filter(([cell]) => {
    const [was, now] = cell.split('→');
    return was !== now;
  });
  return [
    `candidate ${candidate.policyId} ${candidate.version} (${candidate.hash.slice(0, 12)}), ledger read to position ${report.readTo}`,
    `evaluations replayed: ${report.decisionsEvaluated}; outcome changed: ${report.outcomeChanged}; codes or outcome changed: ${report.changed}`,
    ...moved.map(([cell, count]) => `  ${cell}: ${count}`),
    `review load: ${report.reviewLoad.recorded} recorded → ${report.reviewLoad.candidate} (${report.reviewLoad.delta >= 0 ? '+' : ''}${report.reviewLoad.delta})`,
    '(--json for the full report: by country, document type, device class, vendor, reason code; confusion matrix; sessions)',
  ];
}
