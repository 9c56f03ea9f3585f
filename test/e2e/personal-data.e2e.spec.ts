import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonalDataResponse } from '../../src/privacy/personal-data.controller';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { startTestApp, type TestApp } from '../support/app';
import { consentAndStart } from '../support/journey';
import { client } from '../support/http';

const PII = {
  fullName: 'Privacy Testperson-Kw',
  documentNumber: 'PK0000123',
  address: '1 Example Road, Bonn',
};

describe('GET /v1/subjects/{id}/personal-data (least privilege, audited reads)', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;
  let store: EventStore;
  let subjectId: string;

  beforeAll(async () => {
    t = await startTestApp();
    api = client(t);
    store = t.app.get<EventStore>(EVENT_STORE);
    const started = await consentAndStart(api);
    subjectId = started.subjectId;
    await api.post('operator', `/v1/verifications/${started.sessionId}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'acme',
      vendorReference: 'ref_pd',
      attributes: PII,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is closed to every role but privacy_officer, and needs a justification', async () => {
    for (const role of ['operator', 'reviewer', 'auditor', 'senior'] as const) {
      expect(
        (
          await api.get(role, `/v1/subjects/${subjectId}/personal-data`, {
            'x-justification': 'DSAR case 2026-0042',
          })
        ).status,
      ).toBe(403);
    }
    const missing = await api.get('privacy', `/v1/subjects/${subjectId}/personal-data`);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'validation_failed' });
    expect(
      (await api.get('privacy', `/v1/subjects/${subjectId}/personal-data`, { 'x-justification': 'short' }))
        .status,
    ).toBe(400);
  });

  it('records the read before it discloses the data, and the record shows in the subject stream', async () => {
    const before = (await store.readStream(`kyc-subject-${subjectId}`)).length;
    const res = await api.get<PersonalDataResponse>('privacy', `/v1/subjects/${subjectId}/personal-data`, {
      'x-justification': 'DSAR case 2026-0042',
    });
    expect(res.status).toBe(200);
    const values = res.body.items.filter((i) => i.state === 'clear').map((i) => i.value);
    expect(values).toEqual(
      expect.arrayContaining([
        { fullName: PII.fullName, documentNumber: PII.documentNumber },
        { address: PII.address },
      ]),
    );
    const subjectEvents = await store.readStream(`kyc-subject-${subjectId}`);
    expect(subjectEvents).toHaveLength(before + 1);
    const accessed = subjectEvents.at(-1);
    expect(accessed).toMatchObject({
      type: 'PersonalDataAccessed',
      position: res.body.accessEventPosition,
      data: {
        accessedBy: 'privacy',
        roles: ['privacy_officer'],
        justification: 'DSAR case 2026-0042',
        dataClasses: expect.arrayContaining(['identity_attributes', 'contact_address']),
      },
    });
    expect(JSON.stringify(accessed)).not.toContain(PII.fullName);

    const timeline = await api.get<{
      entries: { type: string; actor: { id: string }; details: Record<string, unknown> }[];
    }>('auditor', `/v1/subjects/${subjectId}/timeline`, {
      'x-min-position': String(res.body.accessEventPosition),
    });
    expect(timeline.status).toBe(200);
    const entry = timeline.body.entries.find((e) => e.type === 'PersonalDataAccessed');
    expect(entry).toMatchObject({
      actor: { id: 'privacy' },
      details: { accessedBy: 'privacy', roles: ['privacy_officer'] },
    });
    expect(JSON.stringify(timeline.body)).not.toContain(PII.fullName);
  });

  it('records nothing for a subject without personal data', async () => {
    const res = await api.get<PersonalDataResponse>('privacy', `/v1/subjects/sub_nobody/personal-data`, {
      'x-justification': 'DSAR case 2026-0043',
    });
    expect(res.body).toEqual({ subjectId: 'sub_nobody', accessEventPosition: null, items: [] });
    expect(await store.readStream('kyc-subject-sub_nobody')).toEqual([]);
  });
});
