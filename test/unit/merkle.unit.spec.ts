import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inclusionProof, leafHash, merkleRoot, nodeHash, verifyInclusion } from '../../src/audit/merkle';

const sha = (s: string): Buffer => createHash('sha256').update(s).digest();
const leaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => leafHash(sha(`event-${i}`)));

describe('Merkle tree (RFC 9162)', () => {
  it('separates leaf and node hashing domains', () => {
    const a = sha('a');
    const b = sha('b');
    expect(
      leafHash(a).equals(
        createHash('sha256')
          .update(Buffer.concat([Buffer.from([0]), a]))
          .digest(),
      ),
    ).toBe(true);
    expect(
      nodeHash(a, b).equals(
        createHash('sha256')
          .update(Buffer.concat([Buffer.from([1]), a, b]))
          .digest(),
      ),
    ).toBe(true);
    expect(leafHash(Buffer.concat([a, b])).equals(nodeHash(a, b))).toBe(false);
  });

  it('builds the tree by splitting at the largest power of two below n', () => {
    const l = leaves(5);
    const [l0, l1, l2, l3, l4] = l as [Buffer, Buffer, Buffer, Buffer, Buffer];
    const expected = nodeHash(nodeHash(nodeHash(l0, l1), nodeHash(l2, l3)), l4);
    expect(merkleRoot(l).equals(expected)).toBe(true);
    expect(merkleRoot([l0]).equals(l0)).toBe(true);
    expect(merkleRoot([]).equals(createHash('sha256').digest())).toBe(true);
  });

  it('refuses an index outside the tree', () => {
    const l = leaves(4);
    const root = merkleRoot(l);
    expect(verifyInclusion(l[0]!, 4, 4, inclusionProof(l, 3), root)).toBe(false);
    expect(verifyInclusion(l[0]!, -1, 4, inclusionProof(l, 0), root)).toBe(false);
    expect(() => inclusionProof(l, 4)).toThrow(RangeError);
  });

  it('proves every leaf of trees of every size up to 70', () => {
    for (let n = 1; n <= 70; n += 1) {
      const l = leaves(n);
      const root = merkleRoot(l);
      for (let i = 0; i < n; i += 1) {
        expect(verifyInclusion(l[i]!, i, n, inclusionProof(l, i), root), `n=${n} i=${i}`).toBe(true);
      }
    }
  });

  it('refuses a modified leaf, a wrong index, a short or padded path and another root', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), (n, seed) => {
        const l = leaves(n);
        const i = seed % n;
        const proof = inclusionProof(l, i);
        const root = merkleRoot(l);
        const leaf = l[i]!;
        expect(verifyInclusion(leafHash(sha('forged')), i, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, (i + 1) % n, n, proof, root)).toBe(false);
        expect(verifyInclusion(leaf, i, n, proof.slice(1), root)).toBe(false);
        expect(verifyInclusion(leaf, i, n, [...proof, sha('pad')], root)).toBe(false);
        expect(verifyInclusion(leaf, i, n, proof, merkleRoot(l.slice(0, n - 1)))).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
