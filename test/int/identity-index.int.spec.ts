import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  IDENTITY_INDEX_CHECKPOINT,
  IdentityIndex,
  type IdentityToken,
} from '../../src/ledger/crypto/identity-index';
import { ProjectionCheckpointEntity } from '../../src/projections/core/checkpoint.entity';
import { IdentityIndexEntity } from '../../src/ledger/crypto/identity-index.entity';
import { Kek } from '../../src/ledger/crypto/kek';
import { KeyStore } from '../../src/ledger/crypto/key-store';
import { postgresSchema } from '../support/postgres';
import { describeWithService } from '../support/services';
import { tempLedger, type TempLedger } from '../support/temp-ledger';

/*
 * The keyed blind index of identities on a real read-model database (SQLite always, PostgreSQL with
 * DATABASE_URL): tokens that reveal nothing without the key, lookups that never match a subject with itself,
 * idempotent records, and erasure that removes one subject's tokens only.
 */

const NUMBER = 'T22000129';
const NAME = 'Erika Mustermann';
const BIRTH = '1964-08-12';
const PASSPORT = { documentNumber: 'T 2200-0129', fullName: NAME, dateOfBirth: BIRTH };

const rowsOf = (dataSource: DataSource, subjectId: string): Promise<IdentityIndexEntity[]> =>
  dataSource.getRepository(IdentityIndexEntity).find({ where: { subjectId }, order: { token: 'ASC' } });

const byKind = (tokens: readonly IdentityToken[], kind: IdentityToken['kind']): IdentityToken[] =>
  tokens.filter((t) => t.kind === kind);

/** A position past every checkpoint these tests leave behind. */
const HEAD = 1_000_000;

const checkpointTable = (dataSource: DataSource): string =>
  dataSource.getMetadata(ProjectionCheckpointEntity).tableName;

/** The same specification on every database the read models run on. */
function specification(open: () => { dataSource: DataSource; keys: KeyStore }): void {
  const index = (): IdentityIndex =>
    new IdentityIndex(open().dataSource, open().keys, checkpointTable(open().dataSource));
  // Subjects unique to each run, so that the PostgreSQL schema and the SQLite file need no clearing.
  const subject = (name: string): string => `sub_${name}_${randomBytes(3).toString('hex')}`;
  /** Records as a command does, its evidence at the end of the log (the follower is behind it). */
  const record = (
    identities: IdentityIndex,
    tokens: readonly IdentityToken[],
    subjectId: string,
    sessionId: string,
    submittedAt = new Date(),
  ): Promise<void> => identities.record(tokens, subjectId, sessionId, submittedAt.toISOString(), HEAD);

  it('makes 64-hex tokens of the document and of the name with birth date, holding none of the plaintext', async () => {
    const tokens = await index().tokens(PASSPORT, 'DE');
    expect(tokens.map((t) => t.kind)).toEqual(['document', 'name_and_birth_date']);
    for (const { token } of tokens) {
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      for (const plain of [NUMBER, 'T 2200-0129', '22000129', 'Mustermann', 'erika', BIRTH, '19640812']) {
        expect(token.toLowerCase()).not.toContain(plain.toLowerCase());
      }
    }
    // The same identity spelt differently is the same token; another number or country is another one.
    const respelt = await index().tokens(
      { documentNumber: 't22000129', fullName: 'MUSTERMANN, Érika', dateOfBirth: BIRTH },
      'DE',
    );
    expect(respelt).toEqual(tokens);
    const [document] = byKind(tokens, 'document');
    const otherNumber = await index().tokens({ documentNumber: 'T22000130' }, 'DE');
    const otherCountry = await index().tokens({ documentNumber: NUMBER }, 'AT');
    expect(otherNumber[0]?.token).not.toBe(document?.token);
    expect(otherCountry[0]?.token).not.toBe(document?.token);
    expect(otherNumber[0]?.token).not.toBe(otherCountry[0]?.token);
  });

  it('makes no token of what names no identity', async () => {
    expect(await index().tokens(undefined, 'DE')).toEqual([]);
    expect(await index().tokens({ documentNumber: NUMBER }, undefined)).toEqual([]);
    expect(await index().tokens({ documentNumber: ' - ' }, 'DE')).toEqual([]);
    // A birth date that is not a calendar date names no one.
    expect(await index().tokens({ fullName: NAME, dateOfBirth: '12.08.1964' }, 'DE')).toEqual([]);
  });

  it('never matches a subject with itself, and finds another subject by document before name', async () => {
    const identities = index();
    const tokens = await identities.tokens(PASSPORT, 'DE');
    const [a, b, c] = [subject('a'), subject('b'), subject('c')];
    expect(await identities.match(tokens, a)).toBeUndefined();

    // b holds only the name and birth date, a (a second later) the whole identity. Two records within the same
    // millisecond would tie, and the tie goes to the lower session id (a's).
    const first = new Date();
    await record(identities, byKind(tokens, 'name_and_birth_date'), b, `ses_${b}`, first);
    await record(identities, tokens, a, `ses_${a}`, new Date(first.getTime() + 1000));
    expect(await identities.match(tokens, c)).toEqual({ sessionId: `ses_${a}`, kind: 'document' });
    expect(await identities.match(byKind(tokens, 'name_and_birth_date'), c)).toEqual({
      sessionId: `ses_${b}`,
      kind: 'name_and_birth_date',
    });
    // a's own evidence is not a duplicate of a; b's name is.
    expect(await identities.match(tokens, a)).toEqual({ sessionId: `ses_${b}`, kind: 'name_and_birth_date' });
    expect(await identities.match(byKind(tokens, 'document'), a)).toBeUndefined();
    await identities.forget(a);
    await identities.forget(b);
  });

  it('records a session once however often its evidence is recorded', async () => {
    const identities = index();
    const tokens = await identities.tokens(PASSPORT, 'DE');
    const a = subject('a');
    await record(identities, tokens, a, `ses_${a}`);
    await record(identities, tokens, a, `ses_${a}`);
    const rows = await rowsOf(open().dataSource, a);
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.token).sort()).toEqual(tokens.map((t) => t.token).sort());
    // Another session of the same subject is another row.
    await record(identities, tokens, a, `ses_${a}_2`);
    expect(await rowsOf(open().dataSource, a)).toHaveLength(4);
    await identities.forget(a);
  });

  it("forgets one subject's tokens, and no one else's", async () => {
    const identities = index();
    const tokens = await identities.tokens(PASSPORT, 'DE');
    const [a, b, c] = [subject('a'), subject('b'), subject('c')];
    await record(identities, tokens, a, `ses_${a}`);
    await record(identities, tokens, a, `ses_${a}_2`);
    await record(identities, tokens, b, `ses_${b}`);
    expect(await identities.forget(a)).toBe(4);
    expect(await rowsOf(open().dataSource, a)).toEqual([]);
    expect(await rowsOf(open().dataSource, b)).toHaveLength(2);
    expect(await identities.match(tokens, c)).toEqual({ sessionId: `ses_${b}`, kind: 'document' });
    expect(await identities.forget(a)).toBe(0);
    await identities.forget(b);
    expect(await identities.match(tokens, c)).toBeUndefined();
  });

  it('records only ahead of the follower: once its checkpoint covers the evidence, the follower has the last word', async () => {
    const identities = index();
    const { dataSource } = open();
    const tokens = await identities.tokens(PASSPORT, 'DE');
    const [a, b] = [subject('a'), subject('b')];
    const at = new Date().toISOString();
    const table = checkpointTable(dataSource);
    const setCheckpoint = (position: number): Promise<unknown> =>
      dataSource.query(
        `UPDATE "${table}" SET "position" = ${String(position)} WHERE "name" = '${IDENTITY_INDEX_CHECKPOINT}'`,
      );
    // The first record creates the follower's checkpoint at 0 when it is missing.
    await identities.record(tokens, a, `ses_${a}`, at, 7);
    expect((await rowsOf(dataSource, a)).map((r) => [r.sessionId, r.createdAt])).toEqual([
      [`ses_${a}`, at],
      [`ses_${a}`, at],
    ]);
    try {
      // The follower has handled position 7 (it may have removed these tokens at a later erasure since).
      await setCheckpoint(7);
      await identities.record(tokens, b, `ses_${b}`, at, 7);
      await identities.record(tokens, b, `ses_${b}`, at, 3);
      expect(await rowsOf(dataSource, b)).toEqual([]);
      // Evidence the follower has not reached yet is recorded.
      await identities.record(tokens, b, `ses_${b}`, at, 8);
      expect(await rowsOf(dataSource, b)).toHaveLength(2);
    } finally {
      await setCheckpoint(0);
      await identities.forget(a);
      await identities.forget(b);
    }
  });
}

