import { evolveSubject, initialSubjectState, type SubjectEvent, type SubjectState } from '../domain/subject';
import {
  evolveVerification,
  initialVerificationState,
  type VerificationEvent,
  type VerificationState,
} from '../domain/verification';
import type { Aggregate } from './aggregate-runner';

/* The aggregates the command loop runs: how a stream folds into state and whose keys encrypt its personal data. */

/** The subject aggregate as the command loop sees it; personal data of its events is the subject's own. */
export function subjectAggregate(subjectId: string): Aggregate<SubjectState, SubjectEvent> {
  return { initialState: initialSubjectState, evolve: evolveSubject, subjectOf: () => subjectId };
}

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
