export { calendarDate, verificationCommand } from './command-input';
export * from './verification.commands';
export {
  approveOverride,
  assignReviewer,
  closeVerification,
  escalateReview,
  CONTACT_ADDRESS_ATTRIBUTES,
  completeReview,
  decide as decideVerification,
  expireVerification,
  OVERRIDE_APPROVER_ROLE,
  recordVendorResult,
  rejectOverride,
  requestOverride,
  startCapture,
  startVerification,
  submitEvidence,
} from './verification.decide';
export { evaluationInput } from './verification.evaluation';
export * from './verification.errors';
export * from './verification.events';
export {
  currentEvidence,
  evolve as evolveVerification,
  initialState as initialVerificationState,
  isOpen,
  isSuperseded,
  OPEN_STATUSES,
  UNDECIDED_STATUSES,
  vendorEventKey,
} from './verification.state';
export type {
  CheckSource,
  EvidenceRef,
  NoVerification,
  OverrideState,
  ReviewTicketState,
  VendorCheck,
  Verification,
  VerificationState,
} from './verification.state';