describe(`${IdentityIndex.name} on SQLite`, () => {
  let t: TempLedger;
  beforeAll(async () => {
    t = await tempLedger();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  specification(() => ({ dataSource: t.dataSource, keys: t.keys }));
});

describe(`${IdentityIndex.name} keys`, () => {
  const ledgers: TempLedger[] = [];
  afterEach(async () => {
    for (const ledger of ledgers.splice(0)) await ledger.cleanup();
  });

  it('gives another key store (another KEK) other tokens for the same identity', async () => {
    const first = await tempLedger();
    const second = await tempLedger();
    ledgers.push(first, second);
    const mine = await new IdentityIndex(
      first.dataSource,
      first.keys,
      checkpointTable(first.dataSource),
    ).tokens(PASSPORT, 'DE');
    const theirs = await new IdentityIndex(
      second.dataSource,
      second.keys,
      checkpointTable(second.dataSource),
    ).tokens(PASSPORT, 'DE');
    expect(theirs.map((t) => t.kind)).toEqual(mine.map((t) => t.kind));
    for (const [i, token] of mine.entries()) expect(theirs[i]?.token).not.toBe(token.token);
  });

  it('keeps its tokens across a restart with the same KEK (the index key lives in the key store)', async () => {
    const kek = randomBytes(32).toString('base64');
    const ledger = await tempLedger(kek);
    ledgers.push(ledger);
    const before = await new IdentityIndex(
      ledger.dataSource,
      ledger.keys,
      checkpointTable(ledger.dataSource),
    ).tokens(PASSPORT, 'DE');
    const reopened = new KeyStore(ledger.dataSource, Kek.fromBase64(kek));
    await reopened.assertKek();
    expect(
      await new IdentityIndex(ledger.dataSource, reopened, checkpointTable(ledger.dataSource)).tokens(
        PASSPORT,
        'DE',
      ),
    ).toEqual(before);
  });
});

describeWithService('DATABASE_URL', `${IdentityIndex.name} on PostgreSQL`, (url) => {
  let pg: Awaited<ReturnType<typeof postgresSchema>>;
  let keys: KeyStore;
  beforeAll(async () => {
    pg = await postgresSchema(url);
    keys = new KeyStore(pg.dataSource, Kek.fromBase64(randomBytes(32).toString('base64')));
    await keys.assertKek();
  });
  afterAll(async () => {
    await pg.drop();
  });

  specification(() => ({ dataSource: pg.dataSource, keys }));
});
