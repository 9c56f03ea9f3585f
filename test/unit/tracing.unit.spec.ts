import { CommandBus } from '@nestjs/cqrs';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from '../../src/commands/command-context';
import { otlpEndpoint } from '../../src/platform/observability/otlp-endpoint';
import { registerTracing, startTracing, type Tracing } from '../../src/platform/observability/tracing';
import { commandNameOf, traceCommands } from '../../src/platform/observability/tracing-commands';
import {
  CORRELATION_ID,
  CORRELATION_IDS,
  inBatchSpan,
  inSpan,
  MAX_BATCH_CORRELATIONS,
  MAX_REMEMBERED_COMMANDS,
  rememberCommandSpan,
  tracer,
  tracingEnabled,
} from '../../src/shared/tracing';
import { GrantConsentCommand } from '../../src/subjects/grant-consent.handler';
import { SubjectCommandCommand } from '../../src/subjects/subject-commands.handler';
import { VerificationCommandCommand } from '../../src/verification';

const CONTEXT: CommandContext = {
  actor: { kind: 'user', id: 'operator', roles: ['operator'] },
  correlationId: 'corr-unit',
  causationId: 'cause-unit',
  idempotencyScope: undefined,
};
const PERSONAL = 'Unitperson Spanlow-Qx';

/** Spans recorded into memory while a test runs; tracing is off outside it. */
function recording(): { spans: () => ReadableSpan[] } {
  // A new exporter each time: shutting the provider down stops its exporter for good.
  let exporter = new InMemorySpanExporter();
  let tracing: Tracing | undefined;
  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    tracing = registerTracing(new SimpleSpanProcessor(exporter));
  });
  afterEach(async () => {
    await tracing?.shutdown();
  });
  return { spans: () => exporter.getFinishedSpans() };
}

describe(otlpEndpoint.name, () => {
  it('is undefined, so tracing stays off, unless an OTLP endpoint is set', () => {
    expect(otlpEndpoint({})).toBeUndefined();
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBeUndefined();
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_HEADERS: 'x=1' })).toBeUndefined();
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(
      'http://collector:4318',
    );
  });

  it('prefers the traces-only endpoint', () => {
    expect(
      otlpEndpoint({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces',
      }),
    ).toBe('http://tempo:4318/v1/traces');
    expect(otlpEndpoint({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces' })).toBe(
      'http://tempo:4318/v1/traces',
    );
  });

  it('is undefined whatever the endpoint while OTEL_SDK_DISABLED is true', () => {
    for (const disabled of ['true', 'TRUE', ' True ']) {
      expect(
        otlpEndpoint({
          OTEL_SDK_DISABLED: disabled,
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces',
        }),
      ).toBeUndefined();
    }
    expect(
      otlpEndpoint({ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }),
    ).toBe('http://collector:4318');
  });
});

