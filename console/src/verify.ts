/*
 * Checks an inclusion proof (GET /v1/audit/proofs/{eventId}) in the browser, with WebCrypto alone: the same
 * rules as the server (docs/ledger-format.md, "Signed checkpoints"), written again so that the console does not
 * take the server's word for its own proof. No DOM or Preact here: the unit tests run this file in Node.
 */

type Bytes = Uint8Array<ArrayBuffer>;

/** The signed checkpoint a proof leads to, as the API returns it. */
export interface CheckpointToVerify {
  /** Signed as a whole (its canonical JSON): every field, known here or not, is covered by the signature. */
  readonly statement: {
    readonly v: number;
    readonly treeSize: number;
    readonly rootHash: string;
    readonly keyId: string;
  };
  readonly signature: string;
  readonly publicKey: string;
}

/** An inclusion proof, as the API returns it. */
export interface ProofToVerify {
  readonly eventId: string;
  readonly eventHash: string;
  readonly position: number;
  readonly created: string | null;
  readonly leafVersion: number;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly auditPath: readonly string[];
  readonly checkpoint: CheckpointToVerify;
}

/** The steps, in the order they are shown. */
export const STEPS = ['event_hash', 'leaf', 'inclusion', 'key_id', 'trusted_key', 'signature'] as const;
export type Step = (typeof STEPS)[number];

export const STEP_TITLES: Readonly<Record<Step, string>> = {
  event_hash: 'Event hash matches the timeline',
  leaf: 'Leaf hash computed',
  inclusion: 'Audit path leads to the signed root',
  key_id: 'Key id matches the public key',
  trusted_key: 'Key is the one you trust',
  signature: 'Checkpoint signature is valid',
};

export interface Check {
  readonly step: Step;
  readonly title: string;
  readonly ok: boolean;
  /** One sentence for a person: what was compared, and what was found. */
  readonly detail: string;
}

export interface ProofVerification {
  readonly ok: boolean;
  readonly checks: readonly Check[];
  /** The first step that failed, when one did. */
  readonly failed: Check | undefined;
  /** Full SHA-256 (hex) of the signing key's SPKI DER; empty when the key could not be read. */
  readonly fingerprint: string;
  /** The key id the statement names. */
  readonly keyId: string;
  /** Whether the key was compared with a trusted fingerprint (without one, any key that signs passes). */
  readonly pinned: boolean;
}

/** A SHA-256 fingerprint as 64 lowercase hex digits (spaces, colons and case ignored), or undefined. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.replace(/[\s:]/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

// --- canonical JSON (RFC 8785 style, the rules of src/shared/canonical-json.ts) ---------------------------------

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Keys sorted by UTF-16 code units, no whitespace, ECMAScript number and string forms; anything without an exact
 * JSON form (undefined, non-finite numbers, bigint, functions, symbols, class instances, cycles) is refused.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`value at ${path} is not JSON: non-finite number`);
      return JSON.stringify(Object.is(value, -0) ? 0 : value);
    case 'object':
      break;
    case 'undefined':
    case 'bigint':
    case 'function':
    case 'symbol':
      throw new TypeError(`value at ${path} is not JSON: type ${typeof value}`);
  }
  if (seen.has(value)) throw new TypeError(`value at ${path} is not JSON: cycle`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item: unknown, i) => write(item, `${path}[${i}]`, seen)).join(',')}]`;
    }
    if (!isPlainObject(value)) throw new TypeError(`value at ${path} is not JSON: not a plain object`);
    const parts = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${write(value[key], `${path}.${key}`, seen)}`);
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}

// --- bytes ------------------------------------------------------------------------------------------------------

const HASH_HEX = /^[0-9a-f]{64}$/;

function utf8(text: string): Bytes {
  const encoded = new TextEncoder().encode(text);
  const bytes = new Uint8Array(encoded.length);
  bytes.set(encoded);
  return bytes;
}

function fromHex(hex: string): Bytes {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromBase64(text: string): Bytes | undefined {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return undefined;
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function concat(...parts: Uint8Array[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

async function sha256(...parts: Uint8Array[]): Promise<Bytes> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
}

/** The DER bytes of a PEM "PUBLIC KEY" (SPKI) block, or undefined when it is not one. */
export function spkiDer(pem: string): Bytes | undefined {
  const match = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem);
  return match?.[1] === undefined ? undefined : fromBase64(match[1]);
}

