import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import type { CommandContext } from '../commands/command-context';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import { ApiEndpoint, BODY_PROBLEMS } from '../platform/http/openapi';
import { Ctx } from '../platform/http/request-context';
import { VendorSessionService } from './vendor-session.service';

export const VENDORS = ['onfido', 'sumsub', 'veriff', 'persona'] as const;

/** The applicant's name, for a vendor that refuses an applicant without one (Onfido): sent to it, kept nowhere. */
export class ApplicantNameDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'firstName must not be blank' })
  firstName!: string;
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'lastName must not be blank' })
  lastName!: string;
}

export class OpenVendorSessionDto {
  @ApiPropertyOptional({ enum: VENDORS, description: 'Default: the first vendor configured here' })
  @IsOptional()
  @IsIn(VENDORS)
  vendor?: (typeof VENDORS)[number];

  @ApiPropertyOptional({
    type: ApplicantNameDto,
    description: 'Required by Onfido only; personal data, never stored',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ApplicantNameDto)
  applicant?: ApplicantNameDto;
}

export class VendorSessionResponse {
  @ApiProperty({ enum: VENDORS }) vendor!: string;
  @ApiProperty({ description: 'The vendor’s id of its applicant, session or inquiry' })
  vendorReference!: string;
  @ApiPropertyOptional({ description: 'SDK token for the app: in this answer only, never stored or logged' })
  clientToken?: string;
  @ApiPropertyOptional({
    description: 'Where the person verifies (Veriff session URL, Persona one-time link)',
  })
  url?: string;
  @ApiProperty({ description: 'Until when the token or URL is valid' }) expiresAt!: string;
  @ApiProperty({ description: 'Ledger position to read the session at (X-Min-Position)' }) position!: number;
}

/**
 * `POST /v1/verifications/{sessionId}/vendor-session`: the server opens (or reuses) the session's vendor session
 * and hands the app an ephemeral client token or URL, in this answer only. Repeating the call reuses the vendor
 * session and gives a fresh token; an `Idempotency-Key` is therefore not stored for it (the stored answer would
 * hold a credential).
 */
@ApiTags('verifications')
@Controller('v1/verifications')
export class VendorSessionController {
  constructor(private readonly sessions: VendorSessionService) {}

  @Post(':sessionId/vendor-session')
  @Roles('operator')
  @HttpCode(HttpStatus.OK)
  @ApiEndpoint({
    operationId: 'openVendorSession',
    summary: 'Open or reuse the vendor session; the client token or URL is in this answer only',
    response: VendorSessionResponse,
    problems: [
      ...BODY_PROBLEMS,
      'not_found',
      'illegal_transition',
      'verification_expired',
      'consent_required',
      'processing_restricted',
      'vendor_not_configured',
      'applicant_name_required',
      'vendor_unavailable',
      'concurrency_conflict',
      'event_store_unavailable',
    ],
  })
  async open(
    @Param('sessionId', new ParseIdPipe('sessionId')) sessionId: string,
    @Body() body: OpenVendorSessionDto,
    @Ctx() context: CommandContext,
  ): Promise<VendorSessionResponse> {
    return this.sessions.open(
      sessionId,
      {
        ...(body.vendor === undefined ? {} : { vendor: body.vendor }),
        ...(body.applicant === undefined
          ? {}
          : { applicant: { firstName: body.applicant.firstName, lastName: body.applicant.lastName } }),
      },
      context,
    );
  }
}
