export * from './subject.commands';
export {
  decide as decideSubject,
  endRelationship,
  grantConsent,
  placeLegalHold,
  recordPersonalDataAccess,
  releaseErasureRestriction,
  releaseLegalHold,
  requestErasure,
  shredPersonalData,
  withdrawConsent,
} from './subject.decide';
export * from './subject.errors';
export * from './subject.events';
export {
  activeLegalHolds,
  consentInForce,
  evolve as evolveSubject,
  initialState as initialSubjectState,
  latestErasure,
  processingRestriction,
  repeatedConsent,
  repeatedErasure,
  restrictionOf,
} from './subject.state';
export type { ConsentRecord, ConsentSnapshot, ErasureRecord, LegalHold, SubjectState } from './subject.state';
export { standingOf, type SubjectStanding } from './standing';
