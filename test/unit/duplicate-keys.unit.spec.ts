import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { duplicateKeyPath } from '../../src/webhooks/duplicate-keys';

describe(duplicateKeyPath.name, () => {
  it('finds a key given twice at any depth, naming its path', () => {
    expect(duplicateKeyPath('{"a":1,"a":2}')).toBe('a');
    expect(duplicateKeyPath('{"review":{"answer":"GREEN","answer":"RED"}}')).toBe('review.answer');
    expect(duplicateKeyPath('{"items":[{"x":1},{"x":1,"y":2,"x":3}]}')).toBe('items.1.x');
    // The same name written with an escape is the same key to every parser.
    expect(duplicateKeyPath('{"ok":true,"o\\u006b":false}')).toBe('ok');
  });

  it('finds none in bodies without one, nor in text that is not JSON', () => {
    expect(duplicateKeyPath('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toBeUndefined();
    expect(duplicateKeyPath('[1,2,3]')).toBeUndefined();
    expect(duplicateKeyPath('{"a":')).toBeUndefined();
  });

  it('agrees with JSON.parse: a body has a duplicate exactly when re-serialising loses a member', () => {
    const key = fc.constantFrom('a', 'b', 'c');
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)),
      node: fc.oneof(
        { depthSize: 'small' },
        tie('leaf'),
        fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }),
        fc.array(tie('node'), { maxLength: 3 }).map((items) => ({ list: items })),
      ),
    })).node;
    /** Writes pairs as an object with the keys as given (duplicates kept), other values as JSON. */
    const write = (v: unknown): string => {
      if (
        Array.isArray(v) &&
        v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')
      ) {
        return `{${(v as [string, unknown][]).map(([k, x]) => `${JSON.stringify(k)}:${write(x)}`).join(',')}}`;
      }
      if (v !== null && typeof v === 'object' && 'list' in v) {
        return `[${(v as { list: unknown[] }).list.map(write).join(',')}]`;
      }
      return JSON.stringify(v);
    };
    const members = (text: string): number => (text.match(/"[abc]":/g) ?? []).length;
    fc.assert(
      fc.property(value, (v) => {
        const text = write(v);
        const lost = members(JSON.stringify(JSON.parse(text))) < members(text);
        expect(duplicateKeyPath(text) !== undefined).toBe(lost);
      }),
      { numRuns: 300 },
    );
  });
});
