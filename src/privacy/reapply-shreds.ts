import { isDataClass } from '../shared/data-classes';
import type { IdentityIndex } from '../ledger/crypto/identity-index';
import type { KeyStore } from '../ledger/crypto/key-store';
import type { EventStore } from '../ledger/event-store.port';
import { parseStreamName, SUBJECT_STREAM_PREFIX } from '../ledger/stream-names';

const PAGE = 5000;

export interface ReapplyResult {
  /** `PersonalDataShredded` events found in the ledger. */
  readonly shreds: number;
  /** Keys that were live again (a restored backup) and are destroyed now. */
  readonly keysDestroyed: number;
  /** Identity index tokens of erased or shredded subjects that were back (a restored backup), removed now. */
  readonly identityTokensRemoved: number;
}

/**
 * After the key store was restored from a backup, keys that were shredded since the backup are live again. The
 * ledger remembers every shred: this destroys, for each `PersonalDataShredded`, the keys it destroyed (those of
 * its classes created up to it), and removes again the identity index tokens of every subject that asked for
 * erasure or whose identity attributes were shredded. Run it before the service serves traffic again; it is
 * idempotent.
 */
export async function reapplyShreds(
  store: EventStore,
  keys: KeyStore,
  identities?: IdentityIndex,
): Promise<ReapplyResult> {
  let after = 0;
  let shreds = 0;
  let keysDestroyed = 0;
  let identityTokensRemoved = 0;
  for (;;) {
    const page = await store.readAll({
      after,
      maxCount: PAGE,
      filter: { streamPrefixes: [SUBJECT_STREAM_PREFIX] },
    });
    for (const event of page) {
      after = event.position;
      const owner = parseStreamName(event.stream)?.id;
      const erased =
        event.type === 'ErasureRequested' ||
        (event.type === 'PersonalDataShredded' &&
          Array.isArray(event.data.dataClasses) &&
          event.data.dataClasses.includes('identity_attributes'));
      if (erased && owner !== undefined && identities !== undefined) {
        identityTokensRemoved += await identities.forget(owner);
      }
      if (event.type !== 'PersonalDataShredded') continue;
      const subjectId = owner;
      const { dataClasses, shreddedAt, coverage } = event.data;
      if (subjectId === undefined || !Array.isArray(dataClasses) || typeof shreddedAt !== 'string') continue;
      shreds += 1;
      keysDestroyed += await keys.destroyKeys(subjectId, dataClasses.filter(isDataClass), {
        retiredOnly: coverage === 'erasure_covered',
        createdUpTo: shreddedAt,
      });
    }
    if (page.length < PAGE) {
      // Once, at the end, and also when nothing was destroyed now: an earlier run may have stopped before it.
      const scrub = await keys.scrubDestroyedKeys();
      if (!scrub.complete) throw new Error(`destroyed keys may remain on disk, run again: ${scrub.reason}`);
      return { shreds, keysDestroyed, identityTokensRemoved };
    }
  }
}
