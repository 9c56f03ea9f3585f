import { LedgerError } from '../shared/ledger-error';

/**
 * A candidate policy that fails validation: 422 naming each field and what is wrong with it. The document's own
 * values are not repeated (quoted values in the problems are replaced), so the answer never echoes the input.
 */
export class InvalidCandidatePolicyError extends LedgerError {
  readonly code = 'invalid_policy';
  override readonly httpStatus = 422;
  constructor(problems: readonly string[]) {
    const shown = problems.slice(0, 50).map(withoutValues);
    super(`the candidate policy is not valid (${problems.length} problem(s))`, {
      problems: shown,
      ...(problems.length > shown.length ? { moreProblems: problems.length - shown.length } : {}),
    });
  }
}

/** No replay with this id (never started here, or dropped as one of the oldest). */
export class ReplayNotFoundError extends LedgerError {
  readonly code = 'replay_not_found';
  override readonly httpStatus = 404;
  constructor() {
    super('no replay with this id (reports are kept for the most recent replays only; run it again)');
  }
}

/** As many replays run as the service allows at once: try again when one is done. */
export class ReplayLimitReachedError extends LedgerError {
  readonly code = 'replay_limit_reached';
  override readonly httpStatus = 409;
  constructor(running: number) {
    super(
      `${running} replay(s) are running, the most this service runs at once; try again when one is done`,
      {
        running,
      },
    );
  }
}

/**
 * A problem line with the JSON values it quotes replaced: field paths and rules stay, the input does not. Keys are
 * input too: a segment of the line's JSON pointer that is not a plain name (an invalid country code such as
 * `ZZZ-SECRET`, an unknown key with spaces or punctuation) is replaced by `<key>`.
 */
function withoutValues(problem: string): string {
  return problem
    .replace(/"(?:[^"\\]|\\.)*"(?:\.\.\.)?/g, '<value>')
    .replace(/^([^:]*: )(\/.*?)(: |$)/, (_, source: string, at: string, end: string) => {
      const segments = at.split('/').map((s) => (s === '' || /^[A-Za-z0-9_]{1,64}$/.test(s) ? s : '<key>'));
      return `${source}${segments.join('/')}${end}`;
    });
}
