import { errorClass } from '../platform/workers';

/** kafkajs wraps the real failure (`originalError`, or `cause`): its class says more than the wrapper's. */
export function causeOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const inner = (error as Error & { originalError?: unknown }).originalError ?? error.cause;
  return inner instanceof Error ? errorClass(inner) : undefined;
}

/** kafkajs errors that mean the brokers cannot be reached (rather than refusing a request). */
const CONNECTIVITY_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
]);

export function isBrokerError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return CONNECTIVITY_ERRORS.has(errorClass(error)) || CONNECTIVITY_ERRORS.has(causeOf(error) ?? '');
}
