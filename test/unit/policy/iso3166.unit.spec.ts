import { describe, expect, it } from 'vitest';
import { ISO_3166_1_ALPHA_2, isIso3166Alpha2 } from '../../../src/domain/policy/iso3166';

describe(isIso3166Alpha2.name, () => {
  it('knows all 249 officially assigned codes, each two upper-case letters', () => {
    expect(ISO_3166_1_ALPHA_2.size).toBe(249);
    for (const code of ISO_3166_1_ALPHA_2) expect(code).toMatch(/^[A-Z]{2}$/);
  });

  it.each(['DE', 'GB', 'US', 'FR', 'KP', 'IR', 'AX', 'BQ', 'SS', 'SX', 'CW', 'ZW', 'AD'])(
    'accepts %s',
    (code) => {
      expect(isIso3166Alpha2(code)).toBe(true);
    },
  );

  it.each([
    ['lower case', 'de'],
    ['mixed case', 'De'],
    ['the exceptionally reserved UK', 'UK'],
    ['the user-assigned XK (Kosovo)', 'XK'],
    ['the reserved EU', 'EU'],
    ['the withdrawn AN (Netherlands Antilles)', 'AN'],
    ['an alpha-3 code', 'DEU'],
    ['an empty string', ''],
    ['padding', ' DE'],
  ])('refuses %s', (_what, code) => {
    expect(isIso3166Alpha2(code)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isIso3166Alpha2(49)).toBe(false);
    expect(isIso3166Alpha2(null)).toBe(false);
  });
});
