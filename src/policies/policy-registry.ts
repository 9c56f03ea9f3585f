import { parseInstant } from '../domain/policy/instant';
import { NoActivePolicyError, PolicyLoadError } from '../domain/policy/policy.errors';
import type { LoadedPolicy } from '../domain/policy/policy.types';
import { loadPolicies } from './policy-loader';

/**
 * Every loaded policy version, forever: a decision made years ago is explained by the version that made it, so
 * old versions stay retrievable by hash. One version is in force at a time — the one with the latest
 * `effectiveFrom` not after the moment asked about; two versions taking effect at the same instant would make
 * that ambiguous and are refused when the registry is built. A shadow policy (`shadow: {until}`) is never in
 * force for live sessions: it is only evaluated beside the live one, from its `effectiveFrom` until `until`.
 */
export class PolicyRegistry {
  private readonly timeline: readonly { readonly from: number; readonly policy: LoadedPolicy }[];
  private readonly shadowTimeline: readonly {
    readonly from: number;
    readonly until: number;
    readonly policy: LoadedPolicy;
  }[];
  private readonly hashes: ReadonlyMap<string, LoadedPolicy>;

  constructor(policies: readonly LoadedPolicy[]) {
    const problems: string[] = [];
    if (policies.length === 0) problems.push('no policy documents were loaded');
    const live = policies.filter((policy) => policy.document.shadow === undefined);
    if (policies.length > 0 && live.length === 0) {
      problems.push('every policy document loaded is a shadow policy; sessions need one that is not');
    }
    const timeline = live
      .map((policy) => ({ from: parseInstant(policy.document.effectiveFrom), policy }))
      .sort((a, b) => a.from - b.from);
    timeline.forEach((item, index) => {
      const previous = timeline[index - 1];
      if (previous?.from === item.from) {
        problems.push(
          `${item.policy.source}: /effectiveFrom: ${item.policy.document.effectiveFrom} is also when ${previous.policy.source} takes effect; which one is in force would be ambiguous`,
        );
      }
    });
    const hashes = new Map<string, LoadedPolicy>();
    for (const policy of policies) hashes.set(policy.hash, policy);
    if (problems.length > 0) throw new PolicyLoadError(problems);
    this.timeline = timeline;
    this.shadowTimeline = policies.flatMap(({ document, ...rest }) =>
      document.shadow === undefined
        ? []
        : [
            {
              from: parseInstant(document.effectiveFrom),
              until: parseInstant(document.shadow.until),
              policy: { document, ...rest },
            },
          ],
    );
    this.hashes = hashes;
  }

  /** Loads, validates and indexes every policy document under `dir` (see `loadPolicies`). */
  static fromDirectory(dir: string): PolicyRegistry {
    return new PolicyRegistry(loadPolicies(dir));
  }

  /** The version in force at `now`: the latest `effectiveFrom` that is not after it (never a shadow policy). */
  active(now: Date): LoadedPolicy {
    let found: LoadedPolicy | undefined;
    for (const item of this.timeline) {
      if (item.from > now.getTime()) break;
      found = item.policy;
    }
    if (found === undefined) {
      throw new NoActivePolicyError(now.toISOString(), this.timeline[0]?.policy.document.effectiveFrom);
    }
    return found;
  }

  /** The version with this hash, e.g. the one recorded on a session or a decision. */
  byHash(hash: string): LoadedPolicy | undefined {
    return this.hashes.get(hash);
  }

  /** Every loaded version that sessions may use, ordered by `effectiveFrom` (shadow policies are not among them). */
  all(): readonly LoadedPolicy[] {
    return this.timeline.map((item) => item.policy);
  }

  /** Every shadow policy declared, whether in force or not, in load order. */
  shadows(): readonly LoadedPolicy[] {
    return this.shadowTimeline.map((item) => item.policy);
  }

  /** The shadow policies in force at `at`: `effectiveFrom` not after it, `shadow.until` after it. */
  shadowsAt(at: Date): readonly LoadedPolicy[] {
    const time = at.getTime();
    return this.shadowTimeline
      .filter((item) => item.from <= time && time < item.until)
      .map((item) => item.policy);
  }
}
