import { z } from 'zod';
import { integer, listOf, optional, text, vendorId } from './vendor-fields';

/**
 * A decision webhook's `verification`: the session, the decision (`status`, its `code`, `reasonCode`) and its
 * time, and the risk labels. `person` and `document` hold personal data: no schema names them, so they are
 * never read.
 */
export const VeriffVerification = z.object({
  id: vendorId,
  attemptId: text,
  status: text,
  code: integer,
  reasonCode: integer,
  vendorData: text,
  decisionTime: text,
  acceptanceTime: text,
  riskLabels: listOf(z.object({ label: text })),
});
export type VeriffVerification = z.infer<typeof VeriffVerification>;

/** A delivery: a decision (`verification`) or an event webhook (`id`, `attemptId`, `action`, `vendorData`). */
export const VeriffDelivery = z.object({
  verification: optional(VeriffVerification),
  id: vendorId,
  attemptId: text,
  action: text,
  vendorData: text,
});
export type VeriffDelivery = z.infer<typeof VeriffDelivery>;

/**
 * The answer of `GET /v1/sessions/{id}/decision`: `{status: 'success', verification: null}` until Veriff has
 * decided, then the decision object the decision webhook carries. `verification` reads as null (not decided),
 * a VeriffVerification, or undefined when absent or of another shape.
 */
export const VeriffDecision = z.object({
  status: text,
  verification: z.union([z.null(), VeriffVerification]).optional().catch(undefined),
});
export type VeriffDecision = z.infer<typeof VeriffDecision>;
