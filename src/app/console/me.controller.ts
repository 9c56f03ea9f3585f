import { Controller, Get } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { ROLES } from '../../platform/config/config';
import { CurrentPrincipal, Roles } from '../../platform/auth/auth.decorators';
import type { Principal } from '../../platform/auth/principal';
import { ApiEndpoint } from '../../platform/http/openapi';

export class MeView {
  @ApiProperty({ description: 'The authenticated principal (API key entry or JWT subject)' })
  principal!: string;
  @ApiProperty({ enum: ROLES, isArray: true, description: 'Its roles; admin holds every role' })
  roles!: string[];
  @ApiProperty({ enum: ['api_key', 'jwt'] }) via!: string;
}

/**
 * Who the caller is: the console asks once after sign-in and shows only what these roles may do (the server
 * decides each call; the console follows). Carries no secret: the key or token itself is never echoed.
 */
@ApiTags('console')
@Controller('v1/me')
export class MeController {
  @Get()
  @Roles(...ROLES)
  @ApiEndpoint({
    summary: 'The authenticated principal and its roles',
    operationId: 'getMe',
    response: MeView,
    problems: [],
  })
  me(@CurrentPrincipal() principal: Principal): MeView {
    return { principal: principal.id, roles: [...principal.roles], via: principal.via };
  }
}
