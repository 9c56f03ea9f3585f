import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/ledger/envelope';
import { toBinaryKafkaRecord } from '../../src/publisher/cloudevents-kafka';
import {
  nextSessionSnapshot,
  type SessionSnapshot,
  toIntegrationEvent,
} from '../../src/publisher/event-mapping';
import { PUBLIC_EVENT_TYPES, TOPICS, topicOfType } from '../../src/publisher/integration-events';
import { AsyncApiContract, type WireRecord } from '../support/publisher-asyncapi';
import { sessionDrafts } from '../support/publisher-fixtures';

/** The fixture session's records as the publisher writes them. */
function fixtureRecords(): WireRecord[] {
  let snapshot: SessionSnapshot | undefined;
  return sessionDrafts('ses_doc_1', 'sub_doc_1', new Date('2026-11-26T10:00:00Z')).map((draft, revision) => {
    const eventId = `00000000-0000-4000-8000-${String(revision + 1).padStart(12, '0')}`;
    const event: LedgerEvent = {
      stream: 'kyc-verification-ses_doc_1',
      revision,
      position: revision + 1,
      eventId,
      type: draft.type,
      data: draft.data,
      pii: null,
      metadata: {
        eventId,
        occurredAt: '2026-11-26T10:00:00Z',
        recordedAt: '2026-11-26T10:00:00Z',
        actor: { kind: 'system', id: 'test', roles: [] },
        correlationId: 'corr-1',
        causationId: null,
        schemaVersion: 1,
        prevHash: '0'.repeat(64),
        hash: '0'.repeat(64),
      },
    };
    snapshot = nextSessionSnapshot(snapshot, event);
    const integration = toIntegrationEvent(event, snapshot);
    if (integration === null) throw new Error('fixture events are public');
    return { topic: `it.${TOPICS.verification}`, ...toBinaryKafkaRecord(integration) };
  });
}

describe(AsyncApiContract.name, () => {
  let contract: AsyncApiContract;

  beforeAll(async () => {
    contract = await AsyncApiContract.load();
  });

  it('parses docs/asyncapi.yaml with @asyncapi/parser without errors or warnings', () => {
    expect(contract.diagnostics.filter((d) => d.severity === 'Error' || d.severity === 'Warning')).toEqual(
      [],
    );
  });

  it('documents every public event type, each on the topic the publisher sends it to', () => {
    expect(contract.messageNames()).toEqual([...PUBLIC_EVENT_TYPES].sort());
    for (const type of PUBLIC_EVENT_TYPES) expect(contract.addressOf(type)).toBe(TOPICS[topicOfType(type)]);
  });

  it('accepts the records the publisher makes of a session', () => {
    const records = fixtureRecords();
    expect(records).toHaveLength(6);
    for (const record of records) expect(contract.validate(record, 'it.')).toEqual([]);
  });

  it('refuses a payload with a field the contract does not have (nothing extra can leak)', () => {
    const [first] = fixtureRecords();
    const payload = JSON.parse(first!.value!) as Record<string, unknown>;
    const leaky = { ...first!, value: JSON.stringify({ ...payload, fullName: 'Someone' }) };
    expect(contract.validate(leaky, 'it.').join()).toContain('additionalProperties');
  });

  it('refuses missing or wrong CloudEvents headers and the wrong topic', () => {
    const [first] = fixtureRecords();
    const { ce_id: _dropped, ...withoutId } = first!.headers;
    expect(contract.validate({ ...first!, headers: withoutId }, 'it.').join()).toContain('ce_id');
    expect(
      contract.validate({ ...first!, headers: { ...first!.headers, ce_source: '/elsewhere' } }, 'it.').join(),
    ).toContain('ce_source');
    expect(contract.validate({ ...first!, topic: `it.${TOPICS.subject}` }, 'it.').join()).toContain('topic');
    expect(
      contract.validate(
        { ...first!, headers: { ...first!.headers, ce_type: 'kyc.verification.nope.v1' } },
        'it.',
      ),
    ).toEqual(['ce_type kyc.verification.nope.v1 is not in the AsyncAPI document']);
  });
});
