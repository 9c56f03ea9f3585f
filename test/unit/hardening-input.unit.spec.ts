import { describe, expect, it } from 'vitest';
import { declaredCharsets } from '../../src/platform/auth/hostile-input';
import { prototypeMemberFields } from '../../src/platform/http/validation';

const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype);

describe(declaredCharsets.name, () => {
  it('finds the charset however it is spelled, quoted or not, lower-cased', () => {
    expect(declaredCharsets('application/json')).toEqual([]);
    expect(declaredCharsets('application/json; charset=utf-8')).toEqual(['utf-8']);
    expect(declaredCharsets('application/json;CharSet = "UTF-16LE" ')).toEqual(['utf-16le']);
    expect(declaredCharsets('application/json; charset="utf\\-7"')).toEqual(['utf-7']);
    expect(declaredCharsets('application/json; charset=')).toEqual(['']);
    expect(declaredCharsets('application/json; x=1;\tcharset=utf-32; y')).toEqual(['utf-32']);
  });

  it('finds every charset, so a second one cannot hide behind a first UTF-8', () => {
    expect(declaredCharsets('application/json; charset=utf-8; charset=utf-16le')).toEqual([
      'utf-8',
      'utf-16le',
    ]);
    expect(declaredCharsets('application/json; charset=utf-16le; charset=utf-8')).toEqual([
      'utf-16le',
      'utf-8',
    ]);
  });

  it('errs on finding too many: a charset inside another quoted value counts', () => {
    expect(declaredCharsets('application/json; p="a; charset=utf-7"; charset=utf-8')).toContain('utf-7"');
  });

  it('reads UTF-8 only where the value is utf-8, so look-alikes are refused', () => {
    const utf8 = (charset: string) =>
      declaredCharsets(`application/json; charset=${charset}`).every((c) => c === 'utf-8');
    for (const charset of ['utf-8', 'UTF-8', '"utf-8"', ' utf-8 ', '"Utf-8"  ', '"utf\\-8"']) {
      expect(utf8(charset), charset).toBe(true);
    }
    for (const charset of [
      'utf8',
      'utf-16',
      'utf-8 x',
      '"utf-8',
      'utf-8"',
      '""',
      '',
      'utf-8\u00a0',
      'x-utf-8',
    ]) {
      expect(utf8(charset), charset).toBe(false);
    }
  });
});

describe(prototypeMemberFields.name, () => {
  it('names each prototype member key at the top level, as JSON.parse makes it an own property', () => {
    for (const name of PROTOTYPE_NAMES) {
      expect(prototypeMemberFields(JSON.parse(`{"a":1,"${name}":{"b":2}}`)), name).toEqual([name]);
    }
  });

  it('finds them nested in objects and arrays, with the path the validation errors use', () => {
    const value: unknown = JSON.parse(
      '{"checks":[{"kind":"document"},{"kind":"x","constructor":1}],"riskSignals":{"toString":true},' +
        '"attributes":{"__proto__":{"admin":true}},"a b":{"valueOf":0}}',
    );
    expect(prototypeMemberFields(value)).toEqual([
      'checks.1.constructor',
      'riskSignals.toString',
      'attributes.__proto__',
      '(unnamed).valueOf',
    ]);
  });

  it('finds nothing in ordinary values, and does not look through inherited members', () => {
    expect(prototypeMemberFields({ subjectId: 's', checks: [{ kind: 'document' }] })).toEqual([]);
    expect(prototypeMemberFields([1, 'constructor', null, { proto: 1, Constructor: 2 }])).toEqual([]);
    expect(prototypeMemberFields('toString')).toEqual([]);
    expect(prototypeMemberFields(null)).toEqual([]);
  });

  it('walks deep values without recursion and names a bounded number of fields', () => {
    let deep: unknown = { toString: 1 };
    for (let i = 0; i < 100_000; i += 1) deep = [deep];
    expect(prototypeMemberFields(deep)).toHaveLength(1);
    const many = JSON.parse(`[${Array.from({ length: 1000 }, () => '{"valueOf":1}').join(',')}]`) as unknown;
    expect(prototypeMemberFields(many)).toHaveLength(20);
  });
});
