import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson as consoleCanonicalJson,
  type ProofToVerify,
  verifyProof,
} from '../../console/src/verify';
import { eventLeaf, type LeafVersion } from '../../src/audit/checkpoint-leaves';
import {
  type CheckpointStatement,
  keyIdOf,
  publicKeyPem,
  signStatement,
} from '../../src/audit/checkpoint-statement';
import { inclusionProof, merkleRoot } from '../../src/audit/merkle';
import { canonicalJson } from '../../src/shared/canonical-json';

/* The console's proof check against proofs built by the server's own code: what passes there must pass here. */

const hashOf = (text: string): string => createHash('sha256').update(text).digest('hex');

type Statement = ProofToVerify['checkpoint']['statement'];

interface Built {
  readonly proof: ProofToVerify;
  /** The event hash the timeline shows. */
  readonly hash: string;
}

function newKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

/** A signed checkpoint over `size` events and the proof of event `index`, as ProofService builds it. */
function build(version: LeafVersion, size: number, index: number, key: KeyObject): Built {
  const events = Array.from({ length: size }, (_, i) => ({
    hash: hashOf(`event ${i} of ${size}`),
    position: 100 + i * 3,
    created: new Date(Date.UTC(2026, 10, 26, 10, 0, i)).toISOString(),
  }));
  const leaves = events.map((e) => eventLeaf(version, e));
  const base = {
    ledger: 'kyc-ledger' as const,
    sequence: 4,
    fromPosition: 99,
    toPosition: 100 + (size - 1) * 3,
    treeSize: size,
    rootHash: merkleRoot(leaves).toString('hex'),
    previousRootHash: hashOf('previous'),
    signedAt: '2026-11-26T10:05:00.000Z',
    keyId: keyIdOf(publicKeyOf(key)),
  };
  const statement: CheckpointStatement =
    version === 1 ? { ...base, v: 1 } : { ...base, v: 2, headsRoot: hashOf('heads'), headsCount: 3 };
  const event = events[index]!;
  return {
    hash: event.hash,
    proof: {
      eventId: `evt-${index}`,
      eventHash: event.hash,
      position: event.position,
      created: event.created,
      leafVersion: version,
      leafIndex: index,
      treeSize: size,
      auditPath: inclusionProof(leaves, index).map((h) => h.toString('hex')),
      checkpoint: { statement, signature: signStatement(statement, key), publicKey: publicKeyPem(key) },
    },
  };
}

const publicKeyOf = (key: KeyObject): KeyObject => createPublicKey(key);

/** Flips the last hex digit of a hash (a one-bit-or-more change that stays valid hex). */
const flip = (hex: string): string => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;

async function failedStep(proof: ProofToVerify, hash: string): Promise<string | undefined> {
  return (await verifyProof(proof, hash)).failed?.step;
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17];

