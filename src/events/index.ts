export {
  MalformedEventError,
  type Upcaster,
  currentSchemaVersion,
  decodeEvent,
  isKnownEventType,
  registerUpcaster,
  upcastEvent,
} from './decoder';
export { type DataSchema, SUBJECT_SCHEMAS, VERIFICATION_SCHEMAS } from './schemas';
export { type PayloadSchema, readPayload } from './payload';
export { LedgerCorruptError } from './errors';
