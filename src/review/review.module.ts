import { Module } from '@nestjs/common';
import { ReviewQueueController } from './review-queue.controller';
import { ReviewQueueRepository } from './review-queue.queries';

/** The review queue in triage order (the review commands themselves are verification commands). */
@Module({
  controllers: [ReviewQueueController],
  providers: [ReviewQueueRepository],
})
export class ReviewModule {}
