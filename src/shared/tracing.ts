import {
  type Attributes,
  context,
  INVALID_SPAN_CONTEXT,
  type Link,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';

/**
 * Spans on the OpenTelemetry API (docs/tracing.md), for every layer down to the ledger; the SDK that records and
 * exports them is registered by src/platform/observability/tracing.ts, and only when an OTLP endpoint is set.
 * While none is, every helper here runs its work directly: no span, no context switch, no attributes computed.
 * Span names and attributes hold names of commands, projections and stream categories, positions, counts,
 * statuses and correlation ids: never personal data, ids of subjects or sessions, bodies or error messages.
 */
export const TRACER_NAME = 'kyc-ledger';

/** The attribute that joins the spans of one request across traces and processes. */
export const CORRELATION_ID = 'kyc.correlation_id';
/** Every distinct correlation id of a batch (projection, publisher). */
export const CORRELATION_IDS = 'kyc.correlation_ids';
/** At most this many correlation ids (and links) on one batch span. */
export const MAX_BATCH_CORRELATIONS = 64;
/** At most this many command spans are remembered for links; the oldest are forgotten first. */
export const MAX_REMEMBERED_COMMANDS = 10_000;

const NOT_RECORDING: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

let enabled = false;
/** Span contexts of recent commands by correlation id, for the links of the batches handling their events. */
const commandSpans = new Map<string, SpanContext>();

/** Whether a tracer provider is registered: without one nothing is wrapped and no middleware is installed. */
export function tracingEnabled(): boolean {
  return enabled;
}

/** For the registration in src/platform/observability/tracing.ts only. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
  commandSpans.clear();
}

export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** The class of an error: its message can quote personal data, its class cannot. */
export function errorType(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}

/** Marks a span failed with the error's class only: no message, no stack, no exception event. */
export function recordFailure(span: Span, error: unknown): void {
  span.setAttribute('error.type', errorType(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  readonly links?: Link[];
}

/**
 * Runs `work` in a new span, active for everything it calls, and ends the span with its outcome (a failure by
 * its class only). `options` is evaluated only while tracing; otherwise `work` runs directly with a span that
 * records nothing.
 */
export async function inSpan<T>(
  name: string,
  options: () => SpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!enabled) return work(NOT_RECORDING);
  const { kind = SpanKind.INTERNAL, attributes = {}, links = [] } = options();
  return tracer().startActiveSpan(name, { kind, attributes, links }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Remembers a command's span under its correlation id, so that a projection batch or a publisher send of this
 * process that handles the command's events links to it. Across processes the `kyc.correlation_id` attribute
 * is the join.
 */
export function rememberCommandSpan(correlationId: string, span: Span): void {
  if (!span.isRecording()) return;
  commandSpans.delete(correlationId);
  commandSpans.set(correlationId, span.spanContext());
  if (commandSpans.size > MAX_REMEMBERED_COMMANDS) {
    const oldest = commandSpans.keys().next();
    if (oldest.done !== true) commandSpans.delete(oldest.value);
  }
}

/** The correlation id of an event's metadata (or a command's context), if it has a plain one. */
export function correlationIdOf(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const id = (metadata as { correlationId?: unknown }).correlationId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export interface BatchSpanOptions {
  readonly kind?: SpanKind;
  /** The batch's attributes, read only while tracing. */
  readonly attributes: () => Attributes;
  /** The metadata of the batch's events, read only while tracing: their correlation ids tag and link the span. */
  readonly metadata: () => Iterable<unknown>;
}

/**
 * Runs one batch of asynchronous work (a projection batch, a publisher send) in a span of a trace of its own,
 * tagged with the correlation ids its events carry (`kyc.correlation_ids`, and `kyc.correlation_id` when there is
 * one) and linked to the spans of the commands that appended them, when those ran in this process.
 */
export async function inBatchSpan<T>(
  name: string,
  options: BatchSpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!enabled) return work(NOT_RECORDING);
  const ids = new Set<string>();
  for (const metadata of options.metadata()) {
    const id = correlationIdOf(metadata);
    if (id !== undefined) ids.add(id);
    if (ids.size >= MAX_BATCH_CORRELATIONS) break;
  }
  const correlationIds = [...ids];
  const links = correlationIds.flatMap((id): Link[] => {
    const linked = commandSpans.get(id);
    return linked === undefined ? [] : [{ context: linked, attributes: { [CORRELATION_ID]: id } }];
  });
  const [only, ...more] = correlationIds;
  const attributes: Attributes = {
    ...options.attributes(),
    [CORRELATION_IDS]: correlationIds,
    ...(only !== undefined && more.length === 0 ? { [CORRELATION_ID]: only } : {}),
  };
  // A root span: the batch is not part of whichever request happened to wake the worker.
  return context.with(trace.deleteSpan(context.active()), () =>
    inSpan(name, () => ({ kind: options.kind ?? SpanKind.INTERNAL, attributes, links }), work),
  );
}
