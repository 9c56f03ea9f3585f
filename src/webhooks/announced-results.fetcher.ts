import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { every, type Worker, WorkerSupervisor } from '../platform/workers';
import { VendorSessionService } from '../vendors';
import { WebhookIntake } from './webhook-intake.service';

/** How often deliveries still waiting for their result are looked at again (a delivery wakes it at once). */
const ROUND_MS = 5000;

/**
 * Runs the fetch of results that vendors only announce (Onfido `check.completed`) on a supervised worker: woken
 * by each such delivery, and every few seconds for those still waiting (a check not complete yet, a vendor that
 * was failing). Started only where Onfido's API is configured.
 */
@Injectable()
export class AnnouncedResultsFetcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;

  constructor(
    private readonly intake: WebhookIntake,
    private readonly vendors: VendorSessionService,
    private readonly workers: WorkerSupervisor,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.vendors.offered().includes('onfido')) return;
    const worker = this.workers.start({
      name: 'onfido-result-fetcher',
      backoff: { initialMs: 1000, maxMs: 60_000 },
      run: every(ROUND_MS, () => this.intake.fetchAnnouncedResults()),
    });
    this.worker = worker;
    this.intake.onResultAnnounced = () => {
      worker.wake();
    };
    // Deliveries parked before this start (or while Onfido's API was not configured) are fetched now.
    worker.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.intake.onResultAnnounced = undefined;
    await this.worker?.stop();
  }
}
