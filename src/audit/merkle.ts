import { createHash } from 'node:crypto';

/*
 * Merkle tree hashing in the manner of RFC 9162 (Certificate Transparency v2) §2.1: domain-separated leaf and
 * node hashes, so a leaf can never pass for an inner node; the tree of n leaves splits at the largest power of
 * two below n. Leaves here are ledger event hashes (32 raw bytes each) in global order.
 */

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(leaf: Buffer): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(leaf).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** Largest power of two strictly less than n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]): the root of the tree over the leaf hashes. The empty tree's root is SHA-256 of nothing. */
export function merkleRoot(leafHashes: readonly Buffer[]): Buffer {
  if (leafHashes.length === 0) return createHash('sha256').digest();
  return subtreeRoot(leafHashes, 0, leafHashes.length);
}

function subtreeRoot(hashes: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 1) {
    const only = hashes[start];
    if (!only) throw new RangeError('leaf index out of range');
    return only;
  }
  const k = split(n);
  return nodeHash(subtreeRoot(hashes, start, start + k), subtreeRoot(hashes, start + k, end));
}

/** PATH(m, D[n]): the audit path for leaf `index`, from the leaf's sibling up to the root's children. */
export function inclusionProof(leafHashes: readonly Buffer[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leafHashes.length) {
    throw new RangeError('leaf index out of range');
  }
  return path(leafHashes, index, 0, leafHashes.length);
}

function path(hashes: readonly Buffer[], m: number, start: number, end: number): Buffer[] {
  const n = end - start;
  if (n === 1) return [];
  const k = split(n);
  return m < k
    ? [...path(hashes, m, start, start + k), subtreeRoot(hashes, start + k, end)]
    : [...path(hashes, m - k, start + k, end), subtreeRoot(hashes, start, start + k)];
}

/**
 * Verifies an inclusion proof (RFC 9162 §2.1.3.2): that the leaf with hash `leaf` sits at `index` of a tree
 * of `treeSize` leaves whose root is `root`. Pure and self-contained, so an auditor can run it offline.
 */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  treeSize: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!Number.isInteger(index) || !Number.isInteger(treeSize) || index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}
