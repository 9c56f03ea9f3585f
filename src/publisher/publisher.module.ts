import { Module } from '@nestjs/common';

/** Publisher: filled in by its own issue. Imported by AppModule already, so the feature needs no wiring elsewhere. */
@Module({})
export class PublisherModule {}
