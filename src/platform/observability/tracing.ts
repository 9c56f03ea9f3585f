import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { setTracingEnabled, TRACER_NAME } from '../../shared/tracing';
import { otlpEndpoint } from './otlp-endpoint';

/**
 * The OpenTelemetry SDK (docs/tracing.md). Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces-only
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: then no provider, context manager or exporter exists, the span
 * helpers of src/shared/tracing.ts run their work directly, the command bus is not wrapped and no HTTP
 * middleware is installed.
 */
export interface Tracing {
  /** Exports every ended span now. */
  flush(): Promise<void>;
  /** Flushes, stops the provider and unregisters it: nothing is traced any more. */
  shutdown(): Promise<void>;
}

let registered: NodeTracerProvider | undefined;

/**
 * Starts tracing when an OTLP endpoint is configured: spans are batched and sent as OTLP/HTTP protobuf (the
 * exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables: endpoint, headers, timeout, compression).
 * Returns undefined, having done nothing, when none is.
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): Tracing | undefined {
  if (otlpEndpoint(env) === undefined) return undefined;
  return registerTracing(new BatchSpanProcessor(new OTLPTraceExporter()));
}

/**
 * Registers a tracer provider that hands its spans to `processor`, with the AsyncLocalStorage context manager and
 * the W3C trace-context propagator (an incoming `traceparent` continues the caller's trace). Tests pass an
 * in-memory exporter's processor. Register before the application is built: the command bus and the HTTP
 * middleware are traced only if tracing is on when they are set up.
 */
export function registerTracing(processor: SpanProcessor): Tracing {
  if (registered !== undefined) throw new Error('tracing is already registered');
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': TRACER_NAME }))
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the defaults.
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  registered = provider;
  setTracingEnabled(true);
  return {
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      if (registered !== provider) return;
      setTracingEnabled(false);
      registered = undefined;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
}

/** Exports the spans ended so far, if tracing is on (the application's shutdown calls it last). */
export async function flushTracing(): Promise<void> {
  await registered?.forceFlush();
}
