import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { every, type Worker, WorkerSupervisor } from '../platform/workers';
import { VendorDispatcher, VendorSessionService } from '../vendors';
import { ParkedDeliveryRepository } from './parked-delivery.repository';
import { WebhookIntake } from './webhook-intake.service';

/** How often deliveries still waiting for their result are looked at again (a delivery wakes it at once). */
const ROUND_MS = 5000;

/**
 * Runs the fetch of results that vendors only announce (Onfido `check.completed`, Persona events without their
 * verifications, Veriff `submitted`) on a supervised worker: woken by each such delivery, and every few seconds
 * for those still waiting (not decided yet, a vendor that was failing). The queue is the parked deliveries
 * table, so an acknowledged announcement is fetched after a restart too. Started only where a vendor's API that
 * can fetch is configured; counted in `kyc_ledger_vendor_queued_calls{operation="fetch_result"}`.
 */
@Injectable()
export class AnnouncedResultsFetcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;

  constructor(
    private readonly intake: WebhookIntake,
    private readonly vendors: VendorSessionService,
    private readonly workers: WorkerSupervisor,
    dispatcher: VendorDispatcher,
    parked: ParkedDeliveryRepository,
  ) {
    dispatcher.countQueued(async () =>
      [...(await parked.countAwaitingFetch())].map(([vendor, count]) => ({
        vendor,
        operation: 'fetch_result',
        count,
      })),
    );
  }

  onApplicationBootstrap(): void {
    if (this.vendors.fetchable().length === 0) return;
    const worker = this.workers.start({
      name: 'vendor-result-fetcher',
      role: 'webhooks',
      backoff: { initialMs: 1000, maxMs: 60_000 },
      run: every(ROUND_MS, () => this.intake.fetchAnnouncedResults()),
    });
    this.worker = worker;
    this.intake.onResultAnnounced = () => {
      worker.wake();
    };
    // Deliveries parked before this start (or while the vendor's API was not configured) are fetched now.
    worker.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.intake.onResultAnnounced = undefined;
    await this.worker?.stop();
  }
}
