import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CHECK_KINDS,
  CHECK_RESULTS,
  DOCUMENT_TYPES,
  MAX_VENDOR_LABELS,
  VENDOR_LABEL_PATTERN,
} from '../domain/policy/policy.types';
import { REASON_CODE_LIST } from '../domain/reason-codes';
import { VERIFICATION_STATUSES } from '../domain/verification/verification.events';
import { IsFlagMap } from '../platform/http/validators';

/** Channels a capture can start from. */
export const CAPTURE_CHANNELS = ['web', 'mobile', 'branch', 'api'] as const;
/** Device classes a capture is reported from. */
export const DEVICE_CLASSES = ['desktop', 'mobile', 'tablet', 'kiosk', 'unknown'] as const;

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export class StartVerificationDto {
  @ApiProperty({ example: 'sub_123', description: 'Pseudonymous subject id' })
  @IsString()
  @Matches(ID)
  subjectId!: string;

  @ApiProperty({ example: 'DE', description: 'ISO 3166-1 alpha-2' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, {
    message: 'jurisdiction must be an ISO 3166-1 alpha-2 code (two upper-case letters)',
  })
  jurisdiction!: string;

  @ApiProperty({ example: 'retail' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,31}$/)
  segment!: string;

  @ApiPropertyOptional({ example: { ipCountryMismatch: true } })
  @IsOptional()
  @IsFlagMap(32)
  riskSignals?: Record<string, boolean>;

  @ApiPropertyOptional({
    description:
      'Start another attempt even though the subject has an undecided session for this jurisdiction and ' +
      'segment. Without it, such a session is returned (reused: true) instead of a duplicate being created.',
  })
  @IsOptional()
  @IsBoolean()
  newAttempt?: boolean;
}

export class StartCaptureDto {
  @ApiProperty({ enum: CAPTURE_CHANNELS, example: 'web' })
  @IsIn(CAPTURE_CHANNELS)
  channel!: string;

  @ApiProperty({ enum: DEVICE_CLASSES, example: 'desktop' })
  @IsIn(DEVICE_CLASSES)
  deviceClass!: string;
}

/** Attributes read from a document: personal data, encrypted at rest, never logged. */
export class ExtractedAttributesDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200) fullName?: string;
  @ApiPropertyOptional({ example: '1990-01-31' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  dateOfBirth?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) documentNumber?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 64) nationality?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 500) address?: string;
  @ApiPropertyOptional({ example: '2031-05-01' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  expiryDate?: string;
}

export class SubmitEvidenceDto {
  @ApiProperty({ enum: ['document', 'selfie', 'proof_of_address'], example: 'document' })
  @IsIn(['document', 'selfie', 'proof_of_address'])
  kind!: 'document' | 'selfie' | 'proof_of_address';

  @ApiPropertyOptional({ enum: DOCUMENT_TYPES })
  @IsOptional()
  @IsIn(DOCUMENT_TYPES)
  documentType?: (typeof DOCUMENT_TYPES)[number];

  @ApiPropertyOptional({ example: 'DE' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/)
  issuingCountry?: string;

  @ApiProperty({ example: 'onfido' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/)
  vendor!: string;

  @ApiProperty({
    example: 'doc_abc',
    description: 'The vendor’s id for this evidence (check, inquiry, applicant)',
  })
  @IsString()
  @Matches(REFERENCE)
  vendorReference!: string;

  @ApiPropertyOptional({ type: ExtractedAttributesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExtractedAttributesDto)
  attributes?: ExtractedAttributesDto;

  @ApiPropertyOptional({
    type: [String],
    example: ['img_front_123', 'img_back_123'],
    description:
      "The vendor's references to the captured images or video (never the media itself): personal data, " +
      'encrypted as document_media_refs (document, proof_of_address) or biometric_refs (selfie)',
  })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Matches(REFERENCE, { each: true })
  mediaReferences?: string[];
}

export class CheckDto {
  @ApiProperty({ enum: CHECK_KINDS })
  @IsIn(CHECK_KINDS)
  kind!: (typeof CHECK_KINDS)[number];

  @ApiProperty({ enum: CHECK_RESULTS })
  @IsIn(CHECK_RESULTS)
  result!: (typeof CHECK_RESULTS)[number];

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  score?: number;

  @ApiPropertyOptional({ enum: REASON_CODE_LIST, isArray: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsIn(REASON_CODE_LIST, { each: true })
  reasonCodes?: (typeof REASON_CODE_LIST)[number][];

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_VENDOR_LABELS,
    example: ['RED', 'FINAL', 'FORGERY'],
    description: 'The vendor’s own labels or codes for the check (never personal data)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_VENDOR_LABELS)
  @IsString({ each: true })
  @Matches(VENDOR_LABEL_PATTERN, { each: true })
  vendorLabels?: string[];
}

export class VendorResultDto {
  @ApiProperty({ example: 'acme' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_-]{0,31}$/)
  vendor!: string;

  @ApiProperty({ example: 'evt_1', description: 'The vendor’s event id: a repeat has no effect' })
  @IsString()
  @Matches(REFERENCE)
  vendorEventId!: string;

  @ApiProperty({ example: '2026-11-26T10:00:00Z' })
  @IsISO8601({ strict: true })
  vendorCreatedAt!: string;

  @ApiProperty({ type: [CheckDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(CHECK_KINDS.length)
  @ValidateNested({ each: true })
  @Type(() => CheckDto)
  checks!: CheckDto[];

  @ApiPropertyOptional({ example: { documentVelocity: true } })
  @IsOptional()
  @IsFlagMap(32)
  riskSignals?: Record<string, boolean>;
}

export class AssignReviewerDto {
  @ApiPropertyOptional({ description: 'Reviewer to assign (default: the caller)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{1,128}$/)
  reviewerId?: string;
}

export class ReviewDecisionDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  outcome!: 'approve' | 'reject';

  @ApiProperty({ enum: REASON_CODE_LIST, isArray: true })
  @ArrayMaxSize(10)
  @IsIn(REASON_CODE_LIST, { each: true })
  reasonCodes!: (typeof REASON_CODE_LIST)[number][];

  @ApiPropertyOptional({
    description: 'Reviewer note: personal data, encrypted, shown only to allowed roles',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

export class RequestOverrideDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  outcome!: 'approve' | 'reject';

  @ApiProperty({ description: 'Why the final decision must change', minLength: 10, maxLength: 2000 })
  @IsString()
  @Length(10, 2000)
  justification!: string;

  @ApiPropertyOptional({ enum: REASON_CODE_LIST, isArray: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsIn(REASON_CODE_LIST, { each: true })
  reasonCodes?: (typeof REASON_CODE_LIST)[number][];
}

export class RejectOverrideDto {
  @ApiProperty({ minLength: 3, maxLength: 2000 })
  @IsString()
  @Length(3, 2000)
  reason!: string;
}

export class CommandResponse {
  @ApiProperty({ example: 'a3c1f6a2-7a51-4c39-9d0e-2f1f0f4b1c11' }) sessionId!: string;
  @ApiProperty({ enum: VERIFICATION_STATUSES, description: 'Status after the command' }) status!: string;
  @ApiProperty({ description: 'Stream revision after the command' }) revision!: number;
  @ApiProperty({ description: 'Global position of the last appended event (for X-Min-Position)' })
  position!: number;
  @ApiPropertyOptional({ enum: REASON_CODE_LIST, isArray: true }) reasonCodes?: string[];
}

export class StartVerificationResponse extends CommandResponse {
  @ApiProperty({ example: 'standard' }) tier!: string;
  @ApiProperty({ enum: CHECK_KINDS, isArray: true }) requiredChecks!: string[];
  @ApiProperty({
    description:
      'True when no session was created because the subject already has an undecided one for this ' +
      'jurisdiction and segment: this is that session (send newAttempt: true to start another).',
  })
  reused!: boolean;
}

export class EvidenceResponse extends CommandResponse {
  @ApiProperty({ description: 'Id the evidence is recorded under (the first one, on a retry)' })
  evidenceId!: string;
}

export class OverrideResponse extends CommandResponse {
  @ApiProperty() overrideId!: string;
}
