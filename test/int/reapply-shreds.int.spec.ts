import { afterEach, describe, expect, it } from 'vitest';
import type { DataClass } from '../../src/shared/data-classes';
import { DataKeyEntity } from '../../src/ledger/crypto/data-key.entity';
import type { Ledger } from '../../src/ledger/ledger';
import { reapplyShreds } from '../../src/privacy/reapply-shreds';
import { tempLedger, testActor, type TempLedger } from '../support/temp-ledger';
import { ManualClock } from '../../src/shared/clock';

/*
 * A key store restored from a backup taken before a shred brings shredded keys back to life. The ledger
 * remembers every shred; `reapplyShreds` (CLI `reapply-shreds`) destroys those keys again — and only those.
 */

const context = { actor: testActor, correlationId: 'corr-restore' };

async function collect(ledger: Ledger, subjectId: string, stream: string, classes: readonly DataClass[]) {
  const pii = Object.fromEntries(classes.map((dataClass) => [dataClass, { v: `${subjectId}-${dataClass}` }]));
  const result = await ledger.append(
    stream,
    [{ type: 'EvidenceSubmitted', data: { evidenceId: stream }, pii: { subjectId, classes: pii } }],
    'any',
    context,
  );
  return result.events[0];
}

async function recordShred(
  ledger: Ledger,
  subjectId: string,
  dataClasses: readonly DataClass[],
  shreddedAt: string,
  coverage?: 'erasure_covered',
) {
  await ledger.append(
    `kyc-subject-${subjectId}`,
    [
      {
        type: 'PersonalDataShredded',
        data: {
          shredId: `shred-${shreddedAt}`,
          dataClasses: [...dataClasses],
          reason: 'retention_expired',
          ...(coverage === undefined ? {} : { coverage, requestId: 'req-1' }),
          shreddedAt,
        },
      },
    ],
    'any',
    context,
  );
}

/** The key store's rows, as a backup holds them. */
const snapshot = (t: TempLedger): Promise<DataKeyEntity[]> =>
  t.dataSource.getRepository(DataKeyEntity).find();

/** A restore: the key store's rows replaced by the backup's. */
async function restore(t: TempLedger, backup: readonly DataKeyEntity[]): Promise<void> {
  const rows = t.dataSource.getRepository(DataKeyEntity);
  await rows.clear();
  await rows.insert([...backup]);
}

describe(reapplyShreds.name, () => {
  let t: TempLedger | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('destroys again the keys a restored backup brought back, and nothing created after the shred', async () => {
    const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
    t = await tempLedger(undefined, clock);
    const { ledger, keys, cipher, store } = t;
    const old = await collect(ledger, 'sub_r', 'kyc-verification-r1', [
      'identity_attributes',
      'contact_address',
    ]);
    if (old?.pii === undefined || old.pii === null) throw new Error('no personal data recorded');

    const backup = await snapshot(t); // the nightly backup of the key store
    clock.advance(60_000);
    const shreddedAt = clock.now().toISOString();
    expect(await keys.destroyKeys('sub_r', ['identity_attributes'])).toBe(1);
    await recordShred(ledger, 'sub_r', ['identity_attributes'], shreddedAt);
    expect((await cipher.decrypt(old.eventId, old.pii)).identity_attributes).toEqual({ state: 'shredded' });

    await restore(t, backup);
    // The restored store reads shredded data again: the problem this solves.
    expect((await cipher.decrypt(old.eventId, old.pii)).identity_attributes).toMatchObject({
      state: 'clear',
    });

    expect(await reapplyShreds(store, keys)).toEqual({
      shreds: 1,
      keysDestroyed: 1,
      identityTokensRemoved: 0,
    });
    const after = await cipher.decrypt(old.eventId, old.pii);
    expect(after.identity_attributes).toEqual({ state: 'shredded' });
    expect(after.contact_address).toMatchObject({ state: 'clear' });

    // Newer data of the shredded class, under a key created after the shred, is not touched by a second run.
    clock.advance(60_000);
    const newer = await collect(ledger, 'sub_r', 'kyc-verification-r2', ['identity_attributes']);
    if (newer?.pii === undefined || newer.pii === null) throw new Error('no personal data recorded');
    expect(await reapplyShreds(store, keys)).toEqual({
      shreds: 1,
      keysDestroyed: 0,
      identityTokensRemoved: 0,
    });
    expect((await cipher.decrypt(newer.eventId, newer.pii)).identity_attributes).toMatchObject({
      state: 'clear',
      value: { v: 'sub_r-identity_attributes' },
    });
  });

  it('for a shred of erasure-covered data, destroys only the retired keys', async () => {
    const clock = new ManualClock(new Date('2026-03-01T09:00:00.000Z'));
    t = await tempLedger(undefined, clock);
    const { ledger, keys, cipher, store } = t;
    const covered = await collect(ledger, 'sub_e', 'kyc-verification-e1', ['consent_evidence']);
    if (covered?.pii === undefined || covered.pii === null) throw new Error('no personal data recorded');
    expect(await keys.retireClasses('sub_e', ['consent_evidence'])).toBe(1);
    const since = await collect(ledger, 'sub_e', 'kyc-verification-e2', ['consent_evidence']);
    if (since?.pii === undefined || since.pii === null) throw new Error('no personal data recorded');
    const backup = await snapshot(t);
    clock.advance(60_000);
    const shreddedAt = clock.now().toISOString();
    expect(await keys.destroyKeys('sub_e', ['consent_evidence'], { retiredOnly: true })).toBe(1);
    await recordShred(ledger, 'sub_e', ['consent_evidence'], shreddedAt, 'erasure_covered');

    await restore(t, backup);
    expect(await reapplyShreds(store, keys)).toEqual({
      shreds: 1,
      keysDestroyed: 1,
      identityTokensRemoved: 0,
    });
    expect((await cipher.decrypt(covered.eventId, covered.pii)).consent_evidence).toEqual({
      state: 'shredded',
    });
    expect((await cipher.decrypt(since.eventId, since.pii)).consent_evidence).toMatchObject({
      state: 'clear',
    });
  });
});
