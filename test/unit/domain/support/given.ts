import { expect } from 'vitest';
import { canonicalJson } from '../../../../src/shared/canonical-json';

/*
 * Specifications for deciders in given/when/then form:
 *
 *   given([initiated, captureStarted]).when(submitEvidence).then([evidenceSubmitted]);
 *   given([]).when(startCapture).thenThrows(NotFoundError, { code: 'not_found' });
 *
 * Every event a decider produces is checked on the way: its data is JSON that the ledger accepts (canonical JSON
 * refuses undefined, Dates, NaN), it contains none of the personal-data strings the specification declares, and
 * it folds through `evolve` after the given events without error.
 */

export interface Decider<C, E, S> {
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  readonly initialState: S;
}

interface EventShape {
  readonly type: string;
  readonly data: unknown;
  readonly pii?: unknown;
}

type ErrorClass<T extends Error> = abstract new (...args: never[]) => T;

export interface Then<E, S> {
  /** Exactly these events, in this order. */
  then(expected: readonly E[]): readonly E[];
  /** Events matching these (partial, asymmetric matchers allowed), as many and in this order. */
  thenMatches(expected: readonly unknown[]): readonly E[];
  /** No event: a no-op such as a duplicate delivery. */
  thenNothing(): void;
  thenThrows<T extends Error>(errorClass: ErrorClass<T>, expected?: Record<string, unknown>): T;
  /** The produced events, for assertions of their own. */
  events(): readonly E[];
  /** The state after the given and the produced events. */
  state(): S;
}

export interface SpecOptions {
  /** Personal data the specification's commands carry: none of it may appear in any event's `data`. */
  readonly personalData?: readonly string[];
}

export function specFor<C, E extends EventShape, S>(decider: Decider<C, E, S>, options: SpecOptions = {}) {
  const fold = (events: readonly E[], from: S = decider.initialState): S =>
    events.reduce((state, event) => decider.evolve(state, event), from);

  const checked = (produced: readonly E[]): readonly E[] => {
    for (const event of produced) {
      expect(() => canonicalJson(event.data), `${event.type} data is JSON`).not.toThrow();
      if (event.pii !== undefined)
        expect(() => canonicalJson(event.pii), `${event.type} pii is JSON`).not.toThrow();
      const data = JSON.stringify(event.data);
      for (const value of options.personalData ?? []) {
        expect(data, `${event.type} data must not contain personal data`).not.toContain(value);
      }
    }
    return produced;
  };

  return (given: readonly E[]): { when(command: C): Then<E, S> } => ({
    when(command: C): Then<E, S> {
      const before = fold(given);
      const run = (): readonly E[] => {
        const produced = checked(decider.decide(command, before));
        fold(produced, before);
        return produced;
      };
      return {
        then(expected) {
          const produced = run();
          expect(produced).toEqual(expected);
          return produced;
        },
        thenMatches(expected) {
          const produced = run();
          expect(produced).toHaveLength(expected.length);
          expect(produced).toMatchObject(expected);
          return produced;
        },
        thenNothing() {
          expect(run()).toEqual([]);
        },
        thenThrows<T extends Error>(errorClass: ErrorClass<T>, expected?: Record<string, unknown>): T {
          let thrown: unknown;
          try {
            decider.decide(command, before);
          } catch (error) {
            thrown = error;
          }
          expect(thrown, 'the command must be refused').toBeInstanceOf(errorClass);
          if (expected !== undefined) expect(thrown).toMatchObject(expected);
          return thrown as T;
        },
        events: run,
        state() {
          return fold(run(), before);
        },
      };
    },
  });
}
