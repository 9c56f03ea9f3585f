import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Prometheus metrics of the projection runners. Labels: the projection name and a failure reason — never a
 * subject, session or event id.
 */
export class ProjectionMetrics {
  readonly position: Gauge<'projection'>;
  readonly events: Counter<'projection'>;
  readonly parked: Counter<'projection'>;
  readonly parkedNow: Gauge<'projection'>;
  readonly batchSeconds: Histogram<'projection'>;
  readonly lagSeconds: Gauge<'projection'>;
  readonly active: Gauge<'projection'>;
  readonly failures: Counter<'projection' | 'reason'>;

  constructor(registry: Registry, parkedCounts?: () => Promise<ReadonlyMap<string, number>>) {
    const registers = [registry];
    this.position = new Gauge({
      name: 'kyc_ledger_projection_position',
      help: 'Global log position the projection has committed',
      labelNames: ['projection'],
      registers,
    });
    this.events = new Counter({
      name: 'kyc_ledger_projection_events_total',
      help: 'Events applied by this instance',
      labelNames: ['projection'],
      registers,
    });
    this.parked = new Counter({
      name: 'kyc_ledger_projection_parked_events_total',
      help: 'Events this instance could not apply and parked',
      labelNames: ['projection'],
      registers,
    });
    const parkedNow = new Gauge({
      name: 'kyc_ledger_projection_parked_events',
      help: 'Events parked in the read-model database, by projection',
      labelNames: ['projection'],
      registers,
      async collect() {
        if (parkedCounts === undefined) return;
        const counts = await parkedCounts();
        for (const [projection, count] of counts) parkedNow.set({ projection }, count);
      },
    });
    this.parkedNow = parkedNow;
    this.batchSeconds = new Histogram({
      name: 'kyc_ledger_projection_batch_duration_seconds',
      help: 'Time to commit one batch (load, fold, write, checkpoint)',
      labelNames: ['projection'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.lagSeconds = new Gauge({
      name: 'kyc_ledger_projection_lag_seconds',
      help: 'Time from an event being recorded to its projection committing, at the last batch',
      labelNames: ['projection'],
      registers,
    });
    this.active = new Gauge({
      name: 'kyc_ledger_projection_active',
      help: '1 when this instance holds the projection lease and applies events',
      labelNames: ['projection'],
      registers,
    });
    this.failures = new Counter({
      name: 'kyc_ledger_projection_failures_total',
      help: 'Failed batches by reason (database_unavailable, checkpoint_moved, lease_lost, subscription_ended)',
      labelNames: ['projection', 'reason'],
      registers,
    });
  }
}
