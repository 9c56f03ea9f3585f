import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '../observability/metrics';
import { LocalLeases, type Leases, PostgresLeases } from './core/lease';
import { ProjectionMetrics } from './core/projection-metrics';
import { ProjectionProgress } from './core/projection-progress';
import { ProjectionStore } from './core/projection-store';
import { quote } from './core/table-info';
import { PROJECTION_LEASES, ProjectionService } from './projection.service';
import {
  ConsentRepository,
  ReviewQueueRepository,
  TimelineRepository,
  VerificationStatusRepository,
} from './queries/read-model.repositories';
import { ReadYourWritesInterceptor } from './queries/read-your-writes';
import { ReviewQueueController } from './queries/review-queue.controller';
import { PROJECTIONS } from './read-models';
import { SubjectQueriesController } from './queries/subject-queries.controller';
import { VerificationQueriesController } from './queries/verification-queries.controller';

/**
 * Projections (read models with exactly-once checkpoints) and the queries over them. Runners start with the
 * application; see docs/projections.md.
 */
@Module({
  controllers: [VerificationQueriesController, ReviewQueueController, SubjectQueriesController],
  providers: [
    {
      provide: ProjectionStore,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new ProjectionStore(ds),
    },
    {
      provide: PROJECTION_LEASES,
      inject: [ProjectionStore],
      useFactory: (db: ProjectionStore): Leases =>
        db.dialect === 'postgres' ? new PostgresLeases(db.dataSource) : new LocalLeases(),
    },
    {
      provide: ProjectionProgress,
      inject: [ProjectionStore],
      useFactory: (db: ProjectionStore) => new ProjectionProgress(db),
    },
    {
      provide: ProjectionMetrics,
      inject: [MetricsRegistry, ProjectionStore],
      useFactory: (registry: MetricsRegistry, db: ProjectionStore) =>
        new ProjectionMetrics(registry, async () => {
          const rows = await db.dataSource.query<{ projection: string; n: string | number }[]>(
            `SELECT "projection", count(*) AS "n" FROM ${quote(db.parkedTable.table)} GROUP BY "projection"`,
          );
          const counts = new Map(PROJECTIONS.map((p) => [p.name, 0]));
          for (const row of rows) counts.set(row.projection, Number(row.n));
          return counts;
        }),
    },
    ProjectionService,
    ReadYourWritesInterceptor,
    VerificationStatusRepository,
    TimelineRepository,
    ReviewQueueRepository,
    ConsentRepository,
  ],
  exports: [ProjectionService, ProjectionProgress],
})
export class ProjectionsModule {}
