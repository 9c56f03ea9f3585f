import { z } from 'zod';
import { flag, objectField, text, textList, vendorId } from './vendor-fields';

/** A webhook delivery: the applicant, the event type and time, and a review's answer. */
export const SumsubDelivery = z.object({
  type: text,
  applicantId: vendorId,
  createdAtMs: text,
  createdAt: text,
  externalUserId: text,
  sandboxMode: flag,
  reviewResult: objectField({
    reviewAnswer: text,
    reviewRejectType: text,
    rejectLabels: textList,
  }),
});
