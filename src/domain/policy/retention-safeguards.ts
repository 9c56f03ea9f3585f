import type { PolicyDocument } from './policy.types';

/*
 * Safeguards on the relationship end, the one retention anchor a person types in (docs/privacy.md). A policy
 * may set them under `retentionSafeguards`; these defaults apply where it does not (every version before
 * 2026-12-01, which stay byte-identical because their hashes are recorded on decisions).
 */

/** How far back a relationship end may be dated, measured from when it is recorded. */
export const DEFAULT_MAX_BACKDATE = 'P30D';
/** How long after a relationship end is recorded nothing that it makes due is shredded. */
export const DEFAULT_SHRED_GRACE = 'P30D';

export interface ResolvedRetentionSafeguards {
  readonly maxBackdate: string;
  readonly shredGrace: string;
}

export function retentionSafeguardsOf(document: PolicyDocument): ResolvedRetentionSafeguards {
  return {
    maxBackdate: document.retentionSafeguards?.maxBackdate ?? DEFAULT_MAX_BACKDATE,
    shredGrace: document.retentionSafeguards?.shredGrace ?? DEFAULT_SHRED_GRACE,
  };
}
