import { isDataClass } from '../shared/data-classes';
import type { Projection, ProjectedEvent, RowChange, RowKey, RowView } from '../projections/core/projection';
import { put, rowKey } from '../projections/core/projection';
import { ProjectionEventError } from '../projections/projection.errors';
import { RetentionClassEntity, RetentionSessionEntity, RetentionSubjectEntity } from './retention.entities';
import { decoding } from '../projections/core/event-data';

export const RETENTION = 'retention';

const DECISIONS = new Set([
  'VerificationApproved',
  'VerificationRejected',
  'VerificationExpired',
  'VerificationClosed',
]);

/** The (subject, classes) whose personal data an event carries, from its encrypted section (ids only). */
function collected(event: ProjectedEvent): { subjectId: string; classes: string[] } | undefined {
  const section = event.pii;
  if (section === null) return undefined;
  return { subjectId: section.subjectId, classes: Object.keys(section.entries).filter(isDataClass) };
}

function restrictedClasses(event: ProjectedEvent): string[] {
  return event.body
    .objects('restricted', (item) => item.string('dataClass'))
    .filter((dataClass) => isDataClass(dataClass));
}

function shreddedClasses(event: ProjectedEvent): string[] {
  return event.body.strings('dataClasses').filter(isDataClass);
}

function emptySubject(subjectId: string, position: number): Readonly<RetentionSubjectEntity> {
  return {
    subjectId,
    relationshipEndedAt: null,
    relationshipEndRecordedAt: null,
    activeHolds: [],
    holdCount: 0,
    erasureRequestId: null,
    erasureRequestedAt: null,
    restricted: [],
    updatedPosition: position,
  };
}

/**
 * Retention facts per subject and data class (docs/privacy.md, "Retention"): when each class was collected and shredded, when the
 * relationship ended, the legal holds in force, the latest erasure request and what it restricted, and when each
 * session was decided. Follows both kinds of streams; personal data is only ever seen as the class names of an
 * encrypted section.
 */
