import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { RequestValidationError } from '../platform/http/validation';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { isValidStreamName } from '../ledger/stream-names';
import { LedgerError } from '../shared/ledger-error';
import { type ChainReport, verifyLedger } from './chain-verifier';
import type { SignedCheckpoint } from './checkpoint-statement';
import { type CheckpointReport, verifyCheckpoints } from './checkpoint-verifier';
import { Checkpointer } from './checkpointer';
import { type InclusionProof, ProofService } from './proof.service';

class NoCheckpointError extends LedgerError {
  readonly code = 'no_checkpoint';
  override readonly httpStatus = 404;
  constructor() {
    super('no signed checkpoint exists yet');
  }
}

export interface LatestCheckpoint extends SignedCheckpoint {
  readonly eventId: string;
  readonly position: number;
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly chain: ChainReport;
  readonly checkpoints: CheckpointReport;
}

@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('v1/audit')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly checkpointer: Checkpointer,
    private readonly proofs: ProofService,
  ) {}

  @Get('checkpoints/latest')
  @ApiOperation({ summary: 'The latest signed checkpoint: Merkle root, range, signature and public key' })
  async latest(): Promise<LatestCheckpoint> {
    const latest = await this.checkpointer.latest();
    if (!latest) throw new NoCheckpointError();
    return { ...latest.checkpoint, eventId: latest.eventId, position: latest.position };
  }

  @Get('proofs/:eventId')
  @ApiOperation({ summary: 'Inclusion proof of one event in a signed checkpoint (RFC 9162 audit path)' })
  proof(@Param('eventId', new ParseIdPipe('eventId')) eventId: string): Promise<InclusionProof> {
    return this.proofs.proofFor(eventId);
  }

  @Get('verification')
  @ApiOperation({ summary: 'Verify hash chains (one stream or all) and every signed checkpoint' })
  @ApiQuery({ name: 'stream', required: false })
  async verification(@Query('stream') stream?: string): Promise<VerificationReport> {
    if (stream !== undefined && !isValidStreamName(stream)) {
      throw new RequestValidationError([
        { field: 'stream', problems: ['stream must follow the naming scheme'] },
      ]);
    }
    const [chain, checkpoints] = await Promise.all([
      verifyLedger(this.store, stream === undefined ? {} : { stream }),
      verifyCheckpoints(this.store),
    ]);
    return { ok: chain.ok && checkpoints.ok, chain, checkpoints };
  }
}
