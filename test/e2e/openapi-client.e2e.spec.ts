import { randomUUID } from 'node:crypto';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app';
import { OpenApiResponses } from '../support/openapi';
import type { paths } from '../support/openapi-types';

/*
 * A client generated from the served document (openapi-typescript types, openapi-fetch calls) walks the
 * documented journey through the real app. The types are checked in and compared with a fresh generation
 * (openapi-lint.e2e.spec.ts), so a controller that changes a path, a body or a response shape fails that test;
 * this program then fails typecheck where it no longer matches. Every answer is also validated against the
 * document's schema for its route and status.
 */

let t: TestApp;
let contract: OpenApiResponses;

beforeAll(async () => {
  t = await startTestApp();
  contract = await OpenApiResponses.of(t);
});
afterAll(async () => {
  await t.close();
});

/** A typed client as one of the test principals; every response is checked against the document. */
function typedClient(as: 'operator' | 'reviewer' | 'auditor'): Client<paths> {
  const api = createClient<paths>({
    baseUrl: t.baseUrl,
    headers: { authorization: `Bearer ${t.keys[as]}` },
  });
  const validate: Middleware = {
    async onResponse({ request, response }) {
      const text = await response.clone().text();
      const path = new URL(request.url).pathname;
      contract.check(request.method, path, response.status, text === '' ? {} : JSON.parse(text));
      return response;
    },
  };
  api.use(validate);
  return api;
}

describe('typed client from the OpenAPI document', () => {
  it('walks a journey: consent, start, capture, evidence, vendor results, status and explanation', async () => {
    const operator = typedClient('operator');
    const reviewer = typedClient('reviewer');
    const subjectId = `sub_${randomUUID().slice(0, 8)}`;

    const consent = await operator.POST('/v1/subjects/{subjectId}/consents', {
      params: { path: { subjectId } },
      body: { scopes: ['identity_verification'], noticeVersion: '2026-01', locale: 'de-DE', channel: 'web' },
    });
    expect(consent.response.status, JSON.stringify(consent.error)).toBe(201);
    expect(consent.data?.consentId).toEqual(expect.any(String));

    const started = await operator.POST('/v1/verifications', {
      body: { subjectId, jurisdiction: 'DE', segment: 'retail' },
    });
    expect(started.response.status, JSON.stringify(started.error)).toBe(201);
    const sessionId = started.data?.sessionId ?? '';
    expect(started.data?.requiredChecks.length).toBeGreaterThan(0);

    const session = { params: { path: { sessionId } } };
    const capture = await operator.POST('/v1/verifications/{sessionId}/capture', {
      ...session,
      body: { channel: 'web', deviceClass: 'desktop' },
    });
    expect(capture.response.status, JSON.stringify(capture.error)).toBe(200);

    const evidence = await operator.POST('/v1/verifications/{sessionId}/evidence', {
      ...session,
      body: {
        kind: 'document',
        documentType: 'passport',
        issuingCountry: 'DE',
        vendor: 'acme',
        vendorReference: `doc_${randomUUID().slice(0, 8)}`,
      },
    });
    expect(evidence.response.status, JSON.stringify(evidence.error)).toBe(201);
    expect(evidence.data?.evidenceId).toEqual(expect.any(String));

    const result = await operator.POST('/v1/verifications/{sessionId}/vendor-results', {
      ...session,
      body: {
        vendor: 'acme',
        vendorEventId: `evt_${randomUUID().slice(0, 8)}`,
        vendorCreatedAt: '2026-11-26T10:00:00Z',
        checks: [
          { kind: 'document', result: 'clear', score: 0.97 },
          { kind: 'face_match', result: 'clear', score: 0.95 },
          { kind: 'liveness', result: 'clear', score: 0.99 },
          { kind: 'sanctions', result: 'clear' },
        ],
      },
    });
    expect(result.response.status, JSON.stringify(result.error)).toBe(200);
    expect(result.data?.status).toBe('approved');
    const position = result.data?.position ?? 0;

    const status = await operator.GET('/v1/verifications/{sessionId}', {
      params: { path: { sessionId }, header: { 'X-Min-Position': String(position) } },
    });
    expect(status.response.status, JSON.stringify(status.error)).toBe(200);
    expect(status.data).toMatchObject({ sessionId, subjectId, status: 'approved' });

    const explanation = await reviewer.GET('/v1/verifications/{sessionId}/explanation', session);
    expect(explanation.response.status, JSON.stringify(explanation.error)).toBe(200);
    expect(explanation.data?.decision?.outcome).toBe('approved');
    expect(explanation.data?.decision?.decidedBy).toBe('policy');
  });

  it('gets problem documents typed by the document: code narrowed to what the operation declares', async () => {
    const operator = typedClient('operator');
    const unknown = await operator.GET('/v1/verifications/{sessionId}', {
      params: { path: { sessionId: randomUUID() } },
    });
    expect(unknown.response.status).toBe(404);
    const code = unknown.error?.code;
    // Compiles only while the document lists not_found among the operation's codes.
    const documented: NonNullable<typeof code> = 'not_found';
    expect(code).toBe(documented);

    const invalid = await operator.POST('/v1/subjects/{subjectId}/consents', {
      params: { path: { subjectId: 'sub_x' } },
      // The channel enum comes from the document: "app" is refused by the types as by the API.
      body: {
        scopes: ['identity_verification'],
        noticeVersion: '2026-01',
        locale: 'de-DE',
        channel: 'app' as 'web',
      },
    });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.code).toBe('validation_failed');
    expect(invalid.error?.errors?.map((e) => e.field)).toEqual(['channel']);
  });

  it('the contract check refuses a body the document does not allow, and a status it does not list', () => {
    const path = `/v1/verifications/${randomUUID()}`;
    expect(() => {
      contract.check('GET', path, 200, { sessionId: 1 });
    }).toThrow(/does not match/);
    expect(() => {
      contract.check('GET', path, 418, {});
    }).toThrow(/does not document status 418/);
  });
});
