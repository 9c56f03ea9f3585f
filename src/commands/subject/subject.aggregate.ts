import {
  evolveSubject,
  initialSubjectState,
  type SubjectEvent,
  type SubjectState,
} from '../../domain/subject';
import type { Aggregate } from '../aggregate-runner';

/** The subject aggregate as the command loop sees it; personal data of its events is the subject's own. */
export function subjectAggregate(subjectId: string): Aggregate<SubjectState, SubjectEvent> {
  return { initialState: initialSubjectState, evolve: evolveSubject, subjectOf: () => subjectId };
}
