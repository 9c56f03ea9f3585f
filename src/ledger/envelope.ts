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

/** What verification needs of an envelope stored as the ledger writes it, read from its text. */
export interface CanonicalEnvelope {
  readonly eventId: string;
  readonly hash: string;
  readonly prevHash: string;
  /** The text without its `hash` and `prevHash` members: the metadata's canonical form inside the hash. */
  readonly unsealedJson: string;
}

/**
 * A JSON string: no raw quote, backslash, control character or lone surrogate (text that is not well-formed
 * UTF-16 could encode to the same UTF-8 bytes as other text); only JSON's escapes. Written as runs of plain
 * characters between escapes, which the regular expression engine matches faster than one choice per character.
 */
const PLAIN = String.raw`[^"\\\u0000-\u001f\ud800-\udfff]`;
const PAIR = String.raw`[\ud800-\udbff][\udc00-\udfff]`;
const ESCAPE_OR_PAIR = String.raw`(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})|${PAIR})`;
const JSON_STRING = `"${PLAIN}*(?:${ESCAPE_OR_PAIR}${PLAIN}*)*"`;
/** A JSON string with no escape at all, captured: its text is its value. */
const PLAIN_STRING = `"((?:${PLAIN}|${PAIR})*)"`;
const CANONICAL_ENVELOPE = new RegExp(
  '^(' +
    String.raw`\{"actor":\{"id":${JSON_STRING},"kind":"(?:${ACTOR_KINDS.join('|')})",` +
    String.raw`"roles":\[(?:${JSON_STRING}(?:,${JSON_STRING})*)?\]\},` +
    String.raw`"causationId":(?:null|${JSON_STRING}),"correlationId":${JSON_STRING},"eventId":${PLAIN_STRING}` +
    String.raw`),"hash":"([0-9a-f]{64})"(,"occurredAt":${JSON_STRING}),"prevHash":"([0-9a-f]{64})"` +
    String.raw`(,"recordedAt":${JSON_STRING},"schemaVersion":(?:0|[1-9][0-9]*)\})$`,
);

/**
 * Reads the envelope from its stored text without parsing it, when the text is the canonical JSON of the
 * envelope as the ledger writes it: exactly its members, in canonical order, the actor with id, kind and roles.
 * Text it reads is valid JSON that `isEventMetadata` accepts, with these values. Any other text (other members,
 * other whitespace, escapes in the event id) gives `undefined`: parse it and check it field by field instead.
 */
export function readCanonicalEnvelope(text: string): CanonicalEnvelope | undefined {
  const match = CANONICAL_ENVELOPE.exec(text);
  if (match === null) return undefined;
  const [, head, eventId, hash, occurred, prevHash, tail] = match as unknown as [string, ...string[]];
  return {
    eventId: eventId as string,
    hash: hash as string,
    prevHash: prevHash as string,
    unsealedJson: `${head as string}${occurred as string}${tail as string}`,
  };
}
