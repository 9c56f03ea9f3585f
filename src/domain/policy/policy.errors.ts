import { LedgerError } from '../../shared/ledger-error';
import { DomainError } from '../shared/domain-error';

/*
 * Errors of the policy engine. Each has its own stable code so the API can answer a bad jurisdiction with a 422
 * and an operator can tell a refused request from a broken policy. Messages carry codes and names only.
 */

/** Codes people often use that ISO 3166-1 spells otherwise, mapped to the assigned code. */
const COMMON_MISTAKES: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR', EN: 'GB' };

/** A jurisdiction that is not an officially assigned ISO 3166-1 alpha-2 code (upper case). */
export class UnknownJurisdictionError extends DomainError {
  readonly code = 'unknown_jurisdiction';
  constructor(jurisdiction: string) {
    // The value is not echoed (what a user typed may be personal data); a common mistake gets a hint.
    const hint = `use an ISO 3166-1 alpha-2 code such as ${COMMON_MISTAKES[jurisdiction.toUpperCase()] ?? 'DE'}`;
    super(`jurisdiction must be an ISO 3166-1 alpha-2 country code (upper case); ${hint}`, {
      field: 'jurisdiction',
      hint,
    });
  }
}

/** A segment the policy does not declare. */
export class UnknownSegmentError extends DomainError {
  readonly code = 'unknown_segment';
  constructor(_segment: string, known: readonly string[]) {
    super(`segment must be one of ${known.join(', ')}`, { field: 'segment', known: [...known] });
  }
}

/** Risk signals the policy does not declare: refused rather than silently ignored. */
export class UnknownRiskSignalError extends DomainError {
  readonly code = 'unknown_risk_signal';
  constructor(signals: readonly string[], known: readonly string[]) {
    super(`unknown risk signal(s) ${signals.join(', ')}; the policy declares ${known.join(', ')}`, {
      signals: [...signals],
      known: [...known],
    });
  }
}

/** A tier that the rules of the session's jurisdiction and segment do not have (a session/policy mismatch). */
export class UnknownTierError extends DomainError {
  readonly code = 'unknown_tier';
  constructor(tier: string, known: readonly string[]) {
    super(`tier ${JSON.stringify(tier)} is not one of ${known.join(', ')}`, { tier, known: [...known] });
  }
}

/** A string that is not an ISO 8601 duration of the supported form, or an instant that is not ISO 8601. */
export class InvalidDurationError extends DomainError {
  readonly code = 'invalid_duration';
  constructor(message: string, value: string) {
    super(message, { value });
  }
}

/** No policy version is in force at the requested time. */
export class NoActivePolicyError extends DomainError {
  readonly code = 'no_active_policy';
  constructor(at: string, earliest: string | undefined) {
    super(
      earliest === undefined
        ? `no policy is loaded (asked for ${at})`
        : `no policy is in force at ${at}; the earliest takes effect at ${earliest}`,
      { at, earliest: earliest ?? null },
    );
  }
}

/**
 * Policy documents that cannot be used: unreadable, not YAML/JSON, against the schema, semantically wrong,
 * duplicated or ambiguous. The message lists every problem, each naming its file and field, so one start-up
 * attempt shows everything to fix.
 */
export class PolicyLoadError extends LedgerError {
  readonly code = 'policy_invalid';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(
      `policy documents are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
      { problems: [...problems] },
    );
    this.problems = [...problems];
  }
}
