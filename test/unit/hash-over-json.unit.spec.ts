import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeEventHash, computeEventHashOverJson, GENESIS_HASH } from '../../src/ledger/hash-chain';
import { canonicalJson } from '../../src/shared/canonical-json';
import type { JsonObject } from '../../src/shared/json';

const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.parse(JSON.stringify(value)) as unknown);
const object = fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 6 }) as fc.Arbitrary<JsonObject>;
const hex = fc.stringMatching(/^[0-9a-f]{64}$/);

describe(computeEventHashOverJson.name, () => {
  it('equals the canonical hash over the canonical text of data and metadata (property)', () => {
    fc.assert(
      fc.property(
        hex,
        hex,
        object,
        object,
        fc.string({ maxLength: 20 }),
        fc.nat(),
        fc.string({ maxLength: 20 }),
        (prevHash, hash, data, extra, stream, revision, type) => {
          const metadata: JsonObject = { ...extra, prevHash, hash };
          const input = { stream, revision, type, metadata };
          const expected = computeEventHash(prevHash, { ...input, data });
          expect(
            computeEventHashOverJson(prevHash, {
              ...input,
              dataJson: canonicalJson(data),
              metadataJson: canonicalJson(metadata),
            }),
          ).toBe(expected);
          // Without the metadata's text it canonicalises the parsed metadata.
          expect(computeEventHashOverJson(prevHash, { ...input, dataJson: canonicalJson(data) })).toBe(
            expected,
          );
        },
      ),
    );
  });

  it('differs when the stored text is not the canonical form, so verification falls back to the content', () => {
    const metadata = { actor: { id: 'a', hash: 'x' }, prevHash: GENESIS_HASH, hash: 'f'.repeat(64) };
    const input = { stream: 's', revision: 0, type: 'T', metadata };
    const canonical = computeEventHash(GENESIS_HASH, { ...input, data: { a: 1, b: 2 } });
    expect(computeEventHashOverJson(GENESIS_HASH, { ...input, dataJson: '{"b":2,"a":1}' })).not.toBe(
      canonical,
    );
    expect(computeEventHashOverJson(GENESIS_HASH, { ...input, dataJson: '{"a":1,"b":2}' })).toBe(canonical);
    // A metadata text where the members are not found as written falls back to canonicalising the parsed one.
    expect(
      computeEventHashOverJson(GENESIS_HASH, {
        ...input,
        dataJson: '{"a":1,"b":2}',
        metadataJson: '{ "something": "else" }',
      }),
    ).toBe(canonical);
  });
});
