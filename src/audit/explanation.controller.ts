import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { parsePointInTime, stoodAt } from '../platform/http/point-in-time';
import { NotFoundError } from '../domain/shared/domain-error';
import { Ledger } from '../ledger/ledger';
import { subjectStream, verificationStream } from '../ledger/stream-names';
import { type Explanation, explain } from './explanation';

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
    const point = parsePointInTime(asOf, atPosition);
    const counts = stoodAt(point);
    // Point-in-time reconstruction reads the ledger itself (docs/architecture.md, "The data path"), not a read model.
    const session = (await this.ledger.readStream(verificationStream(sessionId))).filter(counts);
    const subjectId = session.find((e) => e.type === 'VerificationInitiated')?.data.subjectId;
    const subject =
      typeof subjectId === 'string'
        ? (await this.ledger.readStream(subjectStream(subjectId))).filter(counts)
        : [];
    const result = explain(session, subject, point?.throughPosition);
    if (!result) throw new NotFoundError('verification', sessionId);
    return result;
  }
}
