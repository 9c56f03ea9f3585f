import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../platform/config/config';
import { APP_CONFIG } from '../platform/config/tokens';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { type ComponentHealth, HealthRegistry } from '../platform/observability/health-registry';
import { LEASES, type Leases, WorkerSupervisor } from '../platform/workers';
import { MetricsRegistry } from '../platform/observability/metrics';
import { CLOCK, type Clock } from '../shared/clock';
import { TOPICS } from './integration-events';
import { KafkaPublisher } from './kafka-publisher';
import { PublisherCheckpointRepository } from './publisher-checkpoint.repository';
import { measureLag, type PublisherLag } from './publisher-lag';
import { PublisherMetrics } from './publisher-metrics';

/** Checkpoint name of the publisher for a topic prefix: new topics are published from the start. */
export function publisherName(topicPrefix: string): string {
  return `kafka:${topicPrefix}`;
}

/**
 * Runs the Kafka publisher when `KAFKA_BROKERS` is set, and reports it under `publisher` in `/health` (never
 * critical: a Kafka outage must not make the ledger unready) and in `/metrics`. Without brokers the events
 * wait in the ledger; `/health` then shows how many.
 */
@Injectable()
export class PublisherService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KafkaPublisher');
  private readonly checkpoints: PublisherCheckpointRepository;
  private publisher: KafkaPublisher | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    dataSource: DataSource,
    private readonly health: HealthRegistry,
    @Inject(LEASES) private readonly leases: Leases,
    private readonly workers: WorkerSupervisor,
    private readonly metrics: MetricsRegistry,
  ) {
    this.checkpoints = new PublisherCheckpointRepository(dataSource);
  }

  /** The running publisher, when brokers are configured (tests and benchmarks look at its status). */
  get running(): KafkaPublisher | undefined {
    return this.publisher;
  }

  onApplicationBootstrap(): void {
    if (!this.workers.serves('publisher')) {
      this.logger.log('Kafka publisher not started (role publisher is not in LEDGER_ROLES)');
      return;
    }
    const name = publisherName(this.config.kafkaTopicPrefix);
    const metrics = new PublisherMetrics(this.metrics);
    const brokers = this.config.kafkaBrokers;
    if (brokers !== undefined && brokers.length > 0) {
      const log = (level: 'error' | 'warn' | 'debug', message: string): void => {
        // kafkajs reports every reconnect attempt; the publisher logs the outage once, the rest is debug.
        this.logger.debug(`kafkajs ${level}: ${message}`);
      };
      this.publisher = new KafkaPublisher(
        {
          store: this.store,
          checkpoints: this.checkpoints,
          leases: this.leases,
          workerObserver: this.workers.observer,
          // kafkajs is loaded only where a publisher runs.
          transport: async () =>
            new (await import('./kafka-transport')).KafkajsTransport({
              brokers,
              clientId: `kyc-ledger-publisher-${hostname()}`,
              log,
            }),
          clock: this.clock,
          logger: this.logger,
          observer: metrics,
        },
        {
          name,
          topicPrefix: this.config.kafkaTopicPrefix,
          topicSpec: {
            partitions: this.config.kafkaTopicPartitions,
            replication: this.config.kafkaTopicReplication,
          },
        },
      );
      this.publisher.start();
    } else {
      this.logger.log(
        'Kafka publishing is off (KAFKA_BROKERS not set): events stay in the ledger and are published from the ' +
          'stored checkpoint once brokers are configured',
      );
    }
    metrics.observe({
      enabled: () => this.publisher !== undefined,
      status: () => this.publisher?.status(),
      lag: () => this.lag(),
    });
    this.health.register('publisher', () => this.report());
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.publisher?.stop();
  }

  private lag(): Promise<PublisherLag> {
    if (this.publisher !== undefined) return this.publisher.lag();
    return this.checkpoints
      .load(publisherName(this.config.kafkaTopicPrefix))
      .then((checkpoint) => measureLag(this.store, checkpoint, this.clock.now()));
  }

  private async report(): Promise<ComponentHealth> {
    const topics = {
      verification: `${this.config.kafkaTopicPrefix}${TOPICS.verification}`,
      subject: `${this.config.kafkaTopicPrefix}${TOPICS.subject}`,
    };
    const publisher = this.publisher;
    if (publisher === undefined) {
      // Off by configuration: nothing is wrong and nothing lags; the events wait in the ledger. No lag figures, so
      // that a lag alert cannot fire on a deliberately Kafka-less deployment.
      return {
        status: 'up',
        critical: false,
        details: { enabled: false, state: 'disabled', topics, lagPositions: null, lagSeconds: null },
      };
    }
    // The store and the database have their own checks; if they do not answer, the lag is unknown, and that
    // must not turn this non-critical component into a critical failure.
    const lag = await this.lag().catch(() => undefined);
    const lagDetails =
      lag === undefined
        ? { checkpoint: null, head: null, lagPositions: null, lagSeconds: null }
        : {
            checkpoint: lag.checkpoint,
            head: lag.head,
            lagPositions: lag.positions,
            lagSeconds: Math.round(lag.seconds * 1000) / 1000,
          };
    const status = publisher.status();
    const down =
      status.state === 'blocked' || (status.state !== 'standby' && status.broker === 'disconnected');
    return {
      status: down ? 'down' : status.consecutiveFailures > 0 ? 'degraded' : 'up',
      critical: false,
      details: {
        enabled: true,
        topics,
        state: status.state,
        broker: status.broker,
        caughtUp: status.caughtUp,
        ...lagDetails,
        publishedSinceStart: status.publishedSinceStart,
        lastPublishedAt: status.lastPublishedAt ?? null,
        consecutiveFailures: status.consecutiveFailures,
        lastError: status.lastError ?? null,
        blocked: status.blocked ?? null,
      },
    };
  }
}