describe(verifyProof.name, () => {
  const key = newKey();

  it.each([1, 2] as const)(
    'verifies every index of trees of several sizes (leaf version %i)',
    async (version) => {
      for (const size of SIZES) {
        for (let index = 0; index < size; index += 1) {
          const { proof, hash } = build(version, size, index, key);
          const result = await verifyProof(proof, hash);
          expect(result.failed, `size ${size} index ${index}`).toBeUndefined();
          expect(result.ok).toBe(true);
          expect(result.checks.map((c) => [c.step, c.ok])).toEqual([
            ['event_hash', true],
            ['leaf', true],
            ['inclusion', true],
            ['key_id', true],
            ['signature', true],
          ]);
        }
      }
    },
  );

  it('reports the key id and the full fingerprint of the SPKI DER key', async () => {
    const { proof, hash } = build(2, 5, 2, key);
    const result = await verifyProof(proof, hash);
    const der = publicKeyOf(key).export({ type: 'spki', format: 'der' });
    const fingerprint = createHash('sha256').update(der).digest('hex');
    expect(result.fingerprint).toBe(fingerprint);
    expect(result.keyId).toBe(fingerprint.slice(0, 16));
  });

  it('fails at the inclusion step when any byte of any audit-path hash is changed', async () => {
    for (const version of [1, 2] as const) {
      for (const size of [2, 5, 13]) {
        for (let index = 0; index < size; index += 1) {
          const { proof, hash } = build(version, size, index, key);
          for (let entry = 0; entry < proof.auditPath.length; entry += 1) {
            for (let byte = 0; byte < 32; byte += 1) {
              const path = [...proof.auditPath];
              const hex = path[entry]!;
              const digit = hex[byte * 2] === 'f' ? 'e' : 'f';
              path[entry] = `${hex.slice(0, byte * 2)}${digit}${hex.slice(byte * 2 + 1)}`;
              expect(await failedStep({ ...proof, auditPath: path }, hash)).toBe('inclusion');
            }
          }
          if (proof.auditPath.length > 0) {
            expect(await failedStep({ ...proof, auditPath: proof.auditPath.slice(1) }, hash)).toBe(
              'inclusion',
            );
            expect(await failedStep({ ...proof, auditPath: [...proof.auditPath, hash] }, hash)).toBe(
              'inclusion',
            );
          }
        }
      }
    }
  });

  it('fails at the inclusion step for another index or tree size', async () => {
    for (const size of SIZES) {
      for (let index = 0; index < size; index += 1) {
        const { proof, hash } = build(2, size, index, key);
        for (let other = 0; other <= size; other += 1) {
          if (other === index) continue;
          expect(await failedStep({ ...proof, leafIndex: other }, hash), `${size}: ${index}→${other}`).toBe(
            'inclusion',
          );
        }
        expect(await failedStep({ ...proof, leafIndex: -1 }, hash)).toBe('inclusion');
        for (const otherSize of [size - 1, size + 1, size * 2]) {
          if (otherSize === size) continue;
          expect(await failedStep({ ...proof, treeSize: otherSize }, hash)).toBe('inclusion');
        }
      }
    }
  });

  it('fails at the inclusion step when the signed root is changed, and the signature fails too', async () => {
    const { proof, hash } = build(2, 9, 4, key);
    const statement = {
      ...proof.checkpoint.statement,
      rootHash: flip(proof.checkpoint.statement.rootHash),
    };
    const result = await verifyProof({ ...proof, checkpoint: { ...proof.checkpoint, statement } }, hash);
    expect(result.failed?.step).toBe('inclusion');
    expect(result.checks.filter((c) => !c.ok).map((c) => c.step)).toEqual(['inclusion', 'signature']);
  });

  it('fails at the event-hash step when the proof is for another hash than the timeline shows', async () => {
    const { proof, hash } = build(2, 6, 3, key);
    const result = await verifyProof({ ...proof, eventHash: flip(proof.eventHash) }, hash);
    expect(result.failed?.step).toBe('event_hash');
    expect(result.checks.find((c) => c.step === 'inclusion')?.ok).toBe(false);
    expect(await failedStep(proof, flip(hash))).toBe('event_hash');
  });

  it('fails at the inclusion step when the signed position or store time of a version-2 leaf is changed', async () => {
    const { proof, hash } = build(2, 6, 3, key);
    expect(await failedStep({ ...proof, position: proof.position + 1 }, hash)).toBe('inclusion');
    expect(await failedStep({ ...proof, created: '2026-11-26T10:00:04.001Z' }, hash)).toBe('inclusion');
    expect(await failedStep({ ...proof, created: null }, hash)).toBe('leaf');
    expect(await failedStep({ ...proof, leafVersion: 1 }, hash)).toBe('leaf');
  });

  it.each([
    ['sequence', (s: Record<string, unknown>) => ({ ...s, sequence: 5 })],
    ['fromPosition', (s: Record<string, unknown>) => ({ ...s, fromPosition: 98 })],
    ['toPosition', (s: Record<string, unknown>) => ({ ...s, toPosition: (s.toPosition as number) + 1 })],
    ['previousRootHash', (s: Record<string, unknown>) => ({ ...s, previousRootHash: null })],
    ['signedAt', (s: Record<string, unknown>) => ({ ...s, signedAt: '2026-11-26T10:05:00.001Z' })],
    ['headsRoot', (s: Record<string, unknown>) => ({ ...s, headsRoot: flip(s.headsRoot as string) })],
    ['headsCount', (s: Record<string, unknown>) => ({ ...s, headsCount: 4 })],
    ['an added field', (s: Record<string, unknown>) => ({ ...s, note: 'trust me' })],
  ])('fails at the signature step when the statement’s %s is changed', async (_field, change) => {
    const { proof, hash } = build(2, 7, 2, key);
    // A statement as a forger would send it: any shape, still signed over as a whole.
    const statement = change({ ...proof.checkpoint.statement }) as unknown as Statement;
    const result = await verifyProof({ ...proof, checkpoint: { ...proof.checkpoint, statement } }, hash);
    expect(result.failed?.step).toBe('signature');
    expect(result.checks.filter((c) => !c.ok).map((c) => c.step)).toEqual(['signature']);
  });

  it('fails at the signature step for any changed signature byte', async () => {
    const { proof, hash } = build(2, 7, 2, key);
    const signature = Buffer.from(proof.checkpoint.signature, 'base64');
    for (let i = 0; i < signature.length; i += 1) {
      const changed = Buffer.from(signature);
      changed[i] = changed[i]! ^ 0x01;
      const checkpoint = { ...proof.checkpoint, signature: changed.toString('base64') };
      expect(await failedStep({ ...proof, checkpoint }, hash), `byte ${i}`).toBe('signature');
    }
    const checkpoint = { ...proof.checkpoint, signature: 'not base64!' };
    expect(await failedStep({ ...proof, checkpoint }, hash)).toBe('signature');
  });

  it('fails at the key-id step when another key is swapped in, and its signature does not hold either', async () => {
    const { proof, hash } = build(2, 7, 2, key);
    const checkpoint = { ...proof.checkpoint, publicKey: publicKeyPem(newKey()) };
    const result = await verifyProof({ ...proof, checkpoint }, hash);
    expect(result.failed?.step).toBe('key_id');
    expect(result.checks.filter((c) => !c.ok).map((c) => c.step)).toEqual(['key_id', 'signature']);
    const garbled = { ...proof.checkpoint, publicKey: 'not a key' };
    expect(await failedStep({ ...proof, checkpoint: garbled }, hash)).toBe('key_id');
  });

  it('fails at the signature step when a statement signed by another key names that key', async () => {
    // Self-consistent but not the ledger's key: only the shown fingerprint tells it apart.
    const other = newKey();
    const { proof, hash } = build(2, 3, 1, key);
    const statement = { ...proof.checkpoint.statement, keyId: keyIdOf(publicKeyOf(other)) };
    const checkpoint = { ...proof.checkpoint, statement, publicKey: publicKeyPem(other) };
    expect(await failedStep({ ...proof, checkpoint }, hash)).toBe('signature');
  });

  it('with a trusted fingerprint: passes for that key only; a checkpoint re-signed by another key fails there', async () => {
    const { proof, hash } = build(2, 5, 3, key);
    const fingerprint = createHash('sha256')
      .update(publicKeyOf(key).export({ type: 'spki', format: 'der' }))
      .digest('hex');
    // Spaces, colons and case are ignored, as a fingerprint is often written in groups.
    const written = fingerprint.toUpperCase().replace(/(.{4})/g, '$1 ');
    const pinned = await verifyProof(proof, hash, written);
    expect(pinned.ok).toBe(true);
    expect(pinned.pinned).toBe(true);
    expect(pinned.checks.map((c) => c.step)).toEqual([
      'event_hash',
      'leaf',
      'inclusion',
      'key_id',
      'trusted_key',
      'signature',
    ]);
    expect((await verifyProof(proof, hash)).pinned).toBe(false);

    // An attacker re-signs the same root with a key of their own that names itself: every other step holds.
    const other = newKey();
    const statement = {
      ...proof.checkpoint.statement,
      keyId: keyIdOf(publicKeyOf(other)),
    } as CheckpointStatement;
    const forged = {
      ...proof,
      checkpoint: { statement, signature: signStatement(statement, other), publicKey: publicKeyPem(other) },
    };
    expect((await verifyProof(forged, hash)).ok).toBe(true);
    const caught = await verifyProof(forged, hash, fingerprint);
    expect(caught.failed?.step).toBe('trusted_key');
    expect(caught.checks.filter((c) => !c.ok).map((c) => c.step)).toEqual(['trusted_key']);
    // Anything that is not a SHA-256 fingerprint pins nothing.
    expect((await verifyProof(proof, hash, 'abc')).pinned).toBe(false);
  });
});

describe('console canonicalJson', () => {
  it('writes what the server’s canonical JSON writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(consoleCanonicalJson(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it('writes what the server writes for objects with awkward keys and numbers', () => {
    const key = fc.string({ unit: 'binary', maxLength: 6 });
    const leaf = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      fc.string({ unit: 'binary' }),
      fc.boolean(),
      fc.constant(null),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('tree')), fc.dictionary(key, tie('tree'))),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        expect(consoleCanonicalJson(value)).toBe(canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what the server refuses', () => {
    for (const value of [
      { n: Number.NaN },
      [Number.POSITIVE_INFINITY],
      { u: undefined },
      { d: new Date(0) },
    ]) {
      expect(() => canonicalJson(value)).toThrow();
      expect(() => consoleCanonicalJson(value)).toThrow(TypeError);
    }
  });
});
