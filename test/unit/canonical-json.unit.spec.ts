import { describe, expect, it } from 'vitest';
import { canonicalJson, NotCanonicalJsonError } from '../../src/shared/canonical-json';

describe(canonicalJson.name, () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('gives equal objects the same form whatever their key order', () => {
    expect(canonicalJson({ x: 1, y: [true, null] })).toBe(canonicalJson({ y: [true, null], x: 1 }));
  });

  it('serialises numbers and strings the ECMAScript way (RFC 8785)', () => {
    expect(canonicalJson([1e21, 0.1, -0, 1.5e-7, 'é\u2028"'])).toBe('[1e+21,0.1,0,1.5e-7,"é\u2028\\""]');
  });

  it('sorts keys by UTF-16 code units', () => {
    expect(canonicalJson({ '\u00e9': 1, z: 2, Z: 3, '\ud83d\ude00': 4 })).toBe('{"Z":3,"z":2,"é":1,"😀":4}');
  });

  it.each([
    ['NaN', { n: Number.NaN }, '$.n'],
    ['Infinity', [Number.POSITIVE_INFINITY], '$[0]'],
    ['undefined', { u: undefined }, '$.u'],
    ['a Date', { d: new Date(0) }, '$.d'],
    ['a function', { f: (): number => 1 }, '$.f'],
    ['a bigint', { b: BigInt(2) }, '$.b'],
  ])('refuses %s and names where it is', (_name, value, path) => {
    expect(() => canonicalJson(value)).toThrow(NotCanonicalJsonError);
    try {
      canonicalJson(value);
    } catch (error) {
      expect((error as NotCanonicalJsonError).path).toBe(path);
    }
  });

  it('refuses cycles but accepts a shared sub-object', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });
});
