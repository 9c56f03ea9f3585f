import { createHmac } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { type DataSource, In, Not, type Repository } from 'typeorm';
import type { JsonObject } from '../../shared/json';
import { sqliteConnectionOf, whenIdle, withoutFsync } from '../../shared/sqlite-connection';
import { IdentityIndexEntity } from './identity-index.entity';
import type { KeyStore } from './key-store';

/**
 * The key store entry of the index key: a reserved owner that no subject id can take (subject ids never hold a
 * colon), under the class of the data it indexes. Wrapped by the KEK like every data key, re-wrapped with it.
 */
export const INDEX_KEY_OWNER = 'ledger:identity-index';
/** The identity index follower's checkpoint (and lease) name, in the projections' checkpoint table. */
export const IDENTITY_INDEX_CHECKPOINT = 'identity-index';
const INDEX_KEY_CLASS = 'identity_attributes';

export type IdentityKind = 'document' | 'name_and_birth_date';

/** One keyed token of an identity (HMAC-SHA256 hex); the identity itself is never kept. */
export interface IdentityToken {
  readonly kind: IdentityKind;
  readonly token: string;
}

/** Another subject's session that holds the same identity. */
export interface IdentityMatch {
  readonly sessionId: string;
  readonly kind: IdentityKind;
}

/**
 * A keyed blind index of the identities seen in evidence, to find the same person under another subject
 * (`DUPLICATE_IDENTITY_SUSPECTED`): for each document, HMAC-SHA256 under its own key in the key store of the
 * normalised document number with its issuing country, and of the normalised full name with the birth date.
 * The tokens are personal data (they stand for an identity): kept in the read-model database only, never in an
 * event, a log line or an answer, and removed when the subject's identity attributes are erased or shredded.
 * Without the key they reveal nothing.
 */
