import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const QUEUE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** `GET /v1/verifications/{id}` (DESIGN §7), with a few optional extras. */
export class VerificationStatusView {
  @ApiProperty() sessionId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty() status!: string;
  @ApiProperty() tier!: string;
  @ApiProperty() jurisdiction!: string;
  @ApiProperty() segment!: string;
  @ApiProperty({ isArray: true, type: String }) reasonCodes!: string[];
  @ApiProperty() policyHash!: string;
  @ApiProperty({ description: 'Current attempt (1-based)' }) attempts!: number;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'Global position of the last event of the session' }) position!: number;
  @ApiPropertyOptional({ isArray: true, type: String }) requiredChecks?: string[];
  @ApiPropertyOptional({ description: 'policy, reviewer or override, while a final decision stands' })
  decidedBy?: string;
  @ApiPropertyOptional() policyVersion?: string;
  @ApiPropertyOptional() createdAt?: string;
  @ApiPropertyOptional() expiresAt?: string;
}

export class TimelineActorView {
  @ApiProperty({ enum: ['user', 'service', 'vendor', 'system'] }) kind!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ isArray: true, type: String }) roles!: string[];
}

export class TimelineEntryView {
  @ApiProperty() position!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() type!: string;
  @ApiProperty({ description: 'e.g. verification.approved, review.assigned' }) action!: string;
  @ApiProperty({ enum: ['subject', 'verification'] }) stream!: string;
  @ApiPropertyOptional() sessionId?: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: TimelineActorView }) actor!: TimelineActorView;
  @ApiProperty({ isArray: true, type: String }) reasonCodes!: string[];
  @ApiPropertyOptional() policyHash?: string;
  @ApiProperty({ description: 'References of the event (evidence, vendor, consent, override ids, outcomes)' })
  details!: Record<string, unknown>;
  @ApiProperty() correlationId!: string;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
}

export class SessionTimelineView {
  @ApiProperty() sessionId!: string;
  @ApiProperty() subjectId!: string;
  @ApiProperty({
    type: TimelineEntryView,
    isArray: true,
    description: 'The session’s events and its subject’s',
  })
  entries!: TimelineEntryView[];
  @ApiPropertyOptional({ description: 'Pass as `after` for the next page; absent on the last page' })
  nextAfter?: number;
}

export class SubjectTimelineView {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ type: TimelineEntryView, isArray: true }) entries!: TimelineEntryView[];
  @ApiPropertyOptional() nextAfter?: number;
}

export class TimelinePageQuery {
  @ApiPropertyOptional({ description: 'Entries after this global position' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,15}$/, { message: 'after must be a position' })
  after?: string;

  @ApiPropertyOptional({ description: '1–1000 (default 500)' })
  @IsOptional()
  @IsString()
  @Matches(/^(?:[1-9]\d{0,2}|1000)$/, { message: 'limit must be an integer from 1 to 1000' })
  limit?: string;
  @ApiPropertyOptional({ description: 'Point in time: the timeline as the ledger stood at this ISO time' })
  @IsOptional()
  @IsString()
  asOf?: string;

  @ApiPropertyOptional({
    description: 'Point in time: the timeline as the ledger stood at this global position',
  })
  @IsOptional()
  @IsString()
  atPosition?: string;
}

export class ReviewQueueQuery {
  @ApiPropertyOptional({ description: 'Only this escalation queue' })
  @IsOptional()
  @IsString()
  @Matches(QUEUE, { message: 'queue must be a queue name' })
  queue?: string;

  @ApiPropertyOptional({ description: 'Only items assigned to this reviewer' })
  @IsOptional()
  @IsString()
  @Matches(ID, { message: 'assignee must be a principal id' })
  assignee?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only items nobody is assigned to' })
  @IsOptional()
  @IsIn(['true', 'false'])
  unassigned?: 'true' | 'false';

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only items past their SLA; false: within it',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  breached?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'From the previous page’s nextCursor' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,400}$/, { message: 'cursor must be a cursor from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ description: '1–200 (default 50)' })
  @IsOptional()
  @IsString()
  @Matches(/^(?:[1-9]\d?|1\d\d|200)$/, { message: 'limit must be an integer from 1 to 200' })
  limit?: string;
}

export class ReviewQueueItemView {
  @ApiProperty() sessionId!: string;
  @ApiProperty() queue!: string;
  @ApiProperty({ description: '1 (most urgent) to 5' }) priority!: number;
  @ApiProperty({ isArray: true, type: String }) reasons!: string[];
  @ApiProperty() slaDueAt!: string;
  @ApiProperty({ description: 'Whether the SLA due time has passed (by the service clock)' })
  slaBreached!: boolean;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ description: 'Seconds since the review was requested' }) ageSeconds!: number;
  @ApiProperty() attempt!: number;
  @ApiPropertyOptional() assignee?: string;
  @ApiPropertyOptional() assignedAt?: string;
  @ApiProperty() position!: number;
}

export class ReviewQueuePage {
  @ApiProperty({
    type: ReviewQueueItemView,
    isArray: true,
    description: 'Triage order: priority, SLA due, age',
  })
  items!: ReviewQueueItemView[];
  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; absent on the last page' })
  nextCursor?: string;
  @ApiProperty({ description: 'The time SLA breaches were computed against' }) asOf!: string;
}

export class ConsentView {
  @ApiProperty() consentId!: string;
  @ApiProperty({ isArray: true, type: String }) scopes!: string[];
  @ApiProperty() noticeVersion!: string;
  @ApiProperty() policyHash!: string;
  @ApiProperty() locale!: string;
  @ApiProperty() channel!: string;
  @ApiProperty() grantedAt!: string;
  @ApiProperty() position!: number;
}

export class ConsentHistoryView {
  @ApiProperty() position!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() consentId!: string;
  @ApiProperty({ enum: ['granted', 'withdrawn'] }) action!: string;
  @ApiProperty({ isArray: true, type: String }) scopes!: string[];
  @ApiProperty() at!: string;
}

export class SubjectConsentsView {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ type: ConsentView, isArray: true, description: 'Granted and not withdrawn' })
  inForce!: ConsentView[];
  @ApiProperty({ description: 'For each scope, the consent in force that covers it (the latest grant)' })
  scopes!: Record<string, string>;
  @ApiProperty({ type: ConsentHistoryView, isArray: true }) history!: ConsentHistoryView[];
  @ApiProperty({ description: 'Global position of the subject’s last consent event' }) position!: number;
}
