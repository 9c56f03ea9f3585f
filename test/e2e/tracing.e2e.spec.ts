import { randomBytes } from 'node:crypto';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_STORE, type EventStore } from '../../src/ledger/event-store.port';
import { registerTracing, type Tracing } from '../../src/platform/observability/tracing';
import { LocalLeases } from '../../src/platform/workers';
import { KafkaPublisher } from '../../src/publisher/kafka-publisher';
import { PublisherCheckpointRepository } from '../../src/publisher/publisher-checkpoint.repository';
import { systemClock } from '../../src/shared/clock';
import { CORRELATION_ID, CORRELATION_IDS } from '../../src/shared/tracing';
import { startTestApp, type TestApp } from '../support/app';
import { client } from '../support/http';
import { CLEAR, CONSENT, newSubjectId } from '../support/journey';
import { FakeBroker } from '../support/publisher-fake-transport';
import { until } from '../support/poll';

const PII = {
  fullName: 'Spanhold Testperson-Tq',
  dateOfBirth: '1979-11-02',
  documentNumber: 'TQ0000777',
  address: '3 Tracegasse, Graz',
};
const CONSENT_EVIDENCE = { ipAddress: '198.51.100.77', userAgent: 'Tracebrowser/9 (Spanhold Testperson-Tq)' };
const VENDOR_REFERENCE = `ref_tracing_${randomBytes(4).toString('hex')}`;
const CORRELATION = {
  consent: 'corr-tracing-consent',
  start: 'corr-tracing-start',
  evidence: 'corr-tracing-evidence',
  missing: 'corr-tracing-missing',
  result: 'corr-tracing-result',
};
/** A caller's trace: the request that carries it continues it (but not its free-text tracestate). */
const CALLER = {
  traceId: randomBytes(16).toString('hex'),
  spanId: randomBytes(8).toString('hex'),
  state: 'vendor=spanhold-testperson-tq',
};

const quietLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

const spanId = (span: ReadableSpan): string => span.spanContext().spanId;
const traceId = (span: ReadableSpan): string => span.spanContext().traceId;
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

/** The correlation ids a span carries: its own, or those of the events of its batch. */
function correlationIdsOf(span: ReadableSpan): string[] {
  const one = span.attributes[CORRELATION_ID];
  const many = span.attributes[CORRELATION_IDS];
  return [...(typeof one === 'string' ? [one] : []), ...(Array.isArray(many) ? many.map(String) : [])];
}

/** One span as one line of text, like a log line: everything a trace backend would receive about it. */
function spanLine(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    traceState: span.spanContext().traceState?.serialize(),
    parentTraceState: span.parentSpanContext?.traceState?.serialize(),
    attributes: span.attributes,
    links: span.links.map((link) => ({ state: link.context.traceState?.serialize(), ...link.attributes })),
    events: span.events,
    status: span.status,
    resource: span.resource.attributes,
  });
}

