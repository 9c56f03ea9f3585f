import { randomUUID } from 'node:crypto';
import { Controller, HttpStatus, Param, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiParam, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint } from '../platform/http/openapi';
import type { Response } from 'express';
import { Public } from '../platform/auth/auth.decorators';
import { clientAddress, RateLimiter } from '../platform/auth/rate-limit.guard';
import type { ContextualRequest } from '../platform/http/request-context';
import { WEBHOOK_VENDORS } from './delivery';
import { WebhookIntake, type WebhookReceipt } from './webhook-intake.service';
import { UnknownWebhookVendorError, VendorNotConfiguredError, WebhookSignatureError } from './webhook.errors';

export class WebhookReceiptView {
  @ApiProperty({ enum: ['recorded', 'duplicate', 'ignored', 'parked'] }) status!: string;
}

interface RawBodyRequest extends ContextualRequest {
  /** The exact bytes received, kept by the JSON body parser (`rawBody: true`); the signature covers these. */
  rawBody?: Buffer;
}

/**
 * Vendor callbacks. Public for the API-key guard: the vendor's signature over the raw body is the
 * authentication, checked before anything in the payload is looked at. Rate limits follow that judgement: a
 * delivery nothing vouches for (bad signature, unknown or unconfigured vendor) spends the client address's
 * failed-authentication budget; a verified one its vendor's budget, which forgeries therefore cannot exhaust.
 */
@Public()
@ApiTags('webhooks')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly intake: WebhookIntake,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Post(':vendor')
  @ApiParam({ name: 'vendor', enum: WEBHOOK_VENDORS })
  @ApiHeader({ name: 'X-SHA2-Signature', required: false, description: 'Onfido' })
  @ApiHeader({ name: 'X-HMAC-SIGNATURE', required: false, description: 'Veriff (with X-AUTH-CLIENT)' })
  @ApiHeader({ name: 'X-Payload-Digest', required: false, description: 'Sumsub (with X-Payload-Digest-Alg)' })
  @ApiHeader({ name: 'Persona-Signature', required: false, description: 'Persona: t=<unix>,v1=<hex>' })
  @ApiEndpoint({
    summary:
      'A signed vendor callback: 200 when recorded, duplicate or ignored; 202 when parked; 401 unsigned',
    operationId: 'receiveWebhook',
    public: true,
    response: WebhookReceiptView,
    responseDescription: 'Recorded, a duplicate, or ignored',
    problems: [
      'malformed_json',
      'payload_too_large',
      'invalid_webhook_signature',
      'not_found',
      'vendor_not_configured',
      'too_many_requests',
    ],
  })
  @ApiResponse({ status: 202, description: 'Parked: the session is not known yet', type: WebhookReceiptView })
  async receive(
    @Param('vendor') vendor: string,
    @Req() req: RawBodyRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WebhookReceipt> {
    let receipt: WebhookReceipt;
    try {
      receipt = await this.intake.receive(vendor, req.rawBody ?? Buffer.alloc(0), req.headers, req.body, {
        correlationId: req.correlationId ?? randomUUID(),
        // Spent once the signature holds and before anything is recorded: an over-budget vendor is told to back
        // off with 429 and nothing of the delivery is kept, so its retry is recorded as the first arrival.
        verified: () => this.rateLimiter.spend({ kind: 'vendor', vendor }),
      });
    } catch (error) {
      if (unverified(error)) {
        await this.rateLimiter.spend({ kind: 'failed_authentication', address: clientAddress(req) });
      }
      throw error;
    }
    res.status(receipt.status === 'parked' ? HttpStatus.ACCEPTED : HttpStatus.OK);
    return receipt;
  }
}

/** A delivery that no vendor secret vouched for. */
function unverified(error: unknown): boolean {
  return (
    error instanceof WebhookSignatureError ||
    error instanceof UnknownWebhookVendorError ||
    error instanceof VendorNotConfiguredError
  );
}
