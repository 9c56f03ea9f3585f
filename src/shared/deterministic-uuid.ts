import { createHash } from 'node:crypto';

/** Namespace of ids derived by the ledger (a fixed random UUID). */
export const LEDGER_NAMESPACE = '6f1c1f0e-3b7a-4c0e-9a55-2a9f4f6b8d21';

/**
 * RFC 9562 UUID version 5 (SHA-1, name-based). The same name always gives the same id, so a command retried
 * with the same Idempotency-Key creates the same session and event ids, and the event store's idempotent
 * re-append absorbs a retry that arrives after a crash.
 */
export function uuidV5(name: string, namespace: string = LEDGER_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