/** A hex string in groups of four, for reading aloud and comparing by eye. */
export function groupHex(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}

// --- the Merkle tree (RFC 9162 §2.1) -------------------------------------------------------------------------------

const LEAF = new Uint8Array([0x00]);
const NODE = new Uint8Array([0x01]);

/** The event leaf a checkpoint of `version` signs (src/audit/checkpoint-leaves.ts). */
export async function eventLeafHash(
  version: 1 | 2,
  input: { hash: string; position: number; created: string },
): Promise<Bytes> {
  if (version === 1) return sha256(LEAF, fromHex(input.hash));
  const body = canonicalJson({ v: 2, hash: input.hash, position: input.position, created: input.created });
  return sha256(LEAF, utf8(body));
}

/** RFC 9162 §2.1.3.2: whether `leaf` sits at `index` of a tree of `treeSize` leaves with root `root`. */
export async function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  path: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize)
    return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(NODE, p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(NODE, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

// --- the whole proof ---------------------------------------------------------------------------------------------

function check(step: Step, ok: boolean, detail: string): Check {
  return { step, title: STEP_TITLES[step], ok, detail };
}

const short = (hex: string): string => (hex.length > 16 ? `${hex.slice(0, 16)}…` : hex);

/**
 * Verifies an inclusion proof and its signed checkpoint: the proof's event hash is the one the timeline shows,
 * its leaf climbs the audit path to the statement's root, the public key is the one the statement names, and
 * the statement carries a valid Ed25519 signature by it. Every step is run and reported, so a person sees all
 * that holds and all that does not; `failed` names the first step that did not.
 */
export async function verifyProof(
  proof: ProofToVerify,
  timelineHash: string,
  trustedFingerprint?: string,
): Promise<ProofVerification> {
  const statement = proof.checkpoint.statement;
  const checks: Check[] = [];

  checks.push(
    proof.eventHash === timelineHash
      ? check('event_hash', true, `The proof is for hash ${short(timelineHash)}, as the timeline shows.`)
      : check(
          'event_hash',
          false,
          `The proof is for hash ${short(proof.eventHash)}, but the timeline shows ${short(timelineHash)}.`,
        ),
  );

  let leaf: Bytes | undefined;
  const version = proof.leafVersion;
  if (!HASH_HEX.test(proof.eventHash)) {
    checks.push(check('leaf', false, 'The event hash is not a 32-byte hex hash.'));
  } else if (version !== 1 && version !== 2) {
    checks.push(check('leaf', false, `Leaf version ${String(version)} is unknown.`));
  } else if (statement.v !== version) {
    checks.push(
      check(
        'leaf',
        false,
        `The proof says leaf version ${version}, the checkpoint is version ${String(statement.v)}.`,
      ),
    );
  } else if (version === 2 && proof.created === null) {
    checks.push(check('leaf', false, 'A version-2 leaf signs the store time, but the proof has none.'));
  } else {
    leaf = await eventLeafHash(version, {
      hash: proof.eventHash,
      position: proof.position,
      created: proof.created ?? '',
    });
    checks.push(
      check(
        'leaf',
        true,
        version === 1
          ? `Version-1 leaf over the event hash: ${short(toHex(leaf))}.`
          : `Version-2 leaf over hash, position ${proof.position} and store time ${proof.created ?? ''}: ${short(toHex(leaf))}.`,
      ),
    );
  }

  const rootHash = statement.rootHash;
  const badEntry = proof.auditPath.findIndex((h) => !HASH_HEX.test(h));
  if (leaf === undefined) {
    checks.push(check('inclusion', false, 'No leaf to climb from (see the step above).'));
  } else if (!HASH_HEX.test(rootHash)) {
    checks.push(check('inclusion', false, 'The signed root is not a 32-byte hex hash.'));
  } else if (badEntry >= 0) {
    checks.push(check('inclusion', false, `Audit path entry ${badEntry + 1} is not a 32-byte hex hash.`));
  } else if (proof.treeSize !== statement.treeSize) {
    checks.push(
      check(
        'inclusion',
        false,
        `The proof is for a tree of ${proof.treeSize} leaves, the checkpoint signed ${String(statement.treeSize)}.`,
      ),
    );
  } else {
    const included = await verifyInclusion(
      leaf,
      proof.leafIndex,
      proof.treeSize,
      proof.auditPath.map(fromHex),
      fromHex(rootHash),
    );
    checks.push(
      included
        ? check(
            'inclusion',
            true,
            `Leaf ${proof.leafIndex + 1} of ${proof.treeSize}, through ${proof.auditPath.length} sibling hashes, gives the signed root ${short(rootHash)}.`,
          )
        : check(
            'inclusion',
            false,
            `Leaf ${proof.leafIndex + 1} of ${proof.treeSize} and its ${proof.auditPath.length} sibling hashes do not give the signed root ${short(rootHash)}.`,
          ),
    );
  }

  const keyId = statement.keyId;
  const der = spkiDer(proof.checkpoint.publicKey);
  const fingerprint = der === undefined ? '' : toHex(await sha256(der));
  checks.push(
    der === undefined
      ? check('key_id', false, 'The public key is not a PEM SPKI key.')
      : fingerprint.slice(0, 16) === keyId
        ? check(
            'key_id',
            true,
            `The key's fingerprint begins with ${keyId}, the key id the checkpoint names.`,
          )
        : check(
            'key_id',
            false,
            `The key's fingerprint begins with ${fingerprint.slice(0, 16)}, but the checkpoint names key ${keyId}.`,
          ),
  );

  const trusted = trustedFingerprint === undefined ? undefined : normaliseFingerprint(trustedFingerprint);
  if (trusted !== undefined) {
    checks.push(
      fingerprint === trusted
        ? check('trusted_key', true, `The key is the one you trust (${fingerprint.slice(0, 16)}…).`)
        : check(
            'trusted_key',
            false,
            `The checkpoint was signed by key ${fingerprint === '' ? '(unreadable)' : `${fingerprint.slice(0, 16)}…`}, not by the key you trust (${trusted.slice(0, 16)}…).`,
          ),
    );
  }

  checks.push(await signatureCheck(proof.checkpoint, der));

  const failed = checks.find((c) => !c.ok);
  return { ok: failed === undefined, checks, failed, fingerprint, keyId, pinned: trusted !== undefined };
}

async function signatureCheck(checkpoint: CheckpointToVerify, der: Bytes | undefined): Promise<Check> {
  if (der === undefined) return check('signature', false, 'No public key to check the signature with.');
  const signature = fromBase64(checkpoint.signature);
  if (signature === undefined) return check('signature', false, 'The signature is not base64.');
  let message: Bytes;
  try {
    message = utf8(canonicalJson(checkpoint.statement));
  } catch (error) {
    return check('signature', false, `The statement has no canonical form: ${String(error)}.`);
  }
  try {
    const key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
    return valid
      ? check('signature', true, 'The Ed25519 signature over the canonical statement is valid for the key.')
      : check('signature', false, 'The Ed25519 signature does not match the statement and the key.');
  } catch {
    return check('signature', false, 'The public key is not an Ed25519 key this browser can use.');
  }
}
