/**
 * The OTLP endpoint traces go to, or undefined: tracing stays off. `OTEL_SDK_DISABLED=true` wins. Apart from the
 * SDK (./tracing.ts), so that a process without an endpoint never loads it.
 */
export function otlpEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return endpoint === '' ? undefined : endpoint;
}
