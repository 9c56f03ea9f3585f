import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { Brackets, type Repository } from 'typeorm';
import { VERIFICATION_STATUSES } from '../domain/verification';
import { RequestValidationError } from '../platform/http/validation';
import type { VerificationStatusEntity } from './verification-status.entity';
import { VerificationStatusView } from './verification-status.queries';

/* `GET /v1/verifications`: sessions by subject, status, jurisdiction, policy and creation time, newest first, in
   keyset pages (a cursor names the last session of a page, so pages stay stable while sessions are added). */

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class VerificationListQuery {
  @ApiPropertyOptional({ description: 'Only this subject’s sessions' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, {
    message: 'subjectId must be an id (letters, digits, _ and -)',
  })
  subjectId?: string;

  @ApiPropertyOptional({ enum: VERIFICATION_STATUSES })
  @IsOptional()
  @IsIn(VERIFICATION_STATUSES, { message: 'status must be a verification status' })
  status?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2 code, e.g. GB', example: 'GB' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'jurisdiction must be an ISO 3166-1 alpha-2 code such as GB' })
  jurisdiction?: string;

  @ApiPropertyOptional({ description: 'SHA-256 (hex) of the policy version the session runs under' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'policyHash must be 64 lowercase hex digits' })
  policyHash?: string;

  @ApiPropertyOptional({
    enum: ['true'],
    description: 'Only sessions with an override awaiting a second approver (the senior reviewers’ inbox)',
  })
  @IsOptional()
  @IsIn(['true'], { message: 'pendingOverride must be true' })
  pendingOverride?: string;

  @ApiPropertyOptional({ description: 'Sessions created at or after this ISO 8601 time' })
  @IsOptional()
  @Matches(INSTANT, { message: 'from must be an ISO 8601 time with a zone, e.g. 2026-12-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Sessions created before this ISO 8601 time' })
  @IsOptional()
  @Matches(INSTANT, { message: 'to must be an ISO 8601 time with a zone, e.g. 2026-12-31T00:00:00Z' })
  to?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor must be a nextCursor this API returned' })
  cursor?: string;

  @ApiPropertyOptional({ description: '1–500 (default 100)' })
  @IsOptional()
  @Matches(/^(?:[1-9]\d{0,1}|[1-4]\d{2}|500)$/, { message: 'limit must be an integer from 1 to 500' })
  limit?: string;
}

export class VerificationListPage {
  @ApiProperty({ type: VerificationStatusView, isArray: true }) items!: VerificationStatusView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last page',
  })
  nextCursor!: string | null;
}

interface Cursor {
  readonly createdAt: string;
  readonly sessionId: string;
}

export interface VerificationListFilter {
  readonly subjectId?: string;
  readonly status?: string;
  readonly jurisdiction?: string;
  readonly policyHash?: string;
  readonly pendingOverride?: true;
  readonly from?: string;
  readonly to?: string;
  readonly after?: Cursor;
  readonly limit: number;
}

export function encodeCursor(row: Pick<VerificationStatusEntity, 'createdAt' | 'sessionId'>): string {
  return Buffer.from(JSON.stringify([row.createdAt, row.sessionId])).toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string' &&
      INSTANT.test(parsed[0])
    ) {
      return { createdAt: parsed[0], sessionId: parsed[1] };
    }
  } catch {
    // Not JSON: refused below like any other cursor this API did not issue.
  }
  throw new RequestValidationError([
    { field: 'cursor', problems: ['cursor must be a nextCursor this API returned'] },
  ]);
}

/** Canonical UTC form, the form `created_at` is stored in, so that strings compare as times. */
function instant(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new RequestValidationError([
      { field, problems: [`${field} must be an ISO 8601 time with a zone`] },
    ]);
  }
  return new Date(ms).toISOString();
}

/** The filter a query asks for, validated beyond its shape (times that exist, a cursor this API issued). */
export function listFilter(query: VerificationListQuery): VerificationListFilter {
  const from = query.from === undefined ? undefined : instant(query.from, 'from');
  const to = query.to === undefined ? undefined : instant(query.to, 'to');
  if (from !== undefined && to !== undefined && from >= to) {
    throw new RequestValidationError([{ field: 'to', problems: ['to must be later than from'] }]);
  }
  return {
    ...(query.subjectId === undefined ? {} : { subjectId: query.subjectId }),
    ...(query.status === undefined ? {} : { status: query.status }),
    ...(query.jurisdiction === undefined ? {} : { jurisdiction: query.jurisdiction }),
    ...(query.policyHash === undefined ? {} : { policyHash: query.policyHash }),
    ...(query.pendingOverride === undefined ? {} : { pendingOverride: true as const }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(query.cursor === undefined ? {} : { after: decodeCursor(query.cursor) }),
    limit: query.limit === undefined ? 100 : Number(query.limit),
  };
}

/** One page, newest first; one row more than asked tells whether another page follows. */
export async function listSessions(
  rows: Repository<VerificationStatusEntity>,
  filter: VerificationListFilter,
): Promise<{ rows: VerificationStatusEntity[]; nextCursor: string | null }> {
  const query = rows.createQueryBuilder('v');
  if (filter.subjectId !== undefined)
    query.andWhere('v.subject_id = :subjectId', { subjectId: filter.subjectId });
  if (filter.status !== undefined) query.andWhere('v.status = :status', { status: filter.status });
  if (filter.jurisdiction !== undefined) {
    query.andWhere('v.jurisdiction = :jurisdiction', { jurisdiction: filter.jurisdiction });
  }
  if (filter.policyHash !== undefined)
    query.andWhere('v.policy_hash = :policyHash', { policyHash: filter.policyHash });
  if (filter.pendingOverride === true) query.andWhere('v.pending_override_id IS NOT NULL');
  if (filter.from !== undefined) query.andWhere('v.created_at >= :from', { from: filter.from });
  if (filter.to !== undefined) query.andWhere('v.created_at < :to', { to: filter.to });
  const after = filter.after;
  if (after !== undefined) {
    query.andWhere(
      new Brackets((or) => {
        or.where('v.created_at < :afterCreated', { afterCreated: after.createdAt }).orWhere(
          new Brackets((and) => {
            and
              .where('v.created_at = :afterCreated', { afterCreated: after.createdAt })
              .andWhere('v.session_id < :afterSession', { afterSession: after.sessionId });
          }),
        );
      }),
    );
  }
  const found = await query
    .orderBy('v.created_at', 'DESC')
    .addOrderBy('v.session_id', 'DESC')
    .limit(filter.limit + 1)
    .getMany();
  const page = found.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor: found.length > filter.limit && last !== undefined ? encodeCursor(last) : null,
  };
}
