import { Controller, Get, Query } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { Roles } from '../platform/auth/auth.decorators';
import { ApiEndpoint } from '../platform/http/openapi';
import { PolicyRegistry } from '../policies/policy-registry';
import { ShadowEvaluationRepository, type ShadowRange } from './shadow-evaluation.repository';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class ShadowSummaryQuery {
  @ApiPropertyOptional({
    description: 'Only this shadow policy (its hash); adds the sessions behind each change',
  })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'policyHash must be a policy hash (64 hex digits)' })
  policyHash?: string;

  @ApiPropertyOptional({ description: 'Evaluations made at or after this ISO 8601 time' })
  @IsOptional()
  @Matches(INSTANT, { message: 'from must be an ISO 8601 time with a zone, e.g. 2026-12-01T00:00:00Z' })
  from?: string;

  @ApiPropertyOptional({ description: 'Evaluations made before this ISO 8601 time' })
  @IsOptional()
  @Matches(INSTANT, { message: 'to must be an ISO 8601 time with a zone, e.g. 2026-12-31T00:00:00Z' })
  to?: string;
}

export class ShadowPolicySummaryView {
  @ApiProperty() policyId!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ description: 'SHA-256 of the canonical JSON of the shadow policy' }) hash!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Until when it is evaluated (`shadow.until`); null when it is no longer in the policy directory',
  })
  until!: string | null;
  @ApiProperty({ description: 'Live evaluations evaluated again under it (in the range)' })
  evaluated!: number;
  @ApiProperty({ description: 'Of those, with another outcome or other reason codes' }) differs!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: '`<recorded outcome>→<shadow outcome>` → evaluations',
  })
  byOutcome!: Record<string, number>;
}

export class ShadowSummaryView {
  @ApiProperty({ type: [ShadowPolicySummaryView], description: 'Each shadow policy declared or recorded' })
  items!: ShadowPolicySummaryView[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string' } },
    description:
      'With `policyHash`: the sessions behind each `byOutcome` cell whose outcome changed (ids only, sorted, at most 1000 per cell)',
  })
  sessions?: Record<string, string[]>;
}

/**
 * Shadow mode (docs/policy-lab.md): what each shadow policy would have decided beside the live one. Auditors and
 * admins; counts and session ids, never personal data, never a decision.
 */
@ApiTags('policy-lab')
@Controller('v1/policy-lab/shadow')
export class ShadowController {
  constructor(
    private readonly policies: PolicyRegistry,
    private readonly rows: ShadowEvaluationRepository,
  ) {}

  @Get()
  @Roles('auditor')
  @ApiEndpoint({
    operationId: 'getShadowSummary',
    summary: 'Deltas of each shadow policy against the live decisions (never a decision)',
    response: ShadowSummaryView,
    problems: ['validation_failed'],
  })
  async summary(@Query() query: ShadowSummaryQuery): Promise<ShadowSummaryView> {
    const range: ShadowRange = {
      ...(query.from === undefined ? {} : { from: new Date(query.from).toISOString() }),
      ...(query.to === undefined ? {} : { to: new Date(query.to).toISOString() }),
    };
    const tallies = new Map(
      (await this.rows.tallies(range, query.policyHash)).map((tally) => [tally.hash, tally]),
    );
    const items: ShadowPolicySummaryView[] = [];
    for (const shadow of this.policies.shadows()) {
      if (query.policyHash !== undefined && shadow.hash !== query.policyHash) continue;
      const tally = tallies.get(shadow.hash);
      tallies.delete(shadow.hash);
      items.push({
        policyId: shadow.document.policyId,
        version: shadow.document.version,
        hash: shadow.hash,
        until: shadow.document.shadow?.until ?? null,
        evaluated: tally?.evaluated ?? 0,
        differs: tally?.differs ?? 0,
        byOutcome: tally?.byOutcome ?? {},
      });
    }
    // Shadows recorded earlier whose documents have left the policy directory.
    for (const tally of [...tallies.values()].sort((a, b) => a.hash.localeCompare(b.hash))) {
      items.push({ ...tally, until: null });
    }
    if (query.policyHash === undefined) return { items };
    return { items, sessions: await this.rows.changedSessions(range, query.policyHash) };
  }
}
