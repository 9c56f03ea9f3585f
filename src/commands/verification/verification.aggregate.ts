import {
  evolveVerification,
  initialVerificationState,
  type VerificationEvent,
  type VerificationState,
} from '../../domain/verification';
import type { Aggregate } from '../aggregate-runner';

/** The verification aggregate; its personal data is encrypted under the keys of the session's subject. */
export const verificationAggregate: Aggregate<VerificationState, VerificationEvent> = {
  initialState: initialVerificationState,
  evolve: evolveVerification,
  subjectOf: (state, events) => {
    if (state.status !== 'none') return state.subjectId;
    const first = events[0];
    return first?.type === 'VerificationInitiated' ? first.data.subjectId : '';
  },
};
