import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../api/auth/auth.decorators';
import { ParseIdPipe } from '../api/id.pipe';
import { RequestValidationError } from '../api/validation';
import { NotFoundError } from '../domain/shared/domain-error';
import type { LedgerEvent } from '../eventstore/envelope';
import { Ledger } from '../eventstore/ledger';
import { subjectStream, verificationStream } from '../eventstore/stream-names';
import { type Explanation, explain } from './explanation';

/** Which events count for a point-in-time answer. */
export function pointInTime(
  asOf: string | undefined,
  atPosition: string | undefined,
): (e: LedgerEvent) => boolean {
  if (asOf !== undefined && atPosition !== undefined) {
    throw new RequestValidationError([
      { field: 'asOf', problems: ['give either asOf or atPosition, not both'] },
    ]);
  }
  if (atPosition !== undefined) {
    if (!/^\d{1,15}$/.test(atPosition)) {
      throw new RequestValidationError([
        { field: 'atPosition', problems: ['atPosition must be a non-negative integer'] },
      ]);
    }
    const limit = Number(atPosition);
    return (e) => e.position <= limit;
  }
  if (asOf !== undefined) {
    const time = Date.parse(asOf);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(asOf) || Number.isNaN(time)) {
      throw new RequestValidationError([{ field: 'asOf', problems: ['asOf must be an ISO 8601 date-time'] }]);
    }
    return (e) => Date.parse(e.metadata.recordedAt) <= time;
  }
  return () => true;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/verifications')
export class ExplanationController {
  constructor(private readonly ledger: Ledger) {}

  @Get(':sessionId/explanation')
  @Roles('reviewer', 'senior_reviewer', 'auditor')
  @ApiOperation({
    summary:
      'Why approved / rejected: decision, policy and rule trace, vendor results, reviews, overrides, consent — each citing the event that proves it',
  })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO time: the answer as the ledger stood then' })
  @ApiQuery({
    name: 'atPosition',
    required: false,
    description: 'Global position: the answer as of that event',
  })
  async explanation(
    @Param('sessionId', new ParseIdPipe('sessionId')) sessionId: string,
    @Query('asOf') asOf?: string,
    @Query('atPosition') atPosition?: string,
  ): Promise<Explanation> {
    const counts = pointInTime(asOf, atPosition);
    // Point-in-time reconstruction reads the ledger itself (DESIGN §2), not a read model.
    const session = (await this.ledger.readStream(verificationStream(sessionId))).filter(counts);
    const subjectId = session.find((e) => e.type === 'VerificationInitiated')?.data.subjectId;
    const subject =
      typeof subjectId === 'string'
        ? (await this.ledger.readStream(subjectStream(subjectId))).filter(counts)
        : [];
    const result = explain(session, subject);
    if (!result) throw new NotFoundError('verification', sessionId);
    return result;
  }
}