export const retentionProjection: Projection = decoding({
  name: RETENTION,
  streams: ['subject', 'verification'],
  entities: [RetentionClassEntity, RetentionSubjectEntity, RetentionSessionEntity],
  keysOf(event) {
    const keys: RowKey[] = [];
    const pii = collected(event);
    if (pii !== undefined) {
      for (const dataClass of pii.classes) {
        keys.push(rowKey(RetentionClassEntity, { subjectId: pii.subjectId, dataClass }));
      }
    }
    if (event.streamKind === 'verification') {
      if (event.type === 'VerificationInitiated' || DECISIONS.has(event.type)) {
        keys.push(rowKey(RetentionSessionEntity, { sessionId: event.streamId }));
      }
      return keys;
    }
    const subjectId = event.streamId;
    switch (event.type) {
      case 'ConsentGranted':
      case 'RelationshipEnded':
      case 'LegalHoldPlaced':
      case 'LegalHoldReleased':
        keys.push(rowKey(RetentionSubjectEntity, { subjectId }));
        break;
      case 'ErasureRequested':
        keys.push(rowKey(RetentionSubjectEntity, { subjectId }));
        for (const dataClass of restrictedClasses(event)) {
          keys.push(rowKey(RetentionClassEntity, { subjectId, dataClass }));
        }
        break;
      case 'PersonalDataShredded':
        for (const dataClass of shreddedClasses(event)) {
          keys.push(rowKey(RetentionClassEntity, { subjectId, dataClass }));
        }
        break;
    }
    return keys;
  },
  apply(event, rows) {
    const changes: RowChange[] = [];
    const pii = collected(event);
    if (pii !== undefined) {
      for (const dataClass of pii.classes) changes.push(collect(rows, pii.subjectId, dataClass, event));
    }
    if (event.streamKind === 'verification') {
      changes.push(...sessionChanges(event, rows));
      return changes;
    }
    const subjectId = event.streamId;
    const subject = (): Readonly<RetentionSubjectEntity> =>
      rows.get(RetentionSubjectEntity, { subjectId }) ?? emptySubject(subjectId, event.position);
    const { body } = event;
    switch (event.type) {
      case 'ConsentGranted':
        // The subject is known from its first consent on, even before any personal data is collected.
        if (rows.get(RetentionSubjectEntity, { subjectId }) === undefined) {
          changes.push(put(RetentionSubjectEntity, emptySubject(subjectId, event.position)));
        }
        break;
      case 'RelationshipEnded':
        changes.push(
          put(RetentionSubjectEntity, {
            ...subject(),
            // A correction supersedes the earlier end, and its grace period runs from the correction.
            relationshipEndedAt: body.instant('endedAt'),
            relationshipEndRecordedAt: body.instant('recordedAt'),
            updatedPosition: event.position,
          }),
        );
        break;
      case 'LegalHoldPlaced':
      case 'LegalHoldReleased': {
        const current = subject();
        const holdId = body.string('holdId');
        const others = current.activeHolds.filter((id) => id !== holdId);
        const activeHolds = event.type === 'LegalHoldPlaced' ? [...others, holdId] : others;
        changes.push(
          put(RetentionSubjectEntity, {
            ...current,
            activeHolds,
            holdCount: activeHolds.length,
            updatedPosition: event.position,
          }),
        );
        break;
      }
      case 'ErasureRequested': {
        const restricted = body.objects('restricted', (item) => ({
          dataClass: item.string('dataClass'),
          basis: item.string('basis'),
        }));
        // What the request covers: everything collected so far of each class it keeps for now.
        for (const { dataClass } of restricted) {
          const row = rows.get(RetentionClassEntity, { subjectId, dataClass });
          if (row === undefined) continue;
          changes.push(
            put(RetentionClassEntity, { ...row, erasureCoveredPosition: row.lastCollectedPosition }),
          );
        }
        changes.push(
          put(RetentionSubjectEntity, {
            ...subject(),
            erasureRequestId: body.string('requestId'),
            erasureRequestedAt: body.instant('requestedAt'),
            restricted,
            updatedPosition: event.position,
          }),
        );
        break;
      }
      case 'PersonalDataShredded': {
        const shreddedAt = body.instant('shreddedAt');
        const reason = body.string('reason');
        // `erasure_covered`: only the keys retired by the erasure request went, i.e. the data collected up to
        // the request; data collected since (under new keys) is still held.
        const coveredOnly = body.optionalString('coverage') === 'erasure_covered';
        for (const dataClass of shreddedClasses(event)) {
          const row = rows.get(RetentionClassEntity, { subjectId, dataClass });
          // A class never collected has nothing to shred: no row to keep.
          if (row === undefined) continue;
          const upTo = coveredOnly ? (row.erasureCoveredPosition ?? event.position) : event.position;
          changes.push(
            put(RetentionClassEntity, {
              ...row,
              shreddedAt,
              shreddedPosition: upTo,
              shredReason: reason,
            }),
          );
        }
        break;
      }
    }
    return changes;
  },
});

function collect(rows: RowView, subjectId: string, dataClass: string, event: ProjectedEvent): RowChange {
  const at = event.metadata.recordedAt;
  const row = rows.get(RetentionClassEntity, { subjectId, dataClass });
  return put(RetentionClassEntity, {
    subjectId,
    dataClass,
    firstCollectedAt: row?.firstCollectedAt ?? at,
    lastCollectedAt: at,
    lastCollectedPosition: event.position,
    shreddedAt: row?.shreddedAt ?? null,
    shreddedPosition: row?.shreddedPosition ?? null,
    shredReason: row?.shredReason ?? null,
    erasureCoveredPosition: row?.erasureCoveredPosition ?? null,
  });
}

function sessionChanges(event: ProjectedEvent, rows: RowView): RowChange[] {
  const sessionId = event.streamId;
  if (event.type === 'VerificationInitiated') {
    return [
      put(RetentionSessionEntity, { sessionId, subjectId: event.body.string('subjectId'), decidedAt: null }),
    ];
  }
  if (!DECISIONS.has(event.type)) return [];
  const session = rows.get(RetentionSessionEntity, { sessionId });
  if (session === undefined) {
    throw new ProjectionEventError('orphan_event', `${event.type}: the session was never initiated`);
  }
  return [put(RetentionSessionEntity, { ...session, decidedAt: event.metadata.recordedAt })];
}
