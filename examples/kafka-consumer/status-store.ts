import Database from 'better-sqlite3';

/**
 * The consumer's own state in SQLite: which events it has processed (dedupe by `ce_id`) and the status of each
 * verification session and subject, as far as this service cares. Processing a record and remembering its id
 * happen in one transaction, so a redelivery after a crash is recognised and skipped.
 */

/** A Kafka record as the consumer receives it, headers decoded as UTF-8. */
export interface IncomingRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored';

export interface SessionRow {
  readonly sessionId: string;
  readonly subjectId: string;
  readonly status: string;
  readonly tier: string | null;
  readonly reasonCodes: string[];
  readonly decidedBy: string | null;
  readonly policyHash: string | null;
  readonly sequence: number;
  readonly updatedAt: string;
}

interface SessionRecord {
  session_id: string;
  subject_id: string;
  status: string;
  tier: string | null;
  reason_codes: string;
  decided_by: string | null;
  policy_hash: string | null;
  sequence: number;
  updated_at: string;
}

/** The payload fields this consumer reads; the events carry more, which it ignores. */
interface VerificationPayload {
  sessionId: string;
  subjectId: string;
  sequence: number;
  status: string;
  occurredAt: string;
  tier?: string;
  reasonCodes?: string[];
  decidedBy?: string;
  policyHash?: string;
}

interface SubjectPayload {
  subjectId: string;
  sequence: number;
  occurredAt: string;
  endedAt?: string;
}

export class StatusStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS processed_events (
        ce_id TEXT PRIMARY KEY,
        ce_type TEXT NOT NULL,
        processed_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS verification_status (
        session_id TEXT PRIMARY KEY,
        subject_id TEXT NOT NULL,
        status TEXT NOT NULL,
        tier TEXT,
        reason_codes TEXT NOT NULL DEFAULT '[]',
        decided_by TEXT,
        policy_hash TEXT,
        sequence INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS subject_status (
        subject_id TEXT PRIMARY KEY,
        relationship_ended_at TEXT,
        sequence INTEGER NOT NULL
      );
    `);
  }

  /** Applies one record exactly once (by `ce_id`), in one transaction. */
  apply(record: IncomingRecord): ApplyOutcome {
    const id = record.headers.ce_id;
    const type = record.headers.ce_type;
    if (id === undefined || type === undefined || record.value === null) return 'ignored';
    const payload = JSON.parse(record.value) as unknown;
    return this.db.transaction((): ApplyOutcome => {
      const inserted = this.db
        .prepare('INSERT OR IGNORE INTO processed_events (ce_id, ce_type, processed_at) VALUES (?, ?, ?)')
        .run(id, type, new Date().toISOString());
      if (inserted.changes === 0) return 'duplicate';
      if (type.startsWith('kyc.verification.')) this.applyVerification(type, payload as VerificationPayload);
      else if (type.startsWith('kyc.subject.')) this.applySubject(type, payload as SubjectPayload);
      else return 'ignored';
      return 'applied';
    })();
  }

  session(sessionId: string): SessionRow | undefined {
    const row = this.db
      .prepare<[string], SessionRecord>('SELECT * FROM verification_status WHERE session_id = ?')
      .get(sessionId);
    if (row === undefined) return undefined;
    return {
      sessionId: row.session_id,
      subjectId: row.subject_id,
      status: row.status,
      tier: row.tier,
      reasonCodes: JSON.parse(row.reason_codes) as string[],
      decidedBy: row.decided_by,
      policyHash: row.policy_hash,
      sequence: row.sequence,
      updatedAt: row.updated_at,
    };
  }

  relationshipEndedAt(subjectId: string): string | null {
    const row = this.db
      .prepare<[string], { relationship_ended_at: string | null }>(
        'SELECT relationship_ended_at FROM subject_status WHERE subject_id = ?',
      )
      .get(subjectId);
    return row?.relationship_ended_at ?? null;
  }

  processedCount(): number {
    return this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM processed_events').get()?.n ?? 0;
  }

  close(): void {
    this.db.close();
  }

  private applyVerification(type: string, event: VerificationPayload): void {
    // Every verification event carries the session's status after it. The sequence guard keeps a newer state
    // when an older event arrives again (a redelivery from before a restart of the consumer group).
    this.db
      .prepare(
        `INSERT INTO verification_status
           (session_id, subject_id, status, tier, reason_codes, decided_by, policy_hash, sequence, updated_at)
         VALUES (@sessionId, @subjectId, @status, @tier, @reasonCodes, @decidedBy, @policyHash, @sequence, @at)
         ON CONFLICT (session_id) DO UPDATE SET
           status = excluded.status,
           tier = COALESCE(excluded.tier, verification_status.tier),
           reason_codes = CASE WHEN @hasCodes THEN excluded.reason_codes ELSE verification_status.reason_codes END,
           decided_by = COALESCE(excluded.decided_by, verification_status.decided_by),
           policy_hash = COALESCE(excluded.policy_hash, verification_status.policy_hash),
           sequence = excluded.sequence,
           updated_at = excluded.updated_at
         WHERE excluded.sequence > verification_status.sequence`,
      )
      .run({
        sessionId: event.sessionId,
        subjectId: event.subjectId,
        status: event.status,
        tier: event.tier ?? null,
        reasonCodes: JSON.stringify(event.reasonCodes ?? []),
        hasCodes: isDecision(type) ? 1 : 0,
        decidedBy: event.decidedBy ?? null,
        policyHash: event.policyHash ?? null,
        sequence: event.sequence,
        at: event.occurredAt,
      });
  }

  private applySubject(type: string, event: SubjectPayload): void {
    this.db
      .prepare(
        `INSERT INTO subject_status (subject_id, relationship_ended_at, sequence) VALUES (@subjectId, @ended, @sequence)
         ON CONFLICT (subject_id) DO UPDATE SET
           relationship_ended_at = COALESCE(excluded.relationship_ended_at, subject_status.relationship_ended_at),
           sequence = excluded.sequence
         WHERE excluded.sequence > subject_status.sequence`,
      )
      .run({
        subjectId: event.subjectId,
        ended: type === 'kyc.subject.relationship_ended.v1' ? (event.endedAt ?? event.occurredAt) : null,
        sequence: event.sequence,
      });
  }
}

/** Events whose reason codes are the session's current ones. */
function isDecision(type: string): boolean {
  return [
    'kyc.verification.approved.v1',
    'kyc.verification.rejected.v1',
    'kyc.verification.resubmission_requested.v1',
    'kyc.verification.review_requested.v1',
  ].includes(type);
}
