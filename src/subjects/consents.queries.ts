import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource, type Repository } from 'typeorm';
import { CONSENT_SCOPES } from '../domain/subject';
import { CONSENT_CHANNELS } from './subject.dto';
import { ConsentHistoryEntity, SubjectConsentEntity } from './subject-consent.entity';

/* The read side of consents: API views and the repository of a subject's consents and their history. */

export class ConsentView {
  @ApiProperty() consentId!: string;
  @ApiProperty({ enum: CONSENT_SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty() noticeVersion!: string;
  @ApiProperty() policyHash!: string;
  @ApiProperty() locale!: string;
  @ApiProperty({ enum: CONSENT_CHANNELS }) channel!: string;
  @ApiProperty() grantedAt!: string;
  @ApiProperty() position!: number;
}

export class ConsentHistoryView {
  @ApiProperty() position!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() consentId!: string;
  @ApiProperty({ enum: ['granted', 'withdrawn'] }) action!: string;
  @ApiProperty({ enum: CONSENT_SCOPES, isArray: true }) scopes!: string[];
  @ApiProperty() at!: string;
}

export class SubjectConsentsView {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ type: ConsentView, isArray: true, description: 'Granted and not withdrawn' })
  inForce!: ConsentView[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'For each scope, the consent in force that covers it (the latest grant)',
  })
  scopes!: Record<string, string>;
  @ApiProperty({ type: ConsentHistoryView, isArray: true }) history!: ConsentHistoryView[];
  @ApiProperty({ description: 'Global position of the subject’s last consent event' }) position!: number;
}

/** Reads of a subject's consents and their history. */
@Injectable()
export class ConsentRepository {
  private readonly consents: Repository<SubjectConsentEntity>;
  private readonly history: Repository<ConsentHistoryEntity>;

  constructor(dataSource: DataSource) {
    this.consents = dataSource.getRepository(SubjectConsentEntity);
    this.history = dataSource.getRepository(ConsentHistoryEntity);
  }

  async forSubject(
    subjectId: string,
  ): Promise<{ consents: SubjectConsentEntity[]; history: ConsentHistoryEntity[] }> {
    const [consents, history] = await Promise.all([
      this.consents.find({ where: { subjectId }, order: { grantedPosition: 'ASC' } }),
      this.history.find({ where: { subjectId }, order: { position: 'ASC' } }),
    ]);
    return { consents, history };
  }
}
