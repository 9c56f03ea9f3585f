import type { z } from 'zod';

/** A schema for an untrusted JSON payload (vendor webhooks), read with the same library as stored events. */
export type PayloadSchema<T> = z.ZodType<T>;

/** The payload as `schema` reads it, or undefined when it does not fit: untrusted input never throws. */
export function readPayload<T>(schema: PayloadSchema<T>, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}
