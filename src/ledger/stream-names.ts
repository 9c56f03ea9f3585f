/** Stream naming scheme (docs/ledger-format.md, "Streams"). Ids are pseudonymous identifiers from the caller or generated UUIDs. */
export const SUBJECT_STREAM_PREFIX = 'kyc-subject-';
export const VERIFICATION_STREAM_PREFIX = 'kyc-verification-';
export const CHECKPOINT_STREAM = 'kyc-ledger-checkpoints';

/** What a subject or session id may look like: no spaces, no personal data shapes, bounded length. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

const STREAM_PATTERN = /^kyc-(subject|verification)-([A-Za-z0-9][A-Za-z0-9_-]{0,127})$/;

export type StreamKind = 'subject' | 'verification' | 'checkpoints';

export function subjectStream(subjectId: string): string {
  return `${SUBJECT_STREAM_PREFIX}${subjectId}`;
}

export function verificationStream(sessionId: string): string {
  return `${VERIFICATION_STREAM_PREFIX}${sessionId}`;
}

export function parseStreamName(stream: string): { kind: StreamKind; id: string } | undefined {
  if (stream === CHECKPOINT_STREAM) return { kind: 'checkpoints', id: '' };
  const match = STREAM_PATTERN.exec(stream);
  if (!match?.[1] || !match[2]) return undefined;
  return { kind: match[1] as 'subject' | 'verification', id: match[2] };
}

export function isValidStreamName(stream: string): boolean {
  return parseStreamName(stream) !== undefined;
}
