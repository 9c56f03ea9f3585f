import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DataSource, In, type Repository } from 'typeorm';
import { CHECK_KINDS } from '../domain/policy/policy.types';
import { REASON_CODE_LIST } from '../domain/reason-codes';
import { VERIFICATION_STATUSES } from '../domain/verification/verification.events';
import { VerificationStatusEntity } from './verification-status.entity';
import { listSessions, type VerificationListFilter } from './verification-list';

/* The read side of verification status: the API view, the repository and the row-to-view mapping. */

/** The vendor status of a session no vendor could open yet. */
export const WAITING_FOR_VENDOR = 'waiting_for_vendor';

/** The override awaiting a second senior reviewer (four eyes). */
export class PendingOverrideView {
  @ApiProperty() overrideId!: string;
  @ApiProperty({ enum: ['approve', 'reject'] }) outcome!: string;
  @ApiProperty({ description: 'The principal who asked for it (who may not approve it)' })
  requestedBy!: string;
  @ApiProperty() requestedAt!: string;
}

/** `GET /v1/verifications/{id}` (docs/api.md), with a few optional extras. */
export class VerificationStatusView {
  @ApiProperty() sessionId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({ enum: VERIFICATION_STATUSES }) status!: string;
  @ApiProperty() tier!: string;
  @ApiProperty() jurisdiction!: string;
  @ApiProperty() segment!: string;
  @ApiProperty({ enum: REASON_CODE_LIST, isArray: true }) reasonCodes!: string[];
  @ApiProperty() policyHash!: string;
  @ApiProperty({ description: 'Current attempt (1-based)' }) attempts!: number;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Global position of the last event of the session' }) position!: number;
  @ApiPropertyOptional({ enum: CHECK_KINDS, isArray: true }) requiredChecks?: string[];
  @ApiPropertyOptional({ description: 'policy, reviewer or override, while a final decision stands' })
  decidedBy?: string;
  @ApiPropertyOptional() policyVersion?: string;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional() expiresAt?: string;
  @ApiPropertyOptional({
    enum: ['waiting_for_vendor'],
    description:
      'Set while no vendor could open the session (outage): the server opens it by itself when the vendor is back',
  })
  vendorStatus?: string;
  @ApiPropertyOptional({
    enum: ['VENDOR_DELAYED'],
    description: 'What to tell the person while waiting for the vendor (the app words it)',
  })
  messageCode?: string;
  @ApiPropertyOptional({ description: 'Since when the session waits for the vendor' })
  waitingSince?: string;
  @ApiPropertyOptional({
    type: PendingOverrideView,
    description: 'The override awaiting a second approver, while one does',
  })
  pendingOverride?: PendingOverrideView;
}

/** Reads of the verification status read model. */
@Injectable()
export class VerificationStatusRepository {
  private readonly rows: Repository<VerificationStatusEntity>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(VerificationStatusEntity);
  }

  find(sessionId: string): Promise<VerificationStatusEntity | null> {
    return this.rows.findOneBy({ sessionId });
  }

  /** Sessions waiting for one of `vendors` (`waiting_for_vendor`), oldest first. */
  async waitingForVendor(
    limit: number,
    vendors: readonly string[],
  ): Promise<{ sessionId: string; vendor: string }[]> {
    const rows = await this.rows.find({
      select: { sessionId: true, vendorWaitingFor: true },
      where: { vendorStatus: WAITING_FOR_VENDOR, vendorWaitingFor: In([...vendors]) },
      order: { vendorWaitingSince: 'ASC', sessionId: 'ASC' },
      take: limit,
    });
    return rows.map((row) => ({ sessionId: row.sessionId, vendor: row.vendorWaitingFor ?? '' }));
  }

  /** How many sessions wait for each vendor. */
  async waitingCounts(): Promise<Map<string, number>> {
    const rows = await this.rows
      .createQueryBuilder('s')
      .select('s.vendorWaitingFor', 'vendor')
      .addSelect('COUNT(*)', 'count')
      .where('s.vendorStatus = :status', { status: WAITING_FOR_VENDOR })
      .groupBy('s.vendorWaitingFor')
      .getRawMany<{ vendor: string | null; count: string | number }>();
    return new Map(rows.map((row) => [row.vendor ?? '', Number(row.count)]));
  }

  /** Sessions matching the filter, newest first, in keyset pages. */
  list(
    filter: VerificationListFilter,
  ): Promise<{ rows: VerificationStatusEntity[]; nextCursor: string | null }> {
    return listSessions(this.rows, filter);
  }
}

export function statusView(row: VerificationStatusEntity): VerificationStatusView {
  return {
    sessionId: row.sessionId,
    subjectId: row.subjectId,
    status: row.status,
    tier: row.tier,
    jurisdiction: row.jurisdiction,
    segment: row.segment,
    reasonCodes: row.reasonCodes,
    policyHash: row.policyHash,
    attempts: row.attempts,
    updatedAt: row.updatedAt,
    position: row.position,
    requiredChecks: row.requiredChecks,
    ...(row.decidedBy === null ? {} : { decidedBy: row.decidedBy }),
    policyVersion: row.policyVersion,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    ...(row.vendorStatus === null ? {} : { vendorStatus: row.vendorStatus }),
    ...(row.vendorMessageCode === null ? {} : { messageCode: row.vendorMessageCode }),
    ...(row.vendorWaitingSince === null ? {} : { waitingSince: row.vendorWaitingSince }),
    ...(row.pendingOverrideId === null
      ? {}
      : {
          pendingOverride: {
            overrideId: row.pendingOverrideId,
            outcome: row.pendingOverrideOutcome ?? '',
            requestedBy: row.pendingOverrideBy ?? '',
            requestedAt: row.pendingOverrideAt ?? '',
          },
        }),
  };
}
