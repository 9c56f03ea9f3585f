import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from '../platform/observability/metrics';
import type { WebhookVendor } from './delivery';
import type { SignatureFailure } from './signature';

export type DeliveryResult = 'recorded' | 'duplicate' | 'ignored' | 'parked' | 'replayed';

/** Webhook counters. Labels are the vendor and a closed set of outcomes: never ids, never payload values. */
@Injectable()
export class WebhookMetrics {
  private readonly signatureFailures: Counter<'vendor' | 'reason'>;
  private readonly deliveries: Counter<'vendor' | 'result'>;
  private readonly callbackLatency: Histogram<'vendor'>;

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
    this.callbackLatency = new Histogram({
      name: 'kyc_ledger_webhook_callback_latency_seconds',
      help: "From the vendor's event time (its own clock) to the delivery's arrival here, by vendor",
      labelNames: ['vendor'],
      buckets: [0.5, 1, 5, 15, 60, 300, 900, 3600, 21_600, 86_400],
      registers: [registry],
    });
  }

  /** A verified delivery whose event the vendor timed at `occurredAt` arrived at `receivedAt`. */
  arrived(vendor: WebhookVendor, occurredAt: string, receivedAt: Date): void {
    const seconds = (receivedAt.getTime() - Date.parse(occurredAt)) / 1000;
    // A vendor clock ahead of ours counts as no delay; an unreadable time is not a figure.
    if (Number.isFinite(seconds)) this.callbackLatency.observe({ vendor }, Math.max(0, seconds));
  }

  signatureFailed(vendor: WebhookVendor, reason: SignatureFailure): void {
    this.signatureFailures.inc({ vendor, reason });
  }

  delivered(vendor: WebhookVendor, result: DeliveryResult): void {
    this.deliveries.inc({ vendor, result });
  }
}
