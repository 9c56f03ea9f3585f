import type { PiiSection } from './crypto/pii-cipher';
import { isPlainObject, type JsonObject } from '../shared/json';

export const ACTOR_KINDS = ['user', 'service', 'vendor', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface Actor extends JsonObject {
  kind: ActorKind;
  id: string;
  roles: string[];
}

/**
 * The metadata every ledger event carries (docs/ledger-format.md, "An event as stored"). `prevHash` and `hash` form the per-stream chain;
 * everything else is covered by `hash`.
 */
export interface UnsealedMetadata extends JsonObject {
  eventId: string;
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
  correlationId: string;
  causationId: string | null;
  schemaVersion: number;
  prevHash: string;
}

export interface EventMetadata extends UnsealedMetadata {
  hash: string;
}

/** A ledger event as read back: envelope parsed, personal data still encrypted. */
export interface LedgerEvent {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly eventId: string;
  readonly type: string;
  /** Non-personal fields of the event. */
  readonly data: JsonObject;
  /** Encrypted personal data, or null when the event carries none. */
  readonly pii: PiiSection | null;
  readonly metadata: EventMetadata;
}

/** The key in stored event data that holds the encrypted personal data section. */
export const PII_KEY = 'pii';

export function isEventMetadata(value: unknown): value is EventMetadata {
  if (!isPlainObject(value)) return false;
  const actor = value.actor;
  return (
    typeof value.eventId === 'string' &&
    typeof value.occurredAt === 'string' &&
    typeof value.recordedAt === 'string' &&
    typeof value.correlationId === 'string' &&
    (value.causationId === null || typeof value.causationId === 'string') &&
    typeof value.schemaVersion === 'number' &&
    typeof value.prevHash === 'string' &&
    typeof value.hash === 'string' &&
    isPlainObject(actor) &&
    typeof actor.kind === 'string' &&
    (ACTOR_KINDS as readonly string[]).includes(actor.kind) &&
    typeof actor.id === 'string' &&
    Array.isArray(actor.roles)
  );
}
