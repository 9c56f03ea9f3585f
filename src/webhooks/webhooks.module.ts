import { Module, type OnModuleInit } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { VendorsModule } from '../vendors';
import { AnnouncedResultsFetcher } from './announced-results.fetcher';
import { HealthRegistry } from '../platform/observability/health-registry';
import { WorkerSupervisor } from '../platform/workers';
import { ParkedDeliveriesController } from './parked-deliveries.controller';
import { ParkedDeliveryRepository } from './parked-delivery.repository';
import { ReferenceIndexFollower } from './reference-index.follower';
import { ReferenceIndexRepository } from './reference-index.repository';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookMetrics } from './webhook.metrics';
import { WebhooksController } from './webhooks.controller';

/** Vendor webhooks (Onfido, Veriff, Sumsub, Persona). */
@Module({
  imports: [CommandsModule, VendorsModule],
  controllers: [WebhooksController, ParkedDeliveriesController],
  providers: [
    WebhookIntake,
    WebhookMetrics,
    ReferenceIndexRepository,
    ReferenceIndexFollower,
    ParkedDeliveryRepository,
    AnnouncedResultsFetcher,
  ],
})
export class WebhooksModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly follower: ReferenceIndexFollower,
    private readonly parked: ParkedDeliveryRepository,
    private readonly workers: WorkerSupervisor,
  ) {}

  onModuleInit(): void {
    // Not critical: with the index down, deliveries are parked (never lost) and replayed once it runs again.
    // Degraded while a delivery waits for an unknown session or could not be read: someone should look.
    // Results Onfido only announces are counted but expected (they need a fetch from Onfido's API).
    // The reference index runs where the projections do (LEDGER_ROLES); elsewhere only the parked deliveries
    // (in the shared database) are reported.
    const indexHere = this.workers.serves('projections');
    this.health.register('webhooks', async () => {
      const parked = await this.parked.countParked();
      const attention = parked.unknown_session + parked.unrecognised_payload > 0;
      if (!indexHere) {
        return {
          status: attention ? 'degraded' : 'up',
          critical: false,
          details: { referenceIndex: 'not_run_here', parkedDeliveries: parked },
        };
      }
      const { position, caughtUp, failing } = this.follower.status();
      return {
        status: failing ? 'down' : attention || !caughtUp ? 'degraded' : 'up',
        critical: false,
        details: { referenceIndexPosition: position, caughtUp, parkedDeliveries: parked },
      };
    });
  }
}
