import { z } from 'zod';
import { flag, listOf, objectField, text, textList, vendorId } from './vendor-fields';

/** One breakdown of a report: its `result` (clear, consider). */
const breakdown = objectField({ result: text });

/**
 * A Report resource (`name`, `status`, `result`, `sub_result`) and the breakdowns the mapping reads: the document
 * breakdowns, the facial similarity ones and the watchlist ones (ONFIDO_WATCHLIST_ROWS).
 */
export const OnfidoReport = z.object({
  name: text,
  status: text,
  result: text,
  sub_result: text,
  breakdown: objectField({
    data_validation: objectField({ breakdown: objectField({ document_expiration: breakdown }) }),
    image_integrity: breakdown,
    visual_authenticity: objectField({
      result: text,
      breakdown: objectField({ spoofing_detection: breakdown, liveness_detected: breakdown }),
    }),
    age_validation: breakdown,
    face_comparison: breakdown,
    sanction: breakdown,
    politically_exposed_person: breakdown,
    adverse_media: breakdown,
    monitored_lists: breakdown,
    legal_and_regulatory_warnings: breakdown,
  }),
});
export type OnfidoReport = z.infer<typeof OnfidoReport>;
export type OnfidoBreakdowns = NonNullable<OnfidoReport['breakdown']>;

/**
 * A webhook delivery: `{"payload": {"resource_type", "action", "object": {…}, "resource": {…}}}`. `object` is the
 * Check, Report, workflow run or task the action is about; `resource` the Studio workflow run or task. A task's
 * `output` is read as it comes: it is the Report resource the task produced.
 */
export const OnfidoDelivery = z.object({
  payload: objectField({
    action: text,
    // The resource the action is about: a Check, a Report (with a report's fields), a workflow run or task.
    object: objectField({
      ...OnfidoReport.shape,
      id: vendorId,
      completed_at_iso8601: text,
      started_at_iso8601: text,
      sandbox: flag,
      reports: listOf(OnfidoReport),
      check_id: vendorId,
      workflow_run_id: vendorId,
      task_def_id: text,
      output: z.unknown().optional(),
    }),
    resource: objectField({
      status: text,
      reasons: textList,
      customer_user_id: text,
      workflow_run_id: vendorId,
      task_def_id: text,
      output: z.unknown().optional(),
    }),
  }),
});
