import { GrantConsentHandler } from './grant-consent.handler';
import { SubjectCommandHandler } from './subject-commands.handler';

export const SUBJECT_COMMAND_HANDLERS = [GrantConsentHandler, SubjectCommandHandler];