describe('tracing (OpenTelemetry spans without personal data)', () => {
  const exporter = new InMemorySpanExporter();
  const broker = new FakeBroker();
  let tracing: Tracing;
  let t: TestApp;
  let publisher: KafkaPublisher | undefined;
  let subjectId: string;
  let sessionId: string;
  let missingSessionId: string;

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const serverSpan = (correlationId: string): ReadableSpan => {
    const found = spans().filter(
      (span) => span.kind === SpanKind.SERVER && span.attributes[CORRELATION_ID] === correlationId,
    );
    expect(found, correlationId).toHaveLength(1);
    return found[0]!;
  };
  const childrenOf = (parent: ReadableSpan, name?: string): ReadableSpan[] =>
    spans().filter(
      (span) =>
        parentOf(span) === spanId(parent) &&
        traceId(span) === traceId(parent) &&
        (name === undefined || span.name === name),
    );
  const commandSpan = (correlationId: string, name: string): ReadableSpan => {
    const [command, ...more] = childrenOf(serverSpan(correlationId), name);
    expect(more, `${name} under the request ${correlationId}`).toEqual([]);
    expect(command, `${name} under the request ${correlationId}`).toBeDefined();
    return command!;
  };

  beforeAll(async () => {
    tracing = registerTracing(new SimpleSpanProcessor(exporter));
    t = await startTestApp();
    const api = client(t);

    subjectId = newSubjectId();
    const consent = await api.post(
      'operator',
      `/v1/subjects/${subjectId}/consents`,
      { ...CONSENT, evidence: CONSENT_EVIDENCE },
      { 'x-correlation-id': CORRELATION.consent },
    );
    expect(consent.status, JSON.stringify(consent.body)).toBe(201);
    const started = await api.post(
      'operator',
      '/v1/verifications',
      { subjectId, jurisdiction: 'DE', segment: 'retail' },
      { 'x-correlation-id': CORRELATION.start },
    );
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    sessionId = started.body.sessionId as string;

    const evidence = {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'acme',
      vendorReference: VENDOR_REFERENCE,
      attributes: PII,
    };
    const submitted = await api.post('operator', `/v1/verifications/${sessionId}/evidence`, evidence, {
      'x-correlation-id': CORRELATION.evidence,
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);

    // A command that fails: its span says which error class, never the message (which names the session).
    missingSessionId = `ses_${randomBytes(6).toString('hex')}`;
    const missing = await api.post('operator', `/v1/verifications/${missingSessionId}/evidence`, evidence, {
      'x-correlation-id': CORRELATION.missing,
    });
    expect(missing.status, JSON.stringify(missing.body)).toBe(404);

    const result = await api.post(
      'operator',
      `/v1/verifications/${sessionId}/vendor-results`,
      {
        vendor: 'acme',
        vendorEventId: `evt_${VENDOR_REFERENCE}`,
        vendorCreatedAt: '2026-11-26T10:00:00Z',
        checks: CLEAR,
      },
      {
        'x-correlation-id': CORRELATION.result,
        traceparent: `00-${CALLER.traceId}-${CALLER.spanId}-01`,
        tracestate: CALLER.state,
        baggage: `name=${encodeURIComponent(PII.fullName)}`,
      },
    );
    expect(result.status, JSON.stringify(result.body)).toBe(200);

    // The publisher as PublisherService runs it, with an in-memory broker (the embedded profile has none).
    publisher = new KafkaPublisher(
      {
        store: t.app.get<EventStore>(EVENT_STORE),
        checkpoints: new PublisherCheckpointRepository(t.app.get(DataSource)),
        leases: new LocalLeases(),
        transport: () => broker.transport(),
        clock: systemClock,
        logger: quietLogger,
      },
      { name: 'kafka:tracing.', topicPrefix: 'tracing.', topicSpec: { partitions: 1, replication: 1 } },
    );
    publisher.start();
    const batchOf = (prefix: string) => (): boolean =>
      spans().some(
        (span) => span.name.startsWith(prefix) && correlationIdsOf(span).includes(CORRELATION.result),
      );
    await until(batchOf('publisher send'), 'a publisher send of the last command’s events');
    await until(batchOf('projection verification_status'), 'a projection batch of the last command’s events');
  });

  afterAll(async () => {
    try {
      await publisher?.stop();
      await t.close();
    } finally {
      // The registration is global: the next spec in this worker starts without tracing.
      await tracing.shutdown();
    }
  });

  it('names each request’s server span by its route template, parent of the command it runs', () => {
    const server = serverSpan(CORRELATION.evidence);
    expect(server.name).toBe('POST /v1/verifications/:sessionId/evidence');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/verifications/:sessionId/evidence',
      'http.response.status_code': 201,
    });
    expect(server.parentSpanContext).toBeUndefined();

    const command = commandSpan(CORRELATION.evidence, 'command SubmitEvidence');
    expect(command.attributes).toMatchObject({
      'kyc.command': 'SubmitEvidence',
      [CORRELATION_ID]: CORRELATION.evidence,
    });
    expect(command.status.code).not.toBe(SpanStatusCode.ERROR);

    const appends = childrenOf(command, 'ledger.append');
    expect(appends.length).toBeGreaterThanOrEqual(1);
    expect(appends[0]!.attributes).toMatchObject({
      'kyc.stream_category': 'verification',
      'kyc.event_count': expect.any(Number),
      'kyc.event_types': expect.arrayContaining([expect.stringMatching(/^[A-Z][A-Za-z]+$/)]),
      'kyc.position': expect.any(Number),
      [CORRELATION_ID]: CORRELATION.evidence,
    });

    expect(serverSpan(CORRELATION.consent).name).toBe('POST /v1/subjects/:subjectId/consents');
    expect(childrenOf(serverSpan(CORRELATION.consent)).map((span) => span.name)).toEqual([
      'command GrantConsent',
    ]);
    expect(childrenOf(serverSpan(CORRELATION.start)).map((span) => span.name)).toEqual([
      'command StartVerification',
    ]);
  });

  it('joins the projection batch and the publisher send to the command by correlation id and a link', () => {
    const command = commandSpan(CORRELATION.evidence, 'command SubmitEvidence');
    const batchOf = (prefix: string): ReadableSpan => {
      const batch = spans().find(
        (span) => span.name.startsWith(prefix) && correlationIdsOf(span).includes(CORRELATION.evidence),
      );
      expect(batch, prefix).toBeDefined();
      // A trace of its own, linked to the command's.
      expect(batch!.parentSpanContext, prefix).toBeUndefined();
      expect(traceId(batch!), prefix).not.toBe(traceId(command));
      expect(batch!.links, prefix).toContainEqual({
        context: expect.objectContaining({ traceId: traceId(command), spanId: spanId(command) }),
        attributes: { [CORRELATION_ID]: CORRELATION.evidence },
      });
      return batch!;
    };

    const projection = batchOf('projection verification_status');
    expect(projection.attributes).toMatchObject({
      'kyc.projection': 'verification_status',
      'kyc.batch_size': expect.any(Number),
      'kyc.position_to': expect.any(Number),
      'kyc.applied': expect.any(Number),
    });
    const send = batchOf('publisher send');
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(send.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.operation.type': 'send',
      'messaging.batch.message_count': expect.any(Number),
      'kyc.topics': expect.arrayContaining(['tracing.kyc.verification.v1']),
    });
  });

  it('continues the trace of a caller that sends traceparent', () => {
    const server = serverSpan(CORRELATION.result);
    expect(traceId(server)).toBe(CALLER.traceId);
    expect(parentOf(server)).toBe(CALLER.spanId);
    expect(server.parentSpanContext?.isRemote).toBe(true);
    const command = commandSpan(CORRELATION.result, 'command RecordVendorResult');
    expect(traceId(command)).toBe(CALLER.traceId);
    // Requests without one start traces of their own.
    expect(traceId(serverSpan(CORRELATION.evidence))).not.toBe(CALLER.traceId);
  });

  it('records a failed command by its error class only', () => {
    const server = serverSpan(CORRELATION.missing);
    expect(server.attributes['http.response.status_code']).toBe(404);
    const command = commandSpan(CORRELATION.missing, 'command SubmitEvidence');
    expect(command.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(command.attributes['error.type']).toMatch(/^[A-Z][A-Za-z]+Error$/);
    expect(command.events).toEqual([]);
  });

  it('records no personal data, no subject or session id, no raw path, no body and no API key', () => {
    const secrets = [
      ...Object.values(PII),
      ...Object.values(CONSENT_EVIDENCE),
      ...Object.values(t.keys),
      VENDOR_REFERENCE,
      CALLER.state.split('=')[1]!,
      subjectId,
      sessionId,
      missingSessionId,
      `/v1/verifications/${sessionId}`,
      `/v1/subjects/${subjectId}`,
      '"kind":"document"',
    ];
    const lines = spans().map(spanLine);
    expect(lines.length).toBeGreaterThan(10);
    const leaks = lines.flatMap((line) =>
      secrets.filter((secret) => line.includes(secret)).map((secret) => `${secret}: ${line}`),
    );
    expect(leaks).toEqual([]);
  });
});
