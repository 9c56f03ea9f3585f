import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds } from '../../src/platform/auth/hostile-input';

/** Reference: the nesting depth of a parsed JSON value (arrays and objects count one level each). */
function depth(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depth));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depth));
  return 0;
}

describe(jsonDepthExceeds.name, () => {
  it('agrees with the depth of the parsed value, for any JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 12 }), (value, limit) => {
        const raw = Buffer.from(JSON.stringify(value));
        expect(jsonDepthExceeds(raw, limit)).toBe(depth(value) > limit);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ a: '[[[[{{{{' })), 1)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from(JSON.stringify({ a: 'x\\"[[[[', b: '\\\\' })), 1)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('[[["\\"]"]]]'), 3)).toBe(false);
    expect(jsonDepthExceeds(Buffer.from('[[["\\"]"]]]'), 2)).toBe(true);
  });

  it('stops at the limit without walking the rest', () => {
    const huge = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(jsonDepthExceeds(huge, 32)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('{}'), 0)).toBe(true);
    expect(jsonDepthExceeds(Buffer.from('"plain"'), 0)).toBe(false);
  });
});
