import { Module } from '@nestjs/common';

/** Projections: filled in by its own issue. Imported by AppModule already, so the feature needs no wiring elsewhere. */
@Module({})
export class ProjectionsModule {}
