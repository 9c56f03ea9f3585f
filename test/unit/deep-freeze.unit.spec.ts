import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/ledger/sqlite/log-tail';

/** Every object and array reachable from `value` through own enumerable members. */
function containers(value: unknown, found: object[] = []): object[] {
  if (typeof value !== 'object' || value === null) return found;
  found.push(value);
  for (const inner of Object.values(value)) containers(inner, found);
  return found;
}

describe(deepFreeze.name, () => {
  it('freezes every object and array of a JSON value and changes nothing in it', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (json) => {
        const copy = structuredClone(json);
        expect(deepFreeze(json)).toBe(json);
        expect(json).toEqual(copy);
        for (const container of containers(json)) expect(Object.isFrozen(container)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves an object frozen by someone else as it is, and what it reaches only through the prototype', () => {
    const inherited = { deep: { x: 1 } };
    const child = Object.create(inherited) as Record<string, unknown>;
    child.own = { y: 2 };
    deepFreeze(child);
    expect(Object.isFrozen(child.own)).toBe(true);
    expect(Object.isFrozen(inherited.deep)).toBe(false);
    const sealed = Object.freeze({ inner: { z: 3 } });
    deepFreeze(sealed);
    expect(Object.isFrozen(sealed.inner)).toBe(false);
  });
});
