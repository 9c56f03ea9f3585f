export * from './subject.commands';
export {
  decide as decideSubject,
  endRelationship,
  grantConsent,
  placeLegalHold,
  recordPersonalDataAccess,
  releaseLegalHold,
  withdrawConsent,
} from './subject.decide';
export * from './subject.errors';
export * from './subject.events';
export {
  activeLegalHolds,
  consentInForce,
  evolve as evolveSubject,
  initialState as initialSubjectState,
} from './subject.state';
export type { ConsentRecord, ConsentSnapshot, LegalHold, SubjectState } from './subject.state';
