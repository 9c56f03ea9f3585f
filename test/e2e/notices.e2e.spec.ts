import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { subjectStream } from '../../src/ledger/stream-names';
import { noticeHash } from '../../src/subjects/notices';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';

const NOTICES = join(__dirname, '../../policies/notices');
const sha256Of = (locale: string): string =>
  noticeHash(readFileSync(join(NOTICES, '2026-01', `${locale}.md`), 'utf8'));

/** Consent names a privacy notice the service holds; the ledger records the hash of that exact text. */
describe('privacy notices as versioned documents', () => {
  let t: TestApp;
  let api: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startTestApp();
    api = client(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const consent = (subjectId: string, noticeVersion: string, locale: string) =>
    api.post('operator', `/v1/subjects/${subjectId}/consents`, {
      scopes: ['identity_verification'],
      noticeVersion,
      locale,
      channel: 'web',
    });

  it('lists the shipped notice 2026-01 in en-GB, en-US, de-DE and fr-FR with the hash of each text', async () => {
    const res = await api.get<{ items: { version: string; locale: string; hash: string }[] }>(
      'auditor',
      '/v1/notices',
    );
    expect(res.status).toBe(200);
    for (const locale of ['en-GB', 'en-US', 'de-DE', 'fr-FR']) {
      expect(res.body.items).toContainEqual({ version: '2026-01', locale, hash: sha256Of(locale) });
    }
    expect(new Set(res.body.items.map((n) => n.hash)).size).toBe(res.body.items.length);
    expect((await api.get(null, '/v1/notices')).status).toBe(401);
  });

  it('records with the consent the hash of the notice the person saw, and shows it in timeline and explanation', async () => {
    const subjectId = `sub_${randomUUID().slice(0, 8)}`;
    const granted = await consent(subjectId, '2026-01', 'fr-FR');
    expect(granted.status).toBe(201);
    const store = t.app.get<EventStore>(EVENT_STORE);
    const [event] = (await store.readStream(subjectStream(subjectId))).filter(
      (e) => e.type === 'ConsentGranted',
    );
    expect(event?.data).toMatchObject({
      noticeVersion: '2026-01',
      locale: 'fr-FR',
      noticeHash: sha256Of('fr-FR'),
    });

    const started = await api.post('operator', '/v1/verifications', {
      subjectId,
      jurisdiction: 'KP',
      segment: 'retail',
    });
    expect(started.status).toBe(201);
    const position = String(started.body.position);
    const timeline = await api.get<{ entries: { type: string; details: Record<string, unknown> }[] }>(
      'auditor',
      `/v1/subjects/${subjectId}/timeline`,
      { 'x-min-position': position },
    );
    expect(timeline.body.entries.find((e) => e.type === 'ConsentGranted')?.details).toMatchObject({
      noticeHash: sha256Of('fr-FR'),
    });
    const explanation = await api.get(
      'auditor',
      `/v1/verifications/${String(started.body.sessionId)}/explanation`,
    );
    expect(explanation.status).toBe(200);
    expect(explanation.body.consent).toMatchObject({
      noticeVersion: '2026-01',
      noticeHash: sha256Of('fr-FR'),
    });
  });

  it('refuses a consent to a notice it does not hold, naming the field, echoing nothing, recording nothing', async () => {
    const store = t.app.get<EventStore>(EVENT_STORE);
    for (const [version, locale] of [
      ['2031-99', 'en-GB'],
      ['2026-01', 'pt-BR'],
    ] as const) {
      const subjectId = `sub_${randomUUID().slice(0, 8)}`;
      const head = await store.headPosition();
      const res = await consent(subjectId, version, locale);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('unknown_notice');
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(version === '2031-99' ? '2031-99' : 'pt-BR');
      expect(await store.headPosition()).toBe(head);
    }
    // Locales compare case-insensitively, as BCP 47 tags do.
    expect((await consent(`sub_${randomUUID().slice(0, 8)}`, '2026-01', 'de-de')).status).toBe(201);
  });
});
