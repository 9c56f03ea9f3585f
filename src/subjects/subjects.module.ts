import { Module } from '@nestjs/common';
import { TimelineRepository } from '../audit';
import { CommandsModule } from '../commands/commands.module';
import { ConsentRepository } from './consents.queries';
import { NoticeRegistry, NoticesController } from './notices';
import { GrantConsentHandler } from './grant-consent.handler';
import { SubjectCommandHandler } from './subject-commands.handler';
import { SubjectQueriesController } from './subject-queries.controller';
import { SubjectsController } from './subjects.controller';

/** Subjects: consent, relationship, holds and their queries (consents, subject timeline). */
@Module({
  imports: [CommandsModule],
  controllers: [SubjectsController, SubjectQueriesController, NoticesController],
  providers: [
    NoticeRegistry,
    GrantConsentHandler,
    SubjectCommandHandler,
    ConsentRepository,
    TimelineRepository,
  ],
})
export class SubjectsModule {}
