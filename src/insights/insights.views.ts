import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GROUP_BY } from './kpi.query';

/* What `GET /v1/insights/kpis` answers (docs/insights.md says exactly how each figure is computed). */

export class KpiRowView {
  @ApiProperty({ description: 'UTC day the sessions started (YYYY-MM-DD)' }) day!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The groupBy dimension’s value; null without groupBy, or for sessions not yet that far',
  })
  group!: string | null;
  @ApiProperty({ description: 'Sessions initiated that day' }) sessionsStarted!: number;
  @ApiProperty({ description: 'Evidence submissions recorded (every attempt)' })
  submissionsSucceeded!: number;
  @ApiProperty({ description: 'Resubmissions requested' }) resubmissions!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Sessions with a counted liveness check clear / sessions with a counted liveness check',
  })
  livenessPassRate!: number | null;
  @ApiProperty({ description: 'Approved by the policy' }) autoApproved!: number;
  @ApiProperty({ description: 'Approved by a reviewer or an override' }) approvedAfterReview!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ description: 'Expired after something was submitted' }) expired!: number;
  @ApiProperty({ description: 'Expired while initiated or capturing' }) abandoned!: number;
  @ApiProperty({ description: 'Closed without a decision (consent withdrawn, erasure)' }) closed!: number;
  @ApiProperty({ description: 'Sessions a review was requested for' }) reviewed!: number;
  @ApiProperty({ description: 'Sessions whose review SLA was breached' }) slaBreaches!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Median time from start to approval or rejection (nearest rank), ms',
  })
  medianDecisionMs!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '90th percentile of the same (nearest rank), ms',
  })
  p90DecisionMs!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Mean callback latency (whole ms) over the sessions with a vendor result: per session, its slowest result from the vendor’s own timestamp to arrival here',
  })
  meanCallbackMs!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The largest of the same, ms',
  })
  maxCallbackMs!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '(results with an error check + failed vendor requests) / (results + failed requests)',
  })
  vendorErrorRate!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'approved / (approved + rejected)' })
  passRate!: number | null;
}

export class KpiQueueView {
  @ApiProperty({
    description: 'Sessions waiting for a review now (the filters apply, the day range does not)',
  })
  depth!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Seconds since the oldest pending review was requested; null when none is pending',
  })
  oldestAgeSeconds!: number | null;
}

export class KpisView {
  @ApiProperty({ description: 'First UTC day of the range (inclusive)' }) from!: string;
  @ApiProperty({ description: 'Last UTC day of the range (inclusive)' }) to!: string;
  @ApiPropertyOptional({ enum: GROUP_BY, description: 'As asked; absent: one row per day' })
  groupBy?: string;
  @ApiProperty({
    type: [KpiRowView],
    description: 'One row per day and group with sessions; day, then group order',
  })
  rows!: KpiRowView[];
  @ApiProperty({ type: KpiQueueView }) queue!: KpiQueueView;
}
