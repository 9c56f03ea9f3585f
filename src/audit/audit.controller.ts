import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint } from '../platform/http/openapi';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { RequestValidationError } from '../platform/http/validation';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { ID_PATTERN, isValidStreamName } from '../ledger/stream-names';
import { LedgerError } from '../shared/ledger-error';
import { type AuditBundle, serialiseBundle } from './bundle';
import { BundleBuilder } from './bundle-builder';
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

export class CheckpointStatementView {
  @ApiProperty({ enum: [1, 2] }) v!: number;
  @ApiProperty({ enum: ['kyc-ledger'] }) ledger!: string;
  @ApiProperty() sequence!: number;
  @ApiProperty() fromPosition!: number;
  @ApiProperty() toPosition!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty() rootHash!: string;
  @ApiProperty({ type: String, nullable: true }) previousRootHash!: string | null;
  @ApiProperty() signedAt!: string;
  @ApiProperty() keyId!: string;
  @ApiPropertyOptional({ description: 'Version 2: Merkle root over every stream head' }) headsRoot?: string;
  @ApiPropertyOptional() headsCount?: number;
}

export class SignedCheckpointView {
  @ApiProperty({ type: CheckpointStatementView }) statement!: CheckpointStatementView;
  @ApiProperty({ description: 'base64 Ed25519 signature over the canonical JSON of the statement' })
  signature!: string;
  @ApiProperty({ description: 'SPKI PEM of the signing key' }) publicKey!: string;
}

export class LatestCheckpointView extends SignedCheckpointView {
  @ApiProperty({ description: 'The CheckpointSigned event' }) eventId!: string;
  @ApiProperty() position!: number;
}

export class InclusionProofView {
  @ApiProperty() eventId!: string;
  @ApiProperty() stream!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
  @ApiProperty({ description: 'The event’s chain hash' }) eventHash!: string;
  @ApiProperty({ type: String, nullable: true }) created!: string | null;
  @ApiProperty({ enum: [1, 2] }) leafVersion!: number;
  @ApiProperty() leafIndex!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty({ type: [String], description: 'Sibling hashes from the leaf up (RFC 9162), hex' })
  auditPath!: string[];
  @ApiProperty({ type: SignedCheckpointView }) checkpoint!: SignedCheckpointView;
}

export class ChainReportView {
  @ApiProperty() ok!: boolean;
  @ApiProperty() streamsChecked!: number;
  @ApiProperty() eventsChecked!: number;
  @ApiProperty() throughPosition!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) failures!: Record<
    string,
    unknown
  >[];
}

export class CheckpointReportView {
  @ApiProperty() ok!: boolean;
  @ApiProperty() checkpointsChecked!: number;
  @ApiProperty() coveredThrough!: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) failure?: Record<string, unknown>;
}

export class VerificationReportView {
  @ApiProperty() ok!: boolean;
  @ApiProperty({ type: ChainReportView }) chain!: ChainReportView;
  @ApiProperty({ type: CheckpointReportView }) checkpoints!: CheckpointReportView;
}

export class AuditBundleView {
  @ApiProperty({ enum: ['kyc-ledger-audit-bundle/v2'] }) format!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({
    type: 'object',
    properties: { kind: { type: 'string', enum: ['session', 'subject'] }, id: { type: 'string' } },
  })
  scope!: { kind: string; id: string };
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } },
    description: 'Each stream from revision 0 to its signed head; personal data stays encrypted',
  })
  streams!: Record<string, Record<string, unknown>[]>;
  @ApiProperty({ type: [SignedCheckpointView] }) checkpoints!: SignedCheckpointView[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
    description: 'Inclusion proof of each event, by event id',
  })
  proofs!: Record<string, Record<string, unknown>>;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Signed stream heads' })
  heads!: Record<string, unknown>;
  @ApiProperty() explainerVersion!: number;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } })
  explanations!: Record<string, unknown>[];
}

/** The one id of `?session=` or `?subject=`, as the CLI's `export --session | --subject`. */
function bundleScope(session: unknown, subject: unknown): AuditBundle['scope'] {
  if ((session === undefined) === (subject === undefined)) {
    throw new RequestValidationError([
      { field: 'session', problems: ['give exactly one of session or subject'] },
    ]);
  }
  const kind = session !== undefined ? 'session' : 'subject';
  const id = session ?? subject;
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new RequestValidationError([
      { field: kind, problems: [`${kind} must match ${ID_PATTERN.source}`] },
    ]);
  }
  return { kind, id };
}

@ApiTags('audit')
@Roles('auditor')
@Controller('v1/audit')
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly checkpointer: Checkpointer,
    private readonly proofs: ProofService,
  ) {}

  @Get('checkpoints/latest')
  @ApiEndpoint({
    summary: 'The latest signed checkpoint: Merkle root, range, signature and public key',
    operationId: 'getLatestCheckpoint',
    response: LatestCheckpointView,
    problems: ['no_checkpoint', 'event_store_unavailable'],
  })
  async latest(): Promise<LatestCheckpoint> {
    const latest = await this.checkpointer.latest();
    if (!latest) throw new NoCheckpointError();
    return { ...latest.checkpoint, eventId: latest.eventId, position: latest.position };
  }

  @Get('proofs/:eventId')
  @ApiEndpoint({
    summary: 'Inclusion proof of one event in a signed checkpoint (RFC 9162 audit path)',
    operationId: 'getInclusionProof',
    response: InclusionProofView,
    problems: ['validation_failed', 'not_found', 'not_yet_checkpointed', 'event_store_unavailable'],
  })
  proof(@Param('eventId', new ParseIdPipe('eventId')) eventId: string): Promise<InclusionProof> {
    return this.proofs.proofFor(eventId);
  }

  @Get('bundles')
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiEndpoint({
    summary: 'A signed audit bundle of a session (with its subject) or a subject (with its sessions)',
    description:
      'The file `kyc-ledger export` writes (canonical JSON), verified offline by `kyc-ledger verify-bundle` with ' +
      'the public key alone. Signs a checkpoint first when none covers the records yet; personal data stays ' +
      'encrypted. Give exactly one of session or subject.',
    operationId: 'exportAuditBundle',
    response: AuditBundleView,
    problems: ['validation_failed', 'nothing_to_export', 'checkpoint_unavailable', 'event_store_unavailable'],
  })
  @ApiQuery({ name: 'session', required: false, description: 'A session id' })
  @ApiQuery({ name: 'subject', required: false, description: 'A subject id' })
  async bundle(@Query('session') session?: unknown, @Query('subject') subject?: unknown): Promise<string> {
    const scope = bundleScope(session, subject);
    const bundle = await new BundleBuilder(this.store, this.checkpointer, this.proofs).build(scope);
    return serialiseBundle(bundle);
  }

  @Get('verification')
  @ApiEndpoint({
    summary: 'Verify hash chains (one stream or all) and every signed checkpoint',
    operationId: 'verifyLedger',
    response: VerificationReportView,
    problems: ['validation_failed', 'event_store_unavailable'],
  })
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
