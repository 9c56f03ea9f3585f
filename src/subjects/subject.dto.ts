import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { CONSENT_SCOPES, RESTRICTION_RELEASE_REASONS } from '../domain/subject';

/** Channels a consent can be given through. */
export const CONSENT_CHANNELS = ['web', 'mobile', 'branch', 'phone', 'api'] as const;

/** Proof of consent as captured: personal data, encrypted as consent_evidence, never logged or published. */
export class ConsentEvidenceDto {
  @ApiPropertyOptional({ example: '203.0.113.7' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  ipAddress?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 512)
  userAgent?: string;

  @ApiPropertyOptional({ description: 'Reference of the signed form or recording in the document system' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  formReference?: string;
}

export class GrantConsentDto {
  @ApiProperty({ enum: CONSENT_SCOPES, isArray: true, example: ['identity_verification'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(CONSENT_SCOPES.length)
  @IsIn(CONSENT_SCOPES, { each: true })
  scopes!: string[];

  @ApiProperty({ example: '2026-01', description: 'Version of the privacy notice the person saw' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/)
  noticeVersion!: string;

  @ApiProperty({ example: 'de-DE', description: 'BCP 47 language tag' })
  @IsString()
  @Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/)
  locale!: string;

  @ApiProperty({ enum: CONSENT_CHANNELS, example: 'web' })
  @IsIn(CONSENT_CHANNELS)
  channel!: string;

  @ApiPropertyOptional({ type: ConsentEvidenceDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentEvidenceDto)
  evidence?: ConsentEvidenceDto;
}

export class EndRelationshipDto {
  @ApiPropertyOptional({
    description:
      "When the business relationship ended (default: now). Not in the future, not before the subject's first " +
      "record, and at most the policy's retentionSafeguards.maxBackdate (default P30D) back.",
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  endedAt?: string;

  @ApiPropertyOptional({
    description:
      'True to correct the end already recorded: the new end supersedes it (docs/privacy.md). Without it, a ' +
      'second end is refused (409 relationship_already_ended).',
  })
  @IsOptional()
  @IsBoolean()
  correction?: boolean;
}

export class PlaceLegalHoldDto {
  @ApiProperty({
    description: 'Why data must be kept (case reference, not personal data)',
    example: 'case-2026-114',
  })
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class ReleaseErasureRestrictionDto {
  @ApiProperty({
    enum: RESTRICTION_RELEASE_REASONS,
    description:
      'Why: the person asked to be served again (person_requested_service), withdrew the erasure request ' +
      '(request_withdrawn_by_person), or the request was not theirs (request_not_from_person)',
  })
  @IsIn(RESTRICTION_RELEASE_REASONS)
  reason!: string;

  @ApiPropertyOptional({
    description: "Reference in the controller's case system (not personal data)",
    example: 'dsr-2026-0042',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:/-]{1,64}$/)
  reference?: string;
}

export class ConsentResponse {
  @ApiProperty() consentId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
}

export class SubjectCommandResponse {
  @ApiProperty() subjectId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() position!: number;
  @ApiPropertyOptional() holdId?: string;
}
