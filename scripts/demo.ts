import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planDemo } from './demo/plan';
import { type DemoKeys, DemoRequestError, type SeedReport, seedDemo } from './demo/seed';

/**
 * `npm run demo`: seeds a realistic data set into a running instance through its public API, then prints a guided
 * tour. Target: `LEDGER_URL` (default the embedded instance on `PORT`, 3000). Keys: `LEDGER_API_KEY` for every
 * step, or else the embedded profile's generated dev keys (`$LEDGER_DATA_DIR/dev-api-key.json`), choosing a key
 * per role and two different senior reviewers for four eyes. `DEMO_SESSIONS` (default 300) and `DEMO_SEED`
 * (default 2026) choose the data set; the same seed gives the same people and journeys, and a second run adds
 * nothing. Progress goes to stderr, the summary and tour to stdout.
 */

interface KeyEntry {
  readonly key: string;
  readonly principal: string;
  readonly roles: readonly string[];
}

function demoKeys(): DemoKeys {
  const single = process.env.LEDGER_API_KEY;
  if (single !== undefined && single !== '') {
    return {
      operator: single,
      reviewer: single,
      senior: single,
      secondSenior: undefined,
      privacyOfficer: single,
    };
  }
  const file = join(process.env.LEDGER_DATA_DIR ?? './data', 'dev-api-key.json');
  if (!existsSync(file)) {
    throw new Error(
      `no LEDGER_API_KEY and no ${file}: start the service in the embedded profile (npm start) or set LEDGER_API_KEY`,
    );
  }
  const entries = JSON.parse(readFileSync(file, 'utf8')) as KeyEntry[];
  const holders = (role: string): KeyEntry[] => {
    // Principals of that role first, then those holding every role (admin).
    const dedicated = entries.filter((e) => e.roles.includes(role) && !e.roles.includes('admin'));
    const admins = entries.filter((e) => e.roles.includes('admin'));
    return [...dedicated, ...admins];
  };
  const first = (role: string): string => {
    const entry = holders(role)[0];
    if (entry === undefined) throw new Error(`${file} holds no key with the role ${role}`);
    return entry.key;
  };
  const seniors = holders('senior_reviewer');
  const senior = seniors[0];
  if (senior === undefined) throw new Error(`${file} holds no key with the role senior_reviewer`);
  return {
    operator: first('operator'),
    reviewer: first('reviewer'),
    senior: senior.key,
    secondSenior: seniors.find((e) => e.principal !== senior.principal)?.key,
    privacyOfficer: first('privacy_officer'),
  };
}

function bar(done: number, total: number, startedMs: number): string {
  const width = 30;
  const filled = Math.round((done / Math.max(1, total)) * width);
  const rate = done / Math.max(0.001, (performance.now() - startedMs) / 1000);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} cases, ${rate.toFixed(1)}/s`;
}

function tour(baseUrl: string, report: SeedReport): string[] {
  const find = (kind: string) =>
    report.outcomes.find((o) => o.case.kind === kind && o.sessionId !== undefined);
  const approved = find('auto_approve');
  const override = find('override_four_eyes');
  const erased = report.outcomes.find((o) => o.case.kind === 'erasure_after_relationship_end');
  const lines = ['', 'A five-minute tour (set KEY to an auditor key, e.g. from data/dev-api-key.json):'];
  if (approved?.sessionId !== undefined) {
    lines.push(
      `  why was this person approved?   curl -s -H "Authorization: Bearer $KEY" ${baseUrl}/v1/verifications/${approved.sessionId}/explanation`,
    );
  }
  if (override?.sessionId !== undefined) {
    lines.push(
      `  an override with four eyes:     curl -s -H "Authorization: Bearer $KEY" ${baseUrl}/v1/verifications/${override.sessionId}/timeline`,
    );
  }
  if (erased !== undefined) {
    lines.push(
      `  what is kept after an erasure:  curl -s -H "Authorization: Bearer $KEY" ${baseUrl}/v1/subjects/${erased.case.subjectId}/retention`,
    );
  }
  lines.push(
    `  the ledger is untampered:       curl -s -H "Authorization: Bearer $KEY" ${baseUrl}/v1/audit/verification`,
    `  the reviewers' queue:           curl -s -H "Authorization: Bearer $REVIEWER_KEY" ${baseUrl}/v1/review-queue`,
    `  overrides for a second senior:  curl -s -H "Authorization: Bearer $SENIOR_KEY" "${baseUrl}/v1/verifications?pendingOverride=true"`,
    `  the console (same keys):        ${baseUrl}/console/`,
  );
  return lines;
}

async function main(): Promise<void> {
  const baseUrl = process.env.LEDGER_URL ?? `http://127.0.0.1:${process.env.PORT ?? '3000'}`;
  const count = Number(process.env.DEMO_SESSIONS ?? '300');
  const seed = Number(process.env.DEMO_SEED ?? '2026');
  if (!Number.isSafeInteger(count) || count < 1 || count > 100_000) {
    throw new Error('DEMO_SESSIONS must be an integer from 1 to 100000');
  }
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error('DEMO_SEED must be a non-negative integer');
  const keys = demoKeys();
  const cases = planDemo(count, seed);
  const startedMs = performance.now();
  const report = await seedDemo({
    baseUrl,
    keys,
    cases,
    onProgress: (done, total) => process.stderr.write(bar(done, total, startedMs)),
  });
  process.stderr.write('\n');
  const fresh = report.outcomes.filter((o) => !o.alreadySeeded).length;
  const out = [
    `seeded ${fresh} new of ${cases.length} cases (seed ${seed}) into ${baseUrl} in ${report.seconds.toFixed(1)} s ` +
      `(${report.sessionsPerSecond.toFixed(1)} sessions/s)`,
    `session statuses: ${Object.entries(report.byStatus)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status} ${n}`)
      .join(', ')}`,
    `waiting: ${report.waitingReviews} reviews in the queue (${report.assignedReviews} taken by a reviewer), ` +
      `${report.overridesAwaitingApproval} overrides for a second senior reviewer to approve`,
    ...(report.fourEyesPending > 0
      ? [
          `${report.fourEyesPending} overrides wait for a second senior reviewer (one key acts for everyone here; ` +
            'four eyes refuse approving one’s own override)',
        ]
      : []),
    ...tour(baseUrl, report),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  const message =
    error instanceof DemoRequestError || error instanceof Error ? error.message : 'unexpected failure';
  process.stderr.write(`\ndemo failed: ${message}\n`);
  process.exit(1);
});
