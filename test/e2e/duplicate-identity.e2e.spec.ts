import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/audit/explanation';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { LocalLeases } from '../../src/platform/workers';
import { KafkaPublisher } from '../../src/publisher/kafka-publisher';
import { PublisherCheckpointRepository } from '../../src/publisher/publisher-checkpoint.repository';
import { systemClock } from '../../src/shared/clock';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { CLEAR, consentAndStart } from '../support/journey';
import { until } from '../support/poll';
import { FakeBroker } from '../support/publisher-fake-transport';

/*
 * Duplicate identities end to end (docs/privacy.md, "Duplicate identities"; I13): a second subject with the
 * document number or the name and birth date of a verified one goes to review citing the other session by id;
 * the keyed tokens stay in the identity_index table and nowhere else; erasure removes a subject's tokens, after
 * which the identity flags no one; a caller cannot claim a duplicate.
 */

type Body = Record<string, unknown>;
interface IndexRow {
  token: string;
  session_id: string;
  kind: string;
  subject_id: string;
}
interface Verified {
  subjectId: string;
  sessionId: string;
  /** The answer to the vendor result: the session's status and reason codes after evaluation. */
  decided: Body;
}

const quietLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

// Unique to the run; `X` is no hex digit, so no hash or token in the store can hold the number by chance.
const tag = randomBytes(4).toString('hex');
const NUMBER = `X${randomBytes(4).toString('hex').toUpperCase()}`;
/** The same number as another clerk types it: lower case, in groups of three. */
const NUMBER_RESPELT = NUMBER.toLowerCase()
  .replace(/(.{3})/g, '$1 ')
  .trim();
const NAME = `Erika Mustermann ${tag}`;
/** The same name, family name first, in capitals, with a diacritic. */
const NAME_RESPELT = `${tag.toUpperCase()} MUSTERMANN, Érika`;
const BIRTH = '1964-08-12';

