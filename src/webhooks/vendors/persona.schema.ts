import { z } from 'zod';
import { list, listOf, objectField, text, vendorId } from './vendor-fields';

/** An included verification (`verification/government-id`, `verification/selfie`…): its status and checks. */
export const PersonaVerification = z.object({
  type: text,
  attributes: objectField({
    status: text,
    checks: listOf(z.object({ name: text, status: text })),
  }),
});

/**
 * A webhook delivery (JSON:API): the event (`data`), its name and time, and the subject it is about
 * (`attributes.payload.data`, an inquiry: only `type`, `id` and `reference-id` are read, never its personal data)
 * with the included verifications (read one by one with PersonaVerification).
 */
export const PersonaDelivery = z.object({
  data: objectField({
    type: text,
    id: vendorId,
    attributes: objectField({
      name: text,
      'created-at': text,
      payload: objectField({
        data: objectField({
          type: text,
          id: vendorId,
          attributes: objectField({ 'reference-id': text }),
        }),
        included: list,
      }),
    }),
  }),
});

/**
 * A retrieved inquiry (`GET /api/v1/inquiries/{id}?include=verifications`): its id, status, reference id and
 * decision times, and the included verifications (read one by one with PersonaVerification). Its personal data
 * (names, birthdate, address, fields) is never read.
 */
export const PersonaInquiry = z.object({
  data: objectField({
    type: text,
    id: vendorId,
    attributes: objectField({
      status: text,
      'reference-id': text,
      'decisioned-at': text,
      'completed-at': text,
    }),
  }),
  included: list,
});
