import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTOR_KINDS, isEventMetadata, readCanonicalEnvelope } from '../../src/ledger/envelope';
import { computeEventHash, computeEventHashOverJson, GENESIS_HASH } from '../../src/ledger/hash-chain';
import { canonicalJson } from '../../src/shared/canonical-json';
import type { JsonObject } from '../../src/shared/json';

const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
/** Any text, quotes, backslashes, control characters and lone surrogates included. */
const text = fc.string({ unit: 'binary', maxLength: 12 });
const envelope = fc.record({
  actor: fc.record({
    id: text,
    kind: fc.constantFrom(...ACTOR_KINDS),
    roles: fc.array(text, { maxLength: 3 }),
  }),
  causationId: fc.option(text, { nil: null }),
  correlationId: text,
  eventId: fc.oneof(fc.uuid(), text),
  hash: hex,
  occurredAt: text,
  prevHash: hex,
  recordedAt: text,
  schemaVersion: fc.nat(),
}) as fc.Arbitrary<JsonObject>;

/** No lone surrogate: the text survives a round trip through UTF-8 unchanged. */
function wellFormed(text: string): boolean {
  return Buffer.from(text, 'utf8').toString('utf8') === text;
}

function unsealed(metadata: JsonObject): string {
  const { prevHash: _prev, hash: _hash, ...rest } = metadata;
  return canonicalJson(rest);
}

describe(readCanonicalEnvelope.name, () => {
  it('reads every envelope the ledger writes whose event id needs no escape, exactly as parsing would (property)', () => {
    fc.assert(
      fc.property(envelope, (metadata) => {
        const read = readCanonicalEnvelope(canonicalJson(metadata));
        const eventId = metadata.eventId as string;
        if (JSON.stringify(eventId) !== `"${eventId}"` || !wellFormed(eventId)) {
          expect(read).toBeUndefined();
          return;
        }
        expect(read).toEqual({
          eventId,
          hash: metadata.hash,
          prevHash: metadata.prevHash,
          unsealedJson: unsealed(metadata),
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts no text that parsing would judge otherwise: each text it reads is an envelope with those values (property)', () => {
    // Start from the ledger's text and break it: drop, insert or replace a character anywhere.
    const edit = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 3 }),
      put: fc.string({ unit: 'binary', maxLength: 3 }),
    });
    fc.assert(
      fc.property(envelope, fc.array(edit, { minLength: 1, maxLength: 3 }), (metadata, edits) => {
        let json = canonicalJson(metadata);
        for (const { at, cut, put } of edits) {
          const i = at % (json.length + 1);
          json = json.slice(0, i) + put + json.slice(i + cut);
        }
        const read = readCanonicalEnvelope(json);
        if (read === undefined) return;
        // Well-formed: no other text has the same UTF-8 bytes, so a hash over these bytes judges this text.
        expect(wellFormed(json)).toBe(true);
        const parsed = JSON.parse(json) as JsonObject;
        expect(isEventMetadata(parsed)).toBe(true);
        expect(read).toMatchObject({ eventId: parsed.eventId, hash: parsed.hash, prevHash: parsed.prevHash });
        // The cut text is the rest as written: the canonical form exactly when the whole text was canonical.
        const { hash, prevHash } = read;
        expect(read.unsealedJson).toBe(
          json.replace(`,"hash":"${hash}"`, '').replace(`,"prevHash":"${prevHash}"`, ''),
        );
        if (canonicalJson(parsed) === json) expect(read.unsealedJson).toBe(unsealed(parsed));
      }),
      { numRuns: 5000 },
    );
  });

  it('declines text in any other form, for parsing', () => {
    const metadata: JsonObject = {
      actor: { id: 'operator-1', kind: 'user', roles: ['operator'] },
      causationId: null,
      correlationId: 'c-1',
      eventId: 'e-1',
      hash: 'a'.repeat(64),
      occurredAt: '2026-12-07T10:00:00.000Z',
      prevHash: GENESIS_HASH,
      recordedAt: '2026-12-07T10:00:00.000Z',
      schemaVersion: 1,
    };
    const json = canonicalJson(metadata);
    expect(readCanonicalEnvelope(json)).toMatchObject({ eventId: 'e-1', prevHash: GENESIS_HASH });
    const declined = [
      JSON.stringify(metadata, null, 1), // whitespace
      canonicalJson({ ...metadata, tenant: 't' }), // another member
      canonicalJson({ ...metadata, actor: { ...(metadata.actor as JsonObject), name: 'x' } }),
      canonicalJson({ ...metadata, hash: 'A'.repeat(64) }), // not lower-case hex
      canonicalJson({ ...metadata, prevHash: 'a'.repeat(63) }),
      canonicalJson({ ...metadata, schemaVersion: 1.5 }),
      canonicalJson({ ...metadata, eventId: 'e\n1' }), // an escape in the event id
      canonicalJson({ ...metadata, actor: { id: 'x', kind: 'robot', roles: [] } }),
      json.replace('"operator"]', '"oper\\qator"]'), // not a JSON escape
      `${json} `,
      canonicalJson({ ...metadata, correlationId: 'c\udc00' }).replace('\\udc00', '\udc00'), // lone surrogate
    ];
    for (const other of declined) expect(readCanonicalEnvelope(other)).toBeUndefined();
  });
});

describe('the event hash over text', () => {
  const reference = (prevHash: string, body: string): string =>
    createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(body, 'utf8').digest('hex');

  it('hashes bodies larger than its buffer and previous hashes that are not 64 hex digits as before', () => {
    const metadata: JsonObject = { eventId: 'e', prevHash: GENESIS_HASH, hash: 'f'.repeat(64) };
    for (const prevHash of [GENESIS_HASH, 'zz'.repeat(32), 'ab', '', 'é'.repeat(64)]) {
      for (const data of [{ a: 1 } as JsonObject, { big: 'ü€𝄞'.repeat(30_000) }]) {
        const input = { stream: 's', revision: 3, type: 'T', data, metadata };
        const body = canonicalJson({
          v: 1,
          stream: 's',
          revision: 3,
          type: 'T',
          data,
          metadata: { eventId: 'e' },
        });
        expect(computeEventHash(prevHash, input)).toBe(reference(prevHash, body));
        expect(
          computeEventHashOverJson(prevHash, {
            ...input,
            dataJson: canonicalJson(data),
            metadataJson: canonicalJson(metadata),
          }),
        ).toBe(reference(prevHash, body));
      }
    }
  });
});
