import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { MetricsRegistry } from '../platform/observability/metrics';
import { CLOCK, type Clock } from '../shared/clock';
import { InsightsRepository } from './insights.repository';

/**
 * Business series on `/metrics`, read from the insights read model when scraped (so they follow the ledger as the
 * read model does): sessions by country and outcome, and the review queue now. Cardinality: countries are those of
 * the policy documents (a few dozen at most), outcomes eight (`open` and the seven of docs/insights.md); the queue
 * series have no label.
 */
@Injectable()
export class InsightsMetrics {
  constructor(repository: InsightsRepository, metrics: MetricsRegistry, @Inject(CLOCK) clock: Clock) {
    const sessions = new Gauge({
      name: 'kyc_ledger_sessions',
      help: 'Verification sessions in the insights read model, by country and outcome (open while undecided)',
      labelNames: ['country', 'outcome'],
      registers: [metrics],
      collect: async () => {
        sessions.reset();
        for (const row of await repository.outcomesByCountry()) {
          sessions.set({ country: row.country, outcome: row.outcome }, row.count);
        }
      },
    });
    const depth = new Gauge({
      name: 'kyc_ledger_review_queue_depth',
      help: 'Sessions waiting for a review now',
      registers: [metrics],
      collect: async () => {
        depth.set((await repository.queue({})).depth);
      },
    });
    const age = new Gauge({
      name: 'kyc_ledger_review_queue_oldest_age_seconds',
      help: 'How long the oldest pending review has waited (0 when none waits)',
      registers: [metrics],
      collect: async () => {
        const oldest = (await repository.queue({})).oldestRequestedAt;
        age.set(oldest === null ? 0 : Math.max(0, (clock.now().getTime() - Date.parse(oldest)) / 1000));
      },
    });
  }
}
