import { isSubjectEventType } from '../domain/subject';
import type { Projection } from '../projections/core/projection';
import { insert, put, rowKey } from '../projections/core/projection';
import { ProjectionEventError } from '../projections/projection.errors';
import { ConsentHistoryEntity, SubjectConsentEntity } from './subject-consent.entity';
import { decoding } from '../projections/core/event-data';

export const SUBJECT_CONSENTS = 'subject_consents';

/**
 * Consents of each subject: every grant, withdrawn or in force, and the history of grants and withdrawals.
 * Subject events that do not concern consent (relationship end, legal holds, erasure) change nothing here; a type
 * the domain does not know is parked. No personal data: consent evidence stays encrypted in the ledger.
 */
export const consentsProjection: Projection = decoding({
  name: SUBJECT_CONSENTS,
  streams: ['subject'],
  entities: [SubjectConsentEntity, ConsentHistoryEntity],
  keysOf(event) {
    if (event.type !== 'ConsentGranted' && event.type !== 'ConsentWithdrawn') return [];
    return [
      rowKey(SubjectConsentEntity, { subjectId: event.streamId, consentId: event.body.string('consentId') }),
    ];
  },
  apply(event, rows) {
    const { type, body: data } = event;
    const subjectId = event.streamId;
    if (type === 'ConsentGranted') {
      const consentId = data.string('consentId');
      const scopes = data.strings('scopes');
      const grantedAt = data.instant('grantedAt');
      return [
        put(SubjectConsentEntity, {
          subjectId,
          consentId,
          scopes,
          noticeVersion: data.string('noticeVersion'),
          policyHash: data.string('policyHash'),
          locale: data.string('locale'),
          channel: data.string('channel'),
          grantedAt,
          grantedPosition: event.position,
          withdrawnAt: null,
          withdrawnPosition: null,
        }),
        insert(ConsentHistoryEntity, {
          position: event.position,
          subjectId,
          consentId,
          action: 'granted',
          scopes,
          at: grantedAt,
          eventId: event.eventId,
        }),
      ];
    }
    if (type === 'ConsentWithdrawn') {
      const consentId = data.string('consentId');
      const consent = rows.get(SubjectConsentEntity, { subjectId, consentId });
      if (consent === undefined) {
        throw new ProjectionEventError('orphan_event', 'ConsentWithdrawn: the consent was never granted');
      }
      const withdrawnAt = data.instant('withdrawnAt');
      return [
        put(SubjectConsentEntity, { ...consent, withdrawnAt, withdrawnPosition: event.position }),
        insert(ConsentHistoryEntity, {
          position: event.position,
          subjectId,
          consentId,
          action: 'withdrawn',
          scopes: data.strings('scopes'),
          at: withdrawnAt,
          eventId: event.eventId,
        }),
      ];
    }
    if (isSubjectEventType(type)) return [];
    throw new ProjectionEventError('unknown_event_type', `${type} is not a subject event`);
  },
});
