import { Module } from '@nestjs/common';
import { InsightsController } from './insights.controller';
import { InsightsMetrics } from './insights.metrics';
import { InsightsRepository } from './insights.repository';
import { InsightsService } from './insights.service';

/** Insights: the KPI read model's query (the projection itself runs with the others, src/app/read-models.ts). */
@Module({
  controllers: [InsightsController],
  providers: [InsightsRepository, InsightsService, InsightsMetrics],
})
export class InsightsModule {}
