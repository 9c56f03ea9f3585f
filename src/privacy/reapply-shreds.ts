import { isDataClass } from '../shared/data-classes';
import type { KeyStore } from '../ledger/crypto/key-store';
import type { EventStore } from '../ledger/event-store.port';
import { parseStreamName, SUBJECT_STREAM_PREFIX } from '../ledger/stream-names';

const PAGE = 5000;

export interface ReapplyResult {
  /** `PersonalDataShredded` events found in the ledger. */
  readonly shreds: number;
  /** Keys that were live again (a restored backup) and are destroyed now. */
  readonly keysDestroyed: number;
}

/**
 * After the key store was restored from a backup, keys that were shredded since the backup are live again. The
 * ledger remembers every shred: this destroys, for each `PersonalDataShredded`, the keys it destroyed (those of
 * its classes created up to it). Run it before the service serves traffic again; it is idempotent.
 */
export async function reapplyShreds(store: EventStore, keys: KeyStore): Promise<ReapplyResult> {
  let after = 0;
  let shreds = 0;
  let keysDestroyed = 0;
  for (;;) {
    const page = await store.readAll({
      after,
      maxCount: PAGE,
      filter: { streamPrefixes: [SUBJECT_STREAM_PREFIX] },
    });
    for (const event of page) {
      after = event.position;
      if (event.type !== 'PersonalDataShredded') continue;
      const subjectId = parseStreamName(event.stream)?.id;
      const { dataClasses, shreddedAt, coverage } = event.data;
      if (subjectId === undefined || !Array.isArray(dataClasses) || typeof shreddedAt !== 'string') continue;
      shreds += 1;
      keysDestroyed += await keys.destroyKeys(subjectId, dataClasses.filter(isDataClass), {
        retiredOnly: coverage === 'erasure_covered',
        createdUpTo: shreddedAt,
      });
    }
    if (page.length < PAGE) return { shreds, keysDestroyed };
  }
}