describe('duplicate identities across subjects (keyed blind index)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let store: EventStore;
  let dataSource: DataSource;
  /** Every answer the API gave in this file, as sent. */
  const answers: string[] = [];
  let a: Verified;
  let b: Verified;
  let c: Verified;

  const post = async (as: Parameters<typeof api.post>[0], path: string, body: unknown) => {
    const res = await api.post(as, path, body);
    answers.push(JSON.stringify(res.body));
    return res;
  };
  const get = async <T = Body>(as: Parameters<typeof api.get>[0], path: string) => {
    const res = await api.get<T>(as, path);
    answers.push(JSON.stringify(res.body));
    return res;
  };

  /** A new subject with consent, a passport with these attributes, and clear vendor checks. */
  async function verify(attributes: Body): Promise<Verified> {
    const { subjectId, sessionId, body } = await consentAndStart(api);
    answers.push(JSON.stringify(body));
    const evidence = await post('operator', `/v1/verifications/${sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'acme',
      vendorReference: `doc_${randomUUID().slice(0, 8)}`,
      attributes,
    });
    expect(evidence.status, JSON.stringify(evidence.body)).toBe(201);
    const result = await post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
      vendor: 'acme',
      vendorEventId: `evt_${sessionId}_${randomUUID().slice(0, 8)}`,
      vendorCreatedAt: new Date().toISOString(),
      checks: CLEAR,
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return { subjectId, sessionId, decided: result.body };
  }

  const explanation = async (sessionId: string): Promise<Explanation> => {
    const res = await get<Explanation>('auditor', `/v1/verifications/${sessionId}/explanation`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  /** The blind index as its table holds it (read directly, not through the app). */
  const indexRows = (subjectId?: string): Promise<IndexRow[]> =>
    subjectId === undefined
      ? dataSource.query('SELECT token, session_id, kind, subject_id FROM identity_index')
      : dataSource.query(
          'SELECT token, session_id, kind, subject_id FROM identity_index WHERE subject_id = ?',
          [subjectId],
        );

  const erase = async (subjectId: string): Promise<void> => {
    const res = await post('privacy', `/v1/subjects/${subjectId}/erasure-requests`, {
      ground: 'objection',
      reference: `dsr-${tag}`,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };

  beforeAll(async () => {
    t = await startTestApp({}, {}, { captureLogs: true });
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);
    dataSource = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t.close();
  });

  it('approves the first subject with the passport, and indexes its identity by keyed tokens', async () => {
    a = await verify({ documentNumber: NUMBER, fullName: NAME, dateOfBirth: BIRTH });
    expect(a.decided).toMatchObject({ status: 'approved', reasonCodes: [] });
    const rows = await indexRows(a.subjectId);
    expect(rows.map((r) => r.kind).sort()).toEqual(['document', 'name_and_birth_date']);
    for (const row of rows) {
      expect(row).toMatchObject({ session_id: a.sessionId, token: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
    expect((await explanation(a.sessionId)).duplicateIdentities).toEqual([]);
  });

  it('sends another subject with the same document number, spelt differently, to review citing the first session', async () => {
    b = await verify({
      documentNumber: NUMBER_RESPELT,
      fullName: `Max Muster ${tag}`,
      dateOfBirth: '1970-01-01',
    });
    expect(b.decided).toMatchObject({
      status: 'pending_review',
      reasonCodes: ['DUPLICATE_IDENTITY_SUSPECTED'],
    });

    const x = await explanation(b.sessionId);
    expect(x.status).toBe('pending_review');
    expect(x.duplicateIdentities).toHaveLength(1);
    expect(x.duplicateIdentities[0]).toMatchObject({ otherSessionId: a.sessionId, match: 'document' });
    const evidenceId = x.duplicateIdentities[0]?.evidenceId ?? '';
    expect(x.summary).toContain(
      `Evidence ${evidenceId} has the identity (document number and issuing country) of session ${a.sessionId} of another subject.`,
    );
    // The citation is the evidence event, and it names the other session by id only.
    const cited = (await store.readAll()).find((e) => e.eventId === x.duplicateIdentities[0]?.proof.eventId);
    expect(cited).toMatchObject({
      type: 'EvidenceSubmitted',
      position: x.duplicateIdentities[0]?.proof.position,
      data: { evidenceId, duplicateOf: { sessionId: a.sessionId, match: 'document' } },
    });
    const evaluation = x.evaluations.at(-1);
    expect(evaluation?.ruleTrace.find((e) => e.ruleId === 'identity.duplicate')).toMatchObject({
      result: 'review',
      reasonCodes: ['DUPLICATE_IDENTITY_SUSPECTED'],
    });
    // Nothing of the other subject beyond its session id.
    expect(JSON.stringify(x)).not.toContain(a.subjectId);
  });

  it('flags a third subject with the same name and birth date but another document by name_and_birth_date', async () => {
    c = await verify({
      documentNumber: `X${tag.toUpperCase()}9`,
      fullName: NAME_RESPELT,
      dateOfBirth: BIRTH,
    });
    expect(c.decided).toMatchObject({
      status: 'pending_review',
      reasonCodes: ['DUPLICATE_IDENTITY_SUSPECTED'],
    });
    const x = await explanation(c.sessionId);
    expect(x.duplicateIdentities).toEqual([
      expect.objectContaining({ otherSessionId: a.sessionId, match: 'name_and_birth_date' }),
    ]);
    expect(x.summary).toContain(`(name and birth date) of session ${a.sessionId} of another subject.`);
  });

  it('refuses a duplicateOf from the caller (400, unknown field) and flags no one from it', async () => {
    const { subjectId, sessionId } = await consentAndStart(api);
    const claim = { sessionId: a.sessionId, match: 'document' };
    const document = {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'acme',
      vendorReference: `doc_${randomUUID().slice(0, 8)}`,
      attributes: { documentNumber: `X${tag.toUpperCase()}7`, fullName: `Someone Else ${tag}` },
    };
    for (const body of [
      { ...document, duplicateOf: claim },
      { ...document, attributes: { ...document.attributes, duplicateOf: claim } },
    ]) {
      const res = await post('operator', `/v1/verifications/${sessionId}/evidence`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(JSON.stringify(res.body)).toContain('duplicateOf');
    }
    // Refused before anything was recorded: no evidence event, no token.
    const events = await store.readStream(`kyc-verification-${sessionId}`);
    expect(events.map((e) => e.type)).not.toContain('EvidenceSubmitted');
    expect(await indexRows(subjectId)).toEqual([]);

    // The same evidence without the claim is recorded, and the session is approved.
    expect((await post('operator', `/v1/verifications/${sessionId}/evidence`, document)).status).toBe(201);
    const result = await post('operator', `/v1/verifications/${sessionId}/vendor-results`, {
      vendor: 'acme',
      vendorEventId: `evt_${sessionId}`,
      vendorCreatedAt: new Date().toISOString(),
      checks: CLEAR,
    });
    expect(result.body).toMatchObject({ status: 'approved', reasonCodes: [] });
    expect((await explanation(sessionId)).duplicateIdentities).toEqual([]);
  });

  it('keeps the number and the tokens in identity_index only: not in the event store, other tables, answers or logs', async () => {
    const rows = await indexRows();
    const tokens = [...new Set(rows.map((r) => r.token))];
    // a, b and c two each, the caller of the refused claim one (no birth date); a shares its number with b and
    // its name and birth date with c.
    expect(rows).toHaveLength(7);
    expect(tokens).toHaveLength(5);
    const secrets = [...tokens, NUMBER, NUMBER_RESPELT, NUMBER.toLowerCase(), NAME, NAME_RESPELT];

    const files = readdirSync(t.dataDir).filter((f) => f.startsWith('events.sqlite'));
    expect(files.length).toBeGreaterThan(0);
    const rawStore = files.map((f) => readFileSync(join(t.dataDir, f)).toString('latin1')).join('');
    // The search is over the right bytes: the store holds b's session and the evidence that cites a's.
    expect(rawStore).toContain(b.sessionId);
    expect(rawStore).toContain('duplicateOf');

    const tables = (
      await dataSource.query<{ name: string }[]>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'identity_index'",
      )
    ).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['data_keys', 'timeline_entries']));
    let readModels = '';
    for (const table of tables)
      readModels += JSON.stringify(await dataSource.query(`SELECT * FROM "${table}"`));
    expect(readModels).toContain(b.subjectId);

    const logs = t.logLines().join('\n');
    expect(t.logLines().length).toBeGreaterThan(0);
    const said = answers.join('\n');
    expect(said).toContain(a.sessionId);

    for (const secret of secrets) {
      const label = `${secret.slice(0, 10)}…`;
      expect(rawStore.includes(secret), `event store holds ${label}`).toBe(false);
      expect(readModels.includes(secret), `read models hold ${label}`).toBe(false);
      expect(logs.includes(secret), `logs hold ${label}`).toBe(false);
      expect(said.includes(secret), `answers hold ${label}`).toBe(false);
    }
  });

  it('publishes evidence_submitted without the duplicate, its tokens or the number (Kafka mapping, in-memory broker)', async () => {
    const broker = new FakeBroker();
    const publisher = new KafkaPublisher(
      {
        store,
        checkpoints: new PublisherCheckpointRepository(dataSource),
        leases: new LocalLeases(),
        transport: () => broker.transport(),
        clock: systemClock,
        logger: quietLogger,
      },
      {
        name: 'kafka:dup.',
        topicPrefix: 'dup.',
        topicSpec: { partitions: 1, replication: 1 },
        batchSize: 50,
      },
    );
    publisher.start();
    try {
      const submitted = (sessionId: string) =>
        broker.records.filter(
          (r) =>
            r.headers.ce_type === 'kyc.verification.evidence_submitted.v1' && r.value.includes(sessionId),
        );
      await until(
        () => submitted(b.sessionId).length > 0 && submitted(c.sessionId).length > 0,
        'evidence_submitted of b and c at the broker',
        { timeoutMs: 20_000 },
      );
      const tokens = (await indexRows()).map((r) => r.token);
      for (const record of [...submitted(b.sessionId), ...submitted(c.sessionId)]) {
        const value = JSON.parse(record.value) as Body;
        expect(value).not.toHaveProperty('duplicateOf');
        expect(record.value).not.toContain(a.sessionId);
      }
      const everything = JSON.stringify(broker.records);
      for (const secret of [...tokens, NUMBER, NUMBER_RESPELT, NAME])
        expect(everything).not.toContain(secret);
    } finally {
      await publisher.stop();
    }
  });

  it("removes a subject's tokens on erasure, and no one else's; an erased identity flags no one", async () => {
    await erase(a.subjectId);
    expect(await indexRows(a.subjectId)).toEqual([]);
    expect((await indexRows(b.subjectId)).map((r) => r.kind).sort()).toEqual([
      'document',
      'name_and_birth_date',
    ]);
    expect(await indexRows(c.subjectId)).toHaveLength(2);
    // The explanation of b still cites a's session: the ledger is not rewritten, only the index forgets.
    expect((await explanation(b.sessionId)).duplicateIdentities[0]).toMatchObject({
      otherSessionId: a.sessionId,
    });

    // b holds the number too: once b is erased as well, the number is no one's.
    await erase(b.subjectId);
    expect(await indexRows(b.subjectId)).toEqual([]);
    const d = await verify({
      documentNumber: NUMBER,
      fullName: `Dora Neu ${tag}`,
      dateOfBirth: '1988-03-03',
    });
    expect(d.decided).toMatchObject({ status: 'approved', reasonCodes: [] });
    expect((await explanation(d.sessionId)).duplicateIdentities).toEqual([]);
    // d's identity is indexed in its turn.
    expect(await indexRows(d.subjectId)).toHaveLength(2);
  });
});