describe(startTracing.name, () => {
  it('registers nothing without an endpoint: spans record nothing and work runs unwrapped', async () => {
    expect(startTracing({})).toBeUndefined();
    expect(startTracing({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' })).toBe(
      undefined,
    );
    expect(tracingEnabled()).toBe(false);
    expect(tracer().startSpan('probe').isRecording()).toBe(false);

    const options = vi.fn(() => ({}));
    const seen = await inSpan('off', options, (span) => Promise.resolve(span.isRecording()));
    expect(seen).toBe(false);
    expect(options).not.toHaveBeenCalled();

    const metadata = vi.fn(() => [{ correlationId: 'corr-off' }]);
    const attributes = vi.fn(() => ({}));
    await inBatchSpan('off', { attributes, metadata }, () => Promise.resolve());
    expect(metadata).not.toHaveBeenCalled();
    expect(attributes).not.toHaveBeenCalled();
  });

  it('leaves the command bus as it is while tracing is off', () => {
    const bus = new CommandBus({ getModuleRef: () => undefined } as never);
    traceCommands(bus);
    expect(Object.hasOwn(bus, 'execute')).toBe(false);
  });
});

describe(commandNameOf.name, () => {
  it('names a command as the domain does, never by a field that could hold data', () => {
    const evidence = new VerificationCommandCommand(
      'ses_1',
      { type: 'SubmitEvidence', kind: 'document', vendor: 'acme', vendorReference: 'ref' } as never,
      CONTEXT,
    );
    expect(commandNameOf(evidence)).toBe('SubmitEvidence');
    expect(
      commandNameOf(
        new SubjectCommandCommand('sub_1', { kind: 'PlaceLegalHold', reason: PERSONAL }, CONTEXT),
      ),
    ).toBe('PlaceLegalHold');
    expect(
      commandNameOf(
        new GrantConsentCommand(
          'sub_1',
          { scopes: ['identity_verification'], noticeVersion: '2026-01', locale: 'de-DE', channel: 'web' },
          CONTEXT,
        ),
      ),
    ).toBe('GrantConsent');
  });

  it('falls back to the class when the type is not a plain name', () => {
    for (const type of [PERSONAL, 'sub_123', 'x'.repeat(65), 42]) {
      const command = new VerificationCommandCommand('ses_1', { type } as never, CONTEXT);
      expect(commandNameOf(command)).toBe('VerificationCommand');
    }
  });
});

describe(traceCommands.name, () => {
  const { spans } = recording();

  it('runs each command in a span named after it, with its correlation id, around what the handler does', async () => {
    const bus = new CommandBus({ getModuleRef: () => undefined } as never);
    const execute = vi.spyOn(bus, 'execute').mockImplementation(() =>
      inSpan(
        'ledger.append',
        () => ({}),
        () => Promise.resolve('done'),
      ),
    );
    traceCommands(bus);
    traceCommands(bus);
    const command = new SubjectCommandCommand('sub_1', { kind: 'PlaceLegalHold', reason: PERSONAL }, CONTEXT);
    await expect(bus.execute(command)).resolves.toBe('done');
    expect(execute).toHaveBeenCalledOnce();

    const [append, span] = spans();
    expect(span?.name).toBe('command PlaceLegalHold');
    expect(span?.attributes).toEqual({ 'kyc.command': 'PlaceLegalHold', [CORRELATION_ID]: 'corr-unit' });
    expect(append?.parentSpanContext?.spanId).toBe(span?.spanContext().spanId);
    expect(JSON.stringify(span?.attributes)).not.toContain(PERSONAL);
  });
});

describe(inSpan.name, () => {
  const { spans } = recording();

  it('records a failure by the error’s class only: no message, no stack, no exception event', async () => {
    class SubjectNotFoundError extends Error {}
    await expect(
      inSpan(
        'command Probe',
        () => ({ attributes: { 'kyc.command': 'Probe' } }),
        () => Promise.reject(new SubjectNotFoundError(`no subject named ${PERSONAL}`)),
      ),
    ).rejects.toThrow(SubjectNotFoundError);
    await expect(
      inSpan(
        'probe',
        () => ({}),
        () => Promise.reject(new Error(PERSONAL)),
      ),
    ).rejects.toThrow();

    const [failed, plain] = spans();
    expect(failed?.attributes).toEqual({ 'kyc.command': 'Probe', 'error.type': 'SubjectNotFoundError' });
    expect(failed?.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(failed?.events).toEqual([]);
    expect(plain?.attributes).toEqual({ 'error.type': 'Error' });
    for (const span of spans()) {
      expect(JSON.stringify({ a: span.attributes, s: span.status, e: span.events })).not.toContain(PERSONAL);
    }
  });
});

describe(inBatchSpan.name, () => {
  const { spans } = recording();

  /** A command span remembered for `correlationId`, as the traced command bus leaves it. */
  function commandRan(correlationId: string): string {
    const span = tracer().startSpan(`command ${correlationId}`);
    rememberCommandSpan(correlationId, span);
    span.end();
    return span.spanContext().spanId;
  }

  it('tags a batch with its correlation ids and links the commands of this process, in a trace of its own', async () => {
    const first = commandRan('corr-a');
    const second = commandRan('corr-b');
    const request = tracer().startSpan('GET /v1/something');
    await trace.getTracer('test').startActiveSpan('worker woken by a request', async (waker) => {
      await inBatchSpan(
        'projection probe',
        {
          attributes: () => ({ 'kyc.projection': 'probe' }),
          metadata: () => [
            { correlationId: 'corr-a' },
            { correlationId: 'corr-b' },
            { correlationId: 'corr-a' },
            { correlationId: 'corr-elsewhere' },
            { correlationId: '' },
            { correlationId: 7 },
            null,
          ],
        },
        () => Promise.resolve(),
      );
      waker.end();
    });
    request.end();

    const batch = spans().find((span) => span.name === 'projection probe');
    expect(batch?.parentSpanContext).toBeUndefined();
    expect(batch?.attributes).toEqual({
      'kyc.projection': 'probe',
      [CORRELATION_IDS]: ['corr-a', 'corr-b', 'corr-elsewhere'],
    });
    expect(batch?.links.map((link) => [link.context.spanId, link.attributes])).toEqual([
      [first, { [CORRELATION_ID]: 'corr-a' }],
      [second, { [CORRELATION_ID]: 'corr-b' }],
    ]);
  });

  it('names the one correlation id of a batch that has one', async () => {
    await inBatchSpan(
      'publisher send',
      {
        attributes: () => ({}),
        metadata: () => [{ correlationId: 'corr-only' }, { correlationId: 'corr-only' }],
      },
      () => Promise.resolve(),
    );
    expect(spans()[0]?.attributes).toEqual({
      [CORRELATION_IDS]: ['corr-only'],
      [CORRELATION_ID]: 'corr-only',
    });
  });

  it('keeps at most MAX_BATCH_CORRELATIONS ids and links on one span', async () => {
    for (let i = 0; i < 100; i += 1) commandRan(`corr-${i}`);
    await inBatchSpan(
      'projection large',
      {
        attributes: () => ({}),
        metadata: () => Array.from({ length: 100 }, (_, i) => ({ correlationId: `corr-${i}` })),
      },
      () => Promise.resolve(),
    );
    const batch = spans().find((span) => span.name === 'projection large');
    expect(batch?.attributes[CORRELATION_IDS]).toHaveLength(MAX_BATCH_CORRELATIONS);
    expect(batch?.links).toHaveLength(MAX_BATCH_CORRELATIONS);
  });

  it('remembers at most MAX_REMEMBERED_COMMANDS commands, forgetting the oldest first', async () => {
    for (let i = 0; i <= MAX_REMEMBERED_COMMANDS; i += 1) commandRan(`corr-${i}`);
    const newest = `corr-${MAX_REMEMBERED_COMMANDS}`;
    await inBatchSpan(
      'projection bounded',
      { attributes: () => ({}), metadata: () => [{ correlationId: 'corr-0' }, { correlationId: newest }] },
      () => Promise.resolve(),
    );
    const batch = spans().find((span) => span.name === 'projection bounded');
    expect(batch?.attributes[CORRELATION_IDS]).toEqual(['corr-0', newest]);
    expect(batch?.links.map((link) => link.attributes?.[CORRELATION_ID])).toEqual([newest]);
  });
});

describe(registerTracing.name, () => {
  it('is one registration at a time, and shutting it down turns tracing off again', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = registerTracing(new SimpleSpanProcessor(exporter));
    expect(tracingEnabled()).toBe(true);
    expect(() => registerTracing(new SimpleSpanProcessor(exporter))).toThrow(/already registered/);
    await tracing.shutdown();
    expect(tracingEnabled()).toBe(false);
    expect(tracer().startSpan('after').isRecording()).toBe(false);
    const again = registerTracing(new SimpleSpanProcessor(exporter));
    expect(tracer().startSpan('again').isRecording()).toBe(true);
    await again.shutdown();
  });
});
