import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { DATA_CLASSES } from '../shared/data-classes';
import { ERASURE_GROUNDS } from '../domain/subject';

export class ErasureRequestDto {
  @ApiProperty({
    enum: ERASURE_GROUNDS,
    description: 'GDPR Art. 17(1) ground: (a) no_longer_necessary … (f) child_information_society',
  })
  @IsIn(ERASURE_GROUNDS)
  ground!: string;

  @ApiPropertyOptional({
    description: "Reference of the request in the controller's case system (not personal data)",
    example: 'dsr-2026-0042',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:/-]{1,64}$/)
  reference?: string;
}

export class RestrictedClassView {
  @ApiProperty({ enum: DATA_CLASSES }) dataClass!: string;
  @ApiProperty({
    enum: ['legal_obligation', 'legal_hold'],
    description: 'GDPR Art. 17(3)(b) legal obligation (AML record keeping) or 17(3)(e) legal claims',
  })
  basis!: string;
  @ApiProperty({ description: 'The legal basis the policy names for keeping it' }) legalBasis!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When it will be shredded; null while the period has not started (relationship goes on)',
  })
  retainUntil!: string | null;
  @ApiProperty({ type: [String], description: 'Legal holds in force' }) holdIds!: string[];
}

export class ErasureResponse {
  @ApiProperty() subjectId!: string;
  @ApiProperty() requestId!: string;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ enum: DATA_CLASSES, isArray: true, description: 'Shredded now: no obligation keeps them' })
  erased!: string[];
  @ApiProperty({
    type: [RestrictedClassView],
    description: 'Kept, restricted, shredded when the obligation ends',
  })
  restricted!: RestrictedClassView[];
  @ApiProperty({ enum: DATA_CLASSES, isArray: true, description: 'The ledger held no data of these classes' })
  notHeld!: string[];
  @ApiProperty() explanation!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
}

export class ClassRetentionView {
  @ApiProperty({ enum: DATA_CLASSES }) dataClass!: string;
  @ApiProperty({ enum: ['held', 'restricted', 'shredded', 'not_held'] }) status!: string;
  @ApiProperty() legalBasis!: string;
  @ApiProperty({ description: 'Kept despite an erasure request (GDPR Art. 17(3)(b))' })
  legalObligation!: boolean;
  @ApiProperty({ example: 'P5Y' }) period!: string;
  @ApiProperty({ enum: ['relationship_end', 'collection', 'decision'] }) runsFrom!: string;
  @ApiProperty({ type: String, nullable: true }) periodStartedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the retention period ends' })
  retentionEndsAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Periods running from the relationship end: nothing is shredded before this (the end was recorded plus ' +
      "the policy's shredGrace), so a wrong end can be corrected first",
  })
  graceUntil!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'When it is to be shredded: the later of retentionEndsAt and graceUntil, or the erasure request time. ' +
      'Null when not yet known (period not started) or when due but kept by a legal hold (see waitingFor)',
  })
  dueAt!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['legal_hold_release'] })
  waitingFor!: 'legal_hold_release' | null;
  @ApiProperty({ description: 'Due and not held: shredded on the next scheduler run' }) shreddable!: boolean;
  @ApiProperty({ type: [String] }) holds!: string[];
  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: { basis: { type: 'string' }, requestId: { type: 'string' } },
    description: 'Why it is kept after an erasure request',
  })
  restriction!: { basis: string; requestId: string } | null;
  @ApiProperty({ type: String, nullable: true }) collectedFirstAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) collectedLastAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) shreddedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) shredReason!: string | null;
}

export class SubjectRetentionView {
  @ApiProperty() subjectId!: string;
  @ApiProperty() asOf!: string;
  @ApiProperty({
    type: 'object',
    properties: {
      policyId: { type: 'string' },
      version: { type: 'string' },
      hash: { type: 'string' },
      safeguards: {
        type: 'object',
        properties: { maxBackdate: { type: 'string' }, shredGrace: { type: 'string' } },
      },
    },
    description: 'The policy whose retention rules apply, with its relationship-end safeguards',
  })
  policy!: {
    policyId: string;
    version: string;
    hash: string;
    safeguards: { maxBackdate: string; shredGrace: string };
  };
  @ApiProperty({ type: String, nullable: true }) relationshipEndedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'When that end was recorded' })
  relationshipEndRecordedAt!: string | null;
  @ApiProperty({ type: [String] }) legalHolds!: string[];
  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: { requestId: { type: 'string' }, requestedAt: { type: 'string' } },
  })
  erasureRequest!: { requestId: string; requestedAt: string } | null;
  @ApiProperty({ type: [ClassRetentionView] }) classes!: ClassRetentionView[];
}