export class IdentityIndex {
  private readonly rows: Repository<IdentityIndexEntity>;
  /** One token of a subject, inserted only while the subject's identity attributes have an active key. */
  private readonly recordSql: string;
  private recordStatement: Statement | undefined;
  /** The follower's checkpoint row exists (created at position 0 by the first record of the process). */
  private checkpointRow: Promise<void> | undefined;
  /**
   * The index key, unwrapped once: it belongs to no subject, so no shred ever destroys it, and a KEK rotation
   * re-wraps the same bytes.
   */
  private key: Promise<Buffer> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: KeyStore,
    /** The table that holds the follower's checkpoint (the projections' checkpoints). */
    private readonly checkpointTable: string,
  ) {
    this.rows = dataSource.getRepository(IdentityIndexEntity);
    const postgres = dataSource.options.type === 'postgres';
    const p = (n: number): string => (postgres ? `$${String(n)}` : '?');
    const table = dataSource.getMetadata(IdentityIndexEntity).tableName;
    // On PostgreSQL the checkpoint row is share-locked: a follower commit that moves it waits for this insert
    // (and then removes what it must), or this insert waits for the commit (and then sees it passed).
    this.recordSql =
      `INSERT INTO "${table}" ("token", "session_id", "kind", "subject_id", "created_at") ` +
      `SELECT ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)} WHERE EXISTS (SELECT 1 FROM "${checkpointTable}" ` +
      `WHERE "name" = '${IDENTITY_INDEX_CHECKPOINT}' AND "position" < ${p(6)}${postgres ? ' FOR SHARE' : ''}) ` +
      `ON CONFLICT DO NOTHING`;
  }

  /** The tokens of a document's extracted attributes; none when they name no identity. */
  async tokens(
    attributes: JsonObject | undefined,
    issuingCountry: string | undefined,
  ): Promise<IdentityToken[]> {
    if (attributes === undefined) return [];
    const identities: { kind: IdentityKind; text: string }[] = [];
    const number = text(attributes.documentNumber);
    if (number !== undefined && issuingCountry !== undefined) {
      const normalised = normaliseDocumentNumber(number);
      if (normalised.length > 0)
        identities.push({ kind: 'document', text: `document\n${issuingCountry}\n${normalised}` });
    }
    const name = text(attributes.fullName);
    const birth = text(attributes.dateOfBirth);
    if (name !== undefined && birth !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(birth)) {
      const normalised = normaliseName(name);
      if (normalised.length > 0) {
        identities.push({
          kind: 'name_and_birth_date',
          text: `name_and_birth_date\n${normalised}\n${birth}`,
        });
      }
    }
    if (identities.length === 0) return [];
    this.key ??= this.keys.activeKey(INDEX_KEY_OWNER, INDEX_KEY_CLASS).then(({ key }) => key);
    let key: Buffer;
    try {
      key = await this.key;
    } catch (error) {
      this.key = undefined;
      throw error;
    }
    return identities.map(({ kind, text: identity }) => ({
      kind,
      token: createHmac('sha256', key).update(identity, 'utf8').digest('hex'),
    }));
  }

  /**
   * The first session of another subject with one of these tokens, a document match before a name match (one
   * query for all tokens).
   */
  async match(tokens: readonly IdentityToken[], subjectId: string): Promise<IdentityMatch | undefined> {
    if (tokens.length === 0) return undefined;
    const found = await this.rows.find({
      select: { token: true, sessionId: true, kind: true, createdAt: true },
      where: { token: In(tokens.map((t) => t.token)), subjectId: Not(subjectId) },
      order: { createdAt: 'ASC', sessionId: 'ASC' },
    });
    for (const kind of ['document', 'name_and_birth_date'] as const) {
      const first = found.find((row) => row.kind === kind);
      if (first !== undefined) return { sessionId: first.sessionId, kind };
    }
    return undefined;
  }

  /**
   * Records the tokens of a session's evidence just appended at `position` (the last position of its append), so
   * that the next submission sees them at once; a repeat changes nothing. The identity index follower records
   * them from the log in any case (also when the process stopped right after the append), and removes them at a
   * later erasure or shred, in log order. So this write happens only while the follower has not passed
   * `position` yet: once it has, the follower's word stands (it may have removed them since), and a command that
   * stalled must not put them back. Not fsynced: the follower writes it again. `createdAt` is the evidence's
   * `submittedAt`, as the follower records it.
   */
  async record(
    tokens: readonly IdentityToken[],
    subjectId: string,
    sessionId: string,
    createdAt: string,
    position: number,
  ): Promise<void> {
    if (tokens.length === 0) return;
    this.checkpointRow ??= this.ensureCheckpointRow().catch((error: unknown) => {
      this.checkpointRow = undefined;
      throw error;
    });
    await this.checkpointRow;
    const db = sqliteConnectionOf(this.dataSource);
    if (db === undefined) {
      await this.dataSource.transaction(async (manager) => {
        for (const { token, kind } of tokens) {
          await manager.query(this.recordSql, [token, sessionId, kind, subjectId, createdAt, position]);
        }
      });
      return;
    }
    this.recordStatement ??= db.prepare(this.recordSql);
    const statement = this.recordStatement;
    const insertAll = db.transaction(() => {
      for (const { token, kind } of tokens) {
        statement.run(token, sessionId, kind, subjectId, createdAt, position);
      }
    });
    await whenIdle(db, () => {
      withoutFsync(db, () => {
        insertAll.immediate();
      });
    });
  }

  private async ensureCheckpointRow(): Promise<void> {
    const at = this.dataSource.options.type === 'postgres' ? '$1' : '?';
    await this.dataSource.query(
      `INSERT INTO "${this.checkpointTable}" ("name", "position", "generation", "updated_at") ` +
        `VALUES ('${IDENTITY_INDEX_CHECKPOINT}', 0, 0, ${at}) ON CONFLICT ("name") DO NOTHING`,
      [new Date().toISOString()],
    );
  }

  /** Removes every token of a subject (erasure, shredding of identity attributes); returns how many. */
  async forget(subjectId: string): Promise<number> {
    const result = await this.rows.delete({ subjectId });
    return result.affected ?? 0;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 512 ? value : undefined;
}

/** Upper case, letters and digits only: `T 2200-0129` and `t22000129` are one document number. */
export function normaliseDocumentNumber(value: string): string {
  return value
    .normalize('NFKD')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/**
 * Lower case without diacritics and punctuation, the words in order of the alphabet: `Erika Mustermann`,
 * `MUSTERMANN, Érika` and `erika  mustermann` are one name.
 */
export function normaliseName(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((word) => word.length > 0)
    .sort()
    .join(' ');
}
