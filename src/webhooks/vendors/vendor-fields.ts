import { z } from 'zod';
import { parseInstant } from '../../domain/policy/instant';

/*
 * Field schemas for vendor JSON, read with `readPayload` (src/events). A webhook payload is untrusted input even
 * after its signature verified (a vendor can change its schema): every field reads as undefined (a list as
 * empty) when it is absent or not of the expected shape, instead of refusing the whole payload, throwing or
 * coercing; fields no schema names are ignored. What a delivery must carry, each adapter checks itself.
 */

/** `schema` as an optional field: undefined when absent or not of the schema's shape. */
export function optional<T extends z.ZodType>(schema: T): z.ZodCatch<z.ZodOptional<T>> {
  return schema.optional().catch(undefined);
}

/** A nested object of `shape` (unknown fields ignored); undefined when absent or not an object. */
export function objectField<Shape extends z.ZodRawShape>(
  shape: Shape,
): z.ZodCatch<z.ZodOptional<z.ZodObject<Shape>>> {
  return optional(z.object(shape));
}

/** A list of `item`s; empty when absent or not a list. An item not of `item`'s shape reads as undefined. */
export function listOf<T extends z.ZodType>(item: T): z.ZodCatch<z.ZodArray<z.ZodCatch<z.ZodOptional<T>>>> {
  return z.array(optional(item)).catch([]);
}

export const text = optional(z.string());

export const flag = optional(z.boolean());

/** A safe integer, or one written as up to 15 digits. */
export const integer = optional(
  z.union([
    z.number().refine((value) => Number.isSafeInteger(value)),
    z
      .string()
      .regex(/^\d{1,15}$/)
      .transform((digits) => Number(digits)),
  ]),
);

/** A list read as it comes (each item read by its own schema later); empty when absent or not a list. */
export const list = z.array(z.unknown()).catch([]);

/** The strings of a list (other items dropped); empty when absent or not a list. */
export const textList = z
  .array(z.unknown())
  .catch([])
  .transform((items) => items.filter((item): item is string => typeof item === 'string'));

/** Vendor ids we keep (references, event ids): printable ASCII without spaces, bounded. */
const VENDOR_ID = /^[\x21-\x7e]{1,256}$/;

export const vendorId = optional(z.string().regex(VENDOR_ID));

/** Any JSON object, every field kept. */
export const jsonObject = z.record(z.string(), z.unknown());

/**
 * An instant as ISO 8601 in UTC with milliseconds, or undefined when the value is no valid time or one the
 * ledger does not take (years outside 0000–9999).
 */
export function instant(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  try {
    parseInstant(iso);
    return iso;
  } catch {
    return undefined;
  }
}
