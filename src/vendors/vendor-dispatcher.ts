import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '../platform/observability/metrics';
import { every, LEASES, type Leases, type Worker, WorkerSupervisor } from '../platform/workers';
import { VerificationStatusRepository } from '../verification';
import { VendorSessionService } from './vendor-session.service';

/** How often the queue is looked at when nothing wakes the dispatcher. */
const ROUND_MS = 5000;
/** Sessions taken per round, oldest first. */
const BATCH = 50;

/** One source of queued vendor calls for the metric: e.g. announced results waiting to be fetched. */
export type QueuedCallSource = () => Promise<readonly { vendor: string; operation: string; count: number }[]>;

/**
 * The durable queue of vendor sessions that could not be opened because no vendor the policy allows answered
 * (`waiting_for_vendor`), worked through on a supervised worker under a lease (one instance at a time): each
 * round opens, oldest first, the sessions waiting for a vendor whose breaker lets calls through — at least once,
 * and without a second vendor object, since the vendor finds its object by our reference. The queue is the
 * status read model (rebuilt from the ledger), so nothing queued is lost with a process. A vendor that still fails
 * ends the round for its sessions; its breaker keeps the next rounds from calling it until it may try again.
 */
@Injectable()
export class VendorDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('VendorDispatcher');
  private readonly waiting: VerificationStatusRepository;
  private worker: Worker | undefined;
  private readonly sources: QueuedCallSource[] = [];

  constructor(
    private readonly sessions: VendorSessionService,
    private readonly workers: WorkerSupervisor,
    @Inject(LEASES) private readonly leases: Leases,
    dataSource: DataSource,
    metrics: MetricsRegistry,
  ) {
    this.waiting = new VerificationStatusRepository(dataSource);
    const queued = new Gauge({
      name: 'kyc_ledger_vendor_queued_calls',
      help: 'Vendor calls waiting to be made: sessions waiting for a vendor (open_session) and announced results to fetch (fetch_result), by vendor',
      labelNames: ['vendor', 'operation'],
      registers: [metrics],
      collect: async () => {
        queued.reset();
        for (const vendor of this.sessions.offered()) {
          queued.set({ vendor, operation: 'open_session' }, 0);
          queued.set({ vendor, operation: 'fetch_result' }, 0);
        }
        for (const [vendor, count] of await this.waiting.waitingCounts()) {
          queued.set({ vendor, operation: 'open_session' }, count);
        }
        for (const source of this.sources) {
          for (const row of await source())
            queued.set({ vendor: row.vendor, operation: row.operation }, row.count);
        }
      },
    });
  }

  /** Adds a source of queued calls to the `kyc_ledger_vendor_queued_calls` metric. */
  countQueued(source: QueuedCallSource): void {
    this.sources.push(source);
  }

  onApplicationBootstrap(): void {
    if (this.sessions.offered().length === 0) return;
    const worker = this.workers.start({
      name: 'vendor-dispatcher',
      role: 'schedulers',
      lease: { leases: this.leases, kind: 'dispatcher', name: 'vendor-sessions', retryMs: ROUND_MS },
      backoff: { initialMs: 1000, maxMs: 60_000 },
      run: every(ROUND_MS, () => this.round()),
    });
    this.worker = worker;
    this.sessions.onQueued = () => {
      worker.wake();
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.sessions.onQueued = undefined;
    await this.worker?.stop();
  }

  /** One pass over the queue, oldest first; returns how many sessions it opened. */
  async round(): Promise<number> {
    let opened = 0;
    const down = new Set<string>();
    const vendors = this.sessions.dispatchable().filter((vendor) => this.sessions.available(vendor));
    if (vendors.length === 0) return 0;
    for (const { sessionId, vendor } of await this.waiting.waitingForVendor(BATCH, vendors)) {
      if (down.has(vendor)) continue;
      const context = {
        actor: { kind: 'system' as const, id: 'vendor-dispatcher', roles: [] },
        correlationId: randomUUID(),
        causationId: randomUUID(),
        idempotencyScope: undefined,
      };
      try {
        const outcome = await this.sessions.openQueued(sessionId, context);
        if (outcome === 'opened') opened += 1;
        if (outcome === 'unavailable') down.add(vendor);
      } catch (error) {
        // The session can no longer open one (decided, expired, consent withdrawn): the domain refused, and the
        // event that ends the session clears it from the queue.
        this.logger.warn(
          `opening a queued ${vendor} session refused: ${error instanceof Error ? error.name : 'error'}`,
        );
      }
    }
    return opened;
  }
}
