import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { PublisherObserver, PublisherStatus } from './kafka-publisher';
import type { TopicKind } from './integration-events';
import type { PublisherLag } from './publisher-lag';

/** What the gauges read at scrape time. */
export interface PublisherMetricsSource {
  enabled(): boolean;
  status(): PublisherStatus | undefined;
  lag(): Promise<PublisherLag>;
}

/**
 * Prometheus metrics of the publisher. Labels are the logical topic (`verification`, `subject`) and error class
 * names: never ids, never data.
 */
export class PublisherMetrics implements PublisherObserver {
  private readonly publishedTotal: Counter<'topic'>;
  private readonly errorsTotal: Counter<'class'>;
  private readonly sendSeconds: Histogram;
  private source: PublisherMetricsSource | undefined;
  private lagSample: { at: number; value: Promise<PublisherLag | undefined> } | undefined;

  constructor(registry: Registry) {
    const lag = (): Promise<PublisherLag | undefined> => this.sampleLag();
    const status = (): PublisherStatus | undefined => this.source?.status();

    this.publishedTotal = new Counter({
      name: 'kyc_ledger_publisher_events_published_total',
      help: 'Events the broker acknowledged, by logical topic (redeliveries after a failure count again)',
      labelNames: ['topic'],
      registers: [registry],
    });
    this.errorsTotal = new Counter({
      name: 'kyc_ledger_publisher_errors_total',
      help: 'Failed publishing attempts, by error class',
      labelNames: ['class'],
      registers: [registry],
    });
    this.sendSeconds = new Histogram({
      name: 'kyc_ledger_publisher_batch_send_seconds',
      help: 'Time from sending a batch to the broker acknowledging it (acks=all)',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });

    const source = (): PublisherMetricsSource | undefined => this.source;
    new Gauge({
      name: 'kyc_ledger_publisher_enabled',
      help: '1 when KAFKA_BROKERS is set and the publisher runs in this instance',
      registers: [registry],
      collect() {
        this.set(source()?.enabled() === true ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_active',
      help: '1 when this instance is the active publisher (0: off, standby, or failing)',
      registers: [registry],
      collect() {
        const state = status()?.state;
        this.set(state === 'active' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_broker_connected',
      help: '1 while the last contact with the Kafka brokers succeeded',
      registers: [registry],
      collect() {
        this.set(status()?.broker === 'connected' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_blocked',
      help: '1 while the publisher is stopped at an event it cannot publish (see /health)',
      registers: [registry],
      collect() {
        this.set(status()?.blocked === undefined ? 0 : 1);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_consecutive_failures',
      help: 'Failed attempts since the last acknowledged batch',
      registers: [registry],
      collect() {
        this.set(status()?.consecutiveFailures ?? 0);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_last_error_timestamp_seconds',
      help: 'When the last failure happened, labelled with its error class',
      labelNames: ['class'],
      registers: [registry],
      collect() {
        this.reset();
        const last = status()?.lastError;
        if (last !== undefined) this.set({ class: last.class }, Date.parse(last.at) / 1000);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_checkpoint_position',
      help: 'Global ledger position of the last event the broker acknowledged',
      registers: [registry],
      async collect() {
        const value = await lag();
        if (value !== undefined) this.set(value.checkpoint);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_head_position',
      help: 'Global position of the last event in the ledger',
      registers: [registry],
      async collect() {
        const value = await lag();
        if (value !== undefined) this.set(value.head);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_lag_positions',
      help: 'Ledger positions between the checkpoint and the head while events wait to be published',
      registers: [registry],
      async collect() {
        const value = await lag();
        // Publishing off by configuration: nothing lags (kyc_ledger_publisher_enabled is 0).
        if (source()?.enabled() !== true) {
          this.set(0);
          return;
        }
        if (value !== undefined) this.set(value.positions);
      },
    });
    new Gauge({
      name: 'kyc_ledger_publisher_lag_seconds',
      help: 'Age of the oldest event waiting to be published (0 when none waits)',
      registers: [registry],
      async collect() {
        const value = await lag();
        // Publishing off by configuration: nothing lags (kyc_ledger_publisher_enabled is 0).
        if (source()?.enabled() !== true) {
          this.set(0);
          return;
        }
        if (value !== undefined) this.set(value.seconds);
      },
    });
  }

  /** Connects the gauges to the publisher (or to the lag probe when the publisher is off). */
  observe(source: PublisherMetricsSource): void {
    this.source = source;
  }

  published(topic: TopicKind, count: number): void {
    this.publishedTotal.inc({ topic }, count);
  }

  batchSent(seconds: number): void {
    this.sendSeconds.observe(seconds);
  }

  failed(errorClass: string): void {
    this.errorsTotal.inc({ class: errorClass });
  }

  /** One lag measurement per scrape, shared by the four gauges that report it. */
  private sampleLag(): Promise<PublisherLag | undefined> {
    const source = this.source;
    if (source === undefined) return Promise.resolve(undefined);
    const now = Date.now();
    if (this.lagSample === undefined || now - this.lagSample.at > 1000) {
      // A store that does not answer leaves the lag gauges as they were rather than failing the scrape.
      this.lagSample = { at: now, value: source.lag().catch(() => undefined) };
    }
    return this.lagSample.value;
  }
}
