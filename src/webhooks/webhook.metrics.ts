import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsRegistry } from '../platform/observability/metrics';
import type { WebhookVendor } from './delivery';
import type { SignatureFailure } from './signature';

export type DeliveryResult = 'recorded' | 'duplicate' | 'ignored' | 'parked' | 'replayed';

/** Webhook counters. Labels are the vendor and a closed set of outcomes: never ids, never payload values. */
@Injectable()
export class WebhookMetrics {
  private readonly signatureFailures: Counter<'vendor' | 'reason'>;
  private readonly deliveries: Counter<'vendor' | 'result'>;

  constructor(registry: MetricsRegistry) {
    this.signatureFailures = new Counter({
      name: 'kyc_ledger_webhook_signature_failures_total',
      help: 'Webhook deliveries refused because their signature did not verify, by vendor and reason',
      labelNames: ['vendor', 'reason'],
      registers: [registry],
    });
    this.deliveries = new Counter({
      name: 'kyc_ledger_webhook_deliveries_total',
      help: 'Verified webhook deliveries by vendor and what became of them',
      labelNames: ['vendor', 'result'],
      registers: [registry],
    });
  }

  signatureFailed(vendor: WebhookVendor, reason: SignatureFailure): void {
    this.signatureFailures.inc({ vendor, reason });
  }

  delivered(vendor: WebhookVendor, result: DeliveryResult): void {
    this.deliveries.inc({ vendor, result });
  }
}
