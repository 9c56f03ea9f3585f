import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository's policies (and privacy notices). */
export const POLICIES = join(__dirname, '../../policies');
const SHIPPED_NOTICE = '2026-01';

/** Writes privacy notices of further versions into `policyDir` (the shipped texts, relabelled per version). */
export function addNoticeVersions(policyDir: string, versions: readonly string[]): void {
  const shipped = join(POLICIES, 'notices', SHIPPED_NOTICE);
  for (const version of versions) {
    mkdirSync(join(policyDir, 'notices', version), { recursive: true });
    for (const file of readdirSync(shipped)) {
      const text = readFileSync(join(shipped, file), 'utf8').replaceAll(SHIPPED_NOTICE, version);
      writeFileSync(join(policyDir, 'notices', version, file), text);
    }
  }
}

/** A copy of the shipped policies and notices in a temporary directory, with notices of further versions. */
export function policyDirWithNotices(versions: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-policies-'));
  cpSync(POLICIES, dir, { recursive: true });
  addNoticeVersions(dir, versions);
  return dir;
}
