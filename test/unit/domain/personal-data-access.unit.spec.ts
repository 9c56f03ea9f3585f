import { describe, expect, it } from 'vitest';
import { DomainValidationError } from '../../../src/domain/shared/domain-error';
import {
  decideSubject,
  evolveSubject,
  initialSubjectState,
  type RecordPersonalDataAccess,
  type SubjectCommand,
  type SubjectEvent,
  type SubjectState,
} from '../../../src/domain/subject';
import { specFor } from './support/given';

const T0 = '2026-11-26T10:00:00.000Z';

const given = specFor<SubjectCommand, SubjectEvent, SubjectState>({
  decide: decideSubject,
  evolve: evolveSubject,
  initialState: initialSubjectState,
});

function access(overrides: Partial<RecordPersonalDataAccess['data']> = {}): RecordPersonalDataAccess {
  return {
    type: 'RecordPersonalDataAccess',
    data: {
      accessId: 'acc_1',
      accessedBy: 'privacy-1',
      roles: ['privacy_officer'],
      justification: 'DSAR case 2026-0042',
      dataClasses: ['identity_attributes', 'contact_address'],
      now: T0,
      ...overrides,
    },
  };
}

describe('RecordPersonalDataAccess', () => {
  it('records who read which classes of personal data, with which roles and why', () => {
    given([])
      .when(access())
      .then([
        {
          type: 'PersonalDataAccessed',
          data: {
            accessId: 'acc_1',
            accessedBy: 'privacy-1',
            roles: ['privacy_officer'],
            justification: 'DSAR case 2026-0042',
            dataClasses: ['identity_attributes', 'contact_address'],
            accessedAt: T0,
          },
        },
      ]);
  });

  it('records a read that disclosed nothing (every class restricted or shredded), with no classes', () => {
    const [event] = decideSubject(access({ dataClasses: [] }), initialSubjectState);
    expect(event).toMatchObject({ type: 'PersonalDataAccessed', data: { dataClasses: [] } });
  });

  it('changes nothing about the subject', () => {
    const [event] = decideSubject(access(), initialSubjectState);
    expect(evolveSubject(initialSubjectState, event!)).toBe(initialSubjectState);
  });

  it.each([
    ['a justification that is too short', { justification: 'because' }],
    ['an unknown data class', { dataClasses: ['shoe_size'] }],
  ])('refuses %s', (_name, overrides) => {
    expect(() => decideSubject(access(overrides), initialSubjectState)).toThrow(DomainValidationError);
  });
});
