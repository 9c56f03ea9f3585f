import { LedgerError } from '../shared/ledger-error';

/**
 * A delivery whose signature did not verify. Deliberately says nothing else: not which header, not what was
 * expected.
 */
export class WebhookSignatureError extends LedgerError {
  readonly code = 'invalid_webhook_signature';
  override readonly httpStatus = 401;
  constructor() {
    super('the webhook signature could not be verified');
  }
}

export class UnknownWebhookVendorError extends LedgerError {
  readonly code = 'not_found';
  override readonly httpStatus = 404;
  constructor() {
    super('no webhook endpoint for this vendor');
  }
}

/** A vendor this product knows whose webhook secret this deployment has not set: nothing could verify it. */
export class VendorNotConfiguredError extends LedgerError {
  readonly code = 'vendor_not_configured';
  override readonly httpStatus = 404;
  constructor(vendor: string) {
    super(`webhooks of ${vendor} are not configured on this deployment (its secret is not set)`, { vendor });
  }
}
