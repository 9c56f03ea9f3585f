/** Classes of personal data (docs/privacy.md, "Data classes"). Each (subject, class) has its own data-encryption key. */
export const DATA_CLASSES = [
  'identity_attributes',
  'contact_address',
  'document_media_refs',
  'biometric_refs',
  'review_notes',
  'consent_evidence',
] as const;

export type DataClass = (typeof DATA_CLASSES)[number];

export function isDataClass(value: unknown): value is DataClass {
  return typeof value === 'string' && (DATA_CLASSES as readonly string[]).includes(value);
}
