import { CLOUDEVENTS_SPEC_VERSION, type IntegrationEvent, PAYLOAD_CONTENT_TYPE } from './integration-events';

/*
 * CloudEvents 1.0, Kafka protocol binding, binary content mode: the event data is the record value as-is
 * (JSON, UTF-8), its media type is the `content-type` header, and every other attribute — extensions included —
 * is a header named `ce_<attribute>` (attribute names are lower-case letters and digits, so the extensions are
 * `ce_correlationid` and `ce_policyhash`). The record key is the session or subject id (a key mapping of this
 * publisher, not an attribute: no `partitionkey` extension is added).
 */

export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  subject: 'ce_subject',
  time: 'ce_time',
  correlationid: 'ce_correlationid',
  policyhash: 'ce_policyhash',
} as const;

export const CONTENT_TYPE_HEADER = 'content-type';

export interface KafkaRecord {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

export function toBinaryKafkaRecord(event: IntegrationEvent): KafkaRecord {
  const headers: Record<string, string> = {
    [CE_HEADERS.specversion]: CLOUDEVENTS_SPEC_VERSION,
    [CE_HEADERS.id]: event.id,
    [CE_HEADERS.type]: event.type,
    [CE_HEADERS.source]: event.source,
    [CE_HEADERS.subject]: event.subject,
    [CE_HEADERS.time]: event.time,
    [CONTENT_TYPE_HEADER]: PAYLOAD_CONTENT_TYPE,
    [CE_HEADERS.correlationid]: event.correlationId,
  };
  if (event.policyHash !== undefined) headers[CE_HEADERS.policyhash] = event.policyHash;
  return { key: event.key, value: JSON.stringify(event.data), headers };
}
