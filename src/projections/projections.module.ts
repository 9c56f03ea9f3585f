import { type DynamicModule, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '../platform/observability/metrics';
import type { Projection } from './core/projection';
import { ProjectionMetrics } from './core/projection-metrics';
import { ProjectionProgress } from './core/projection-progress';
import { ProjectionStore } from './core/projection-store';
import { quote } from './core/table-info';
import { PROJECTION_LIST, ProjectionService } from './projection.service';
import { ReadYourWritesInterceptor } from './queries/read-your-writes';

/**
 * The projection engine: a runner per read model (exactly-once checkpoints, parking, leases), progress for
 * read-your-writes, metrics. The application hands it the read models to run; features hold their own read
 * models and queries. Global, so every feature's queries can wait for progress. See docs/projections.md.
 */
@Module({})
export class ProjectionsModule {
  static forRoot(projections: readonly Projection[]): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      providers: [
        { provide: PROJECTION_LIST, useValue: projections },
        {
          provide: ProjectionStore,
          inject: [DataSource],
          useFactory: (ds: DataSource) => new ProjectionStore(ds),
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
              const counts = new Map(projections.map((p) => [p.name, 0]));
              for (const row of rows) counts.set(row.projection, Number(row.n));
              return counts;
            }),
        },
        ProjectionService,
        ReadYourWritesInterceptor,
      ],
      exports: [ProjectionService, ProjectionProgress, ReadYourWritesInterceptor],
    };
  }
}
