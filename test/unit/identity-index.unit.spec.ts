import { describe, expect, it } from 'vitest';
import { normaliseDocumentNumber, normaliseName } from '../../src/ledger/crypto/identity-index';

/*
 * The blind index is only as good as its normalisation: two spellings of one identity must give one text to
 * key, and two identities must never give the same one.
 */

describe(normaliseDocumentNumber.name, () => {
  it('reads spaces, hyphens and case as one document number', () => {
    expect(normaliseDocumentNumber('T 2200-0129')).toBe('T22000129');
    expect(normaliseDocumentNumber('t22000129')).toBe(normaliseDocumentNumber('T 2200-0129'));
    expect(normaliseDocumentNumber(' t.2200/0129 ')).toBe('T22000129');
  });

  it('keeps different numbers apart', () => {
    expect(normaliseDocumentNumber('T22000129')).not.toBe(normaliseDocumentNumber('T22000130'));
    expect(normaliseDocumentNumber('T22000129')).not.toBe(normaliseDocumentNumber('22000129'));
  });

  it('leaves nothing of a number without letters or digits', () => {
    expect(normaliseDocumentNumber(' - / ')).toBe('');
  });
});

describe(normaliseName.name, () => {
  it('reads order, case, commas and diacritics as one name', () => {
    expect(normaliseName('MUSTERMANN, Érika')).toBe('erika mustermann');
    expect(normaliseName('erika mustermann')).toBe('erika mustermann');
    expect(normaliseName('Erika  Mustermann')).toBe(normaliseName('MUSTERMANN, Érika'));
  });

  it('keeps different names apart', () => {
    expect(normaliseName('Erika Mustermann')).not.toBe(normaliseName('Erik Mustermann'));
    expect(normaliseName('Erika Mustermann')).not.toBe(normaliseName('Erika Musterfrau'));
  });
});
