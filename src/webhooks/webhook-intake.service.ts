import { randomUUID } from 'node:crypto';
import { duplicateKeyPath } from './duplicate-keys';
import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandContext } from '../commands/command-context';
import { AggregateRunner } from '../commands/aggregate-runner';
import { verificationAggregate } from '../commands/aggregates';
import { VerificationCommandCommand, type VerificationCommandResult } from '../verification';
import type { AppConfig } from '../platform/config/config';
import { APP_CONFIG } from '../platform/config/tokens';
import { vendorEventKey } from '../domain/verification';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { verificationStream } from '../ledger/stream-names';
import { CLOCK, type Clock } from '../shared/clock';
import { isWebhookVendor, type NormalisedDelivery, WEBHOOK_VENDORS, type WebhookVendor } from './delivery';
import { ParkedDeliveryRepository, type ParkReason } from './parked-delivery.repository';
import { ReferenceIndexFollower } from './reference-index.follower';
import { ReferenceIndexRepository, type SessionReference } from './reference-index.repository';
import { SignatureCheckFailed } from './signature';
import { UnknownWebhookVendorError, VendorNotConfiguredError, WebhookSignatureError } from './webhook.errors';
import { WebhookMetrics } from './webhook.metrics';
import { type Guarded, VendorSessionService } from '../vendors';
import { checksOfReports } from './vendors/onfido';
import { vendorAdapters, type VendorAdapters } from './vendors';
import { sha256Hex, UnrecognisedPayload } from './vendors/vendor-adapter';

/** What became of a delivery; the HTTP answer (202 for parked, 200 otherwise). */
export type WebhookReceipt = { readonly status: 'recorded' | 'duplicate' | 'ignored' | 'parked' };

export interface DeliveryContext {
  readonly correlationId: string;
  /**
   * Called once the signature holds, before anything is recorded or parked. It may throw (the vendor's rate
   * budget is spent here: 429), and then nothing of the delivery is kept; the vendor retries it.
   */
  readonly verified?: () => Promise<void>;
}

/**
 * Takes a vendor webhook from raw bytes to the ledger: signature over the raw body, the vendor's documented
 * payload mapped to check results, the session found by the vendor's reference (or its pass-through id), and
 * the result recorded through the verification command, whose decider ignores a vendor event it has seen and
 * orders results by the vendor's clock. What cannot be recorded is parked, never dropped.
 */
/** Where a fetched result came from: the vendor object, the call, the vendor's request id. */
interface FetchSource {
  readonly objectId: string;
  readonly operation: string;
  readonly vendorRequestId?: string;
}

/** What fetching an announced result came to. */
type FetchOutcome =
  | { readonly delivery: NormalisedDelivery; readonly source: FetchSource }
  | 'pending'
  | 'vendor_failing'
  | 'refused'
  | 'unrecognised';

/**
 * A failed fetch: the vendor failing (5xx, timeouts, its breaker open) holds back the vendor's other fetches too;
 * a request it refuses (4xx, e.g. 404 for an object it does not know) is this delivery's alone.
 */
function fetchFailure(
  error: Extract<Guarded<unknown>, { ok: false }>['error'],
): 'vendor_failing' | 'refused' {
  return 'retryable' in error && !error.retryable ? 'refused' : 'vendor_failing';
}

/** The vendor call that fetches each vendor's announced results (as recorded in `VendorResultFetched`). */
const FETCH_OPERATION: Record<WebhookVendor, string> = {
  onfido: 'find_check',
  persona: 'retrieve_inquiry',
  veriff: 'get_decision',
  sumsub: 'get_applicant',
};

/** What replaying one parked delivery did. */
export type ParkedReplay =
  | { readonly outcome: 'replayed'; readonly sessionId: string; readonly recorded: boolean }
  | { readonly outcome: 'not_found' | 'already_resolved' | 'session_still_unknown' }
  | { readonly outcome: 'not_replayable'; readonly reason: string };

@Injectable()
export class WebhookIntake implements OnModuleInit {
  private readonly logger = new Logger('WebhookIntake');
  private readonly adapters: VendorAdapters;
  private readonly sandboxDeployment: boolean;
  /** Vendors whose webhook secret is set: only these can be verified. */
  private readonly configured: ReadonlySet<WebhookVendor>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly commands: CommandBus,
    private readonly runner: AggregateRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly references: ReferenceIndexRepository,
    private readonly follower: ReferenceIndexFollower,
    private readonly parked: ParkedDeliveryRepository,
    private readonly metrics: WebhookMetrics,
    private readonly vendors: VendorSessionService,
  ) {
    this.adapters = vendorAdapters(config.webhookSecrets);
    this.sandboxDeployment = config.webhookSecrets.sandbox;
    const { onfido, veriff, sumsub, persona } = config.webhookSecrets;
    const set = { onfido: onfido !== undefined, veriff: veriff !== undefined, sumsub: sumsub !== undefined };
    this.configured = new Set(WEBHOOK_VENDORS.filter((v) => (v === 'persona' ? persona.length > 0 : set[v])));
  }

  onModuleInit(): void {
    // Names only, never a secret.
    const missing = WEBHOOK_VENDORS.filter((v) => !this.configured.has(v));
    this.logger.log(
      `vendor webhooks configured: ${[...this.configured].join(', ') || 'none'}` +
        (missing.length > 0
          ? `; not configured (answer 404 vendor_not_configured): ${missing.join(', ')}`
          : ''),
    );
    this.follower.listen({
      referenceIndexed: (reference) => this.replayReference(reference),
      sessionStarted: (sessionId) => this.replayHint(sessionId),
    });
  }

  async receive(
    vendorName: string,
    raw: Buffer,
    headers: IncomingHttpHeaders,
    payload: unknown,
    context: DeliveryContext,
  ): Promise<WebhookReceipt> {
    if (!isWebhookVendor(vendorName)) throw new UnknownWebhookVendorError();
    const vendor: WebhookVendor = vendorName;
    if (!this.configured.has(vendor)) throw new VendorNotConfiguredError(vendor);
    const adapter = this.adapters[vendor];
    try {
      adapter.verify(raw, headers, this.clock.now());
    } catch (error) {
      this.metrics.signatureFailed(vendor, error instanceof SignatureCheckFailed ? error.reason : 'mismatch');
      throw new WebhookSignatureError();
    }
    await context.verified?.();

    // A key given twice is read differently by different parsers (JSON.parse keeps the last): not read at all.
    const duplicate = duplicateKeyPath(raw.toString('utf8'));
    if (duplicate !== undefined) {
      return this.parkUnrecognised(vendor, raw, `the key ${duplicate} appears twice`);
    }

    let delivery: NormalisedDelivery;
    try {
      delivery = adapter.normalise(payload, raw);
    } catch (error) {
      if (!(error instanceof UnrecognisedPayload)) throw error;
      return this.parkUnrecognised(vendor, raw, error.what);
    }

    if (delivery.occurredAt !== undefined)
      this.metrics.arrived(vendor, delivery.occurredAt, this.clock.now());
    if (delivery.outcome.kind === 'none') {
      if (delivery.outcome.reason === 'result_not_in_payload') {
        // Kept (durably) until the result is fetched from the vendor's API, where that is configured.
        const receipt = await this.park(
          vendor,
          delivery.eventId,
          delivery.eventType,
          'result_not_in_payload',
          delivery,
          raw,
        );
        this.onResultAnnounced?.();
        return receipt;
      }
      this.metrics.delivered(vendor, 'ignored');
      return { status: 'ignored' };
    }

    // A vendor's sandbox result never changes a production session: it is kept (parked) for whoever tests.
    if (delivery.sandbox === true && !this.sandboxDeployment) {
      return this.park(vendor, delivery.eventId, delivery.eventType, 'sandbox_result', delivery, raw);
    }

    const sessionId = await this.sessionOf(delivery);
    const result =
      sessionId === undefined ? 'unknown_session' : await this.record(delivery, sessionId, context);
    if (result === 'unknown_session') {
      return this.park(vendor, delivery.eventId, delivery.eventType, 'unknown_session', delivery, raw);
    }
    this.metrics.delivered(vendor, result);
    return { status: result };
  }

  /** Told when a delivery announces a result to fetch (the fetcher wakes up). */
  onResultAnnounced: (() => void) | undefined;

  /**
   * Fetches the results that deliveries only announce — Onfido `check.completed` / `report.completed` (the Check
   * and its Reports), Persona events without their verifications (the inquiry), Veriff `submitted` (the session's
   * decision) — from the vendor's API under its resilience policy, mapped by the same tables as a webhook that
   * carries them, recorded on the session with where they were fetched from (`VendorResultFetched`), and the
   * parked delivery resolved. An object not decided yet or a vendor failure leaves the delivery parked for the next
   * round; a result whose reference no session names yet waits with its result as `unknown_session` (replayed
   * when one does). At least once, and once per vendor event (a webhook and a fetch of one result record once).
   * Returns how many it recorded or found recorded.
   */
  async fetchAnnouncedResults(limit = 50): Promise<number> {
    let done = 0;
    for (const vendor of this.vendors.fetchable()) {
      if (isWebhookVendor(vendor)) done += await this.fetchAnnounced(vendor, limit);
    }
    return done;
  }

  private async fetchAnnounced(vendor: WebhookVendor, limit: number): Promise<number> {
    let done = 0;
    for (const entry of await this.parked.awaitingFetch(vendor, limit)) {
      const announced = entry.delivery;
      const reference = announced?.vendorReference;
      if (announced === undefined || reference === undefined) continue;
      const fetched =
        vendor === 'onfido'
          ? await this.fetchOnfido(announced, reference)
          : await this.fetchObject(vendor, announced, reference);
      // The vendor is failing: the other deliveries would fail the same way; try again next round.
      if (fetched === 'vendor_failing') return done;
      // Refused (or not decided yet): this delivery waits for the next round, the others are still fetched.
      if (fetched === 'pending' || fetched === 'refused') continue;
      if (fetched === 'unrecognised') {
        this.logger.warn(
          `a fetched ${vendor} object is not what the vendor documents; kept for investigation`,
        );
        await this.parked.fetchedUnrecognised(vendor, announced.eventId);
        continue;
      }
      const { delivery, source } = fetched;
      if (delivery.outcome.kind !== 'checks') {
        // Decided without a result to record (e.g. an inquiry that expired): nothing to fetch any more.
        await this.parked.settleWithoutResult(vendor, announced.eventId, this.clock.now());
        continue;
      }
      if (delivery.sandbox === true && !this.sandboxDeployment) continue;
      const sessionId = await this.sessionOf(delivery);
      const result =
        sessionId === undefined
          ? 'unknown_session'
          : await this.record(delivery, sessionId, { correlationId: randomUUID() }, source);
      if (sessionId === undefined || result === 'unknown_session') {
        // Fetched, but no session names the reference yet: it waits with its result (not fetched again) and is
        // replayed when a session does.
        await this.parked.awaitSession(vendor, announced.eventId, 'result_not_in_payload', delivery);
        continue;
      }
      if (await this.parked.resolve(vendor, announced.eventId, sessionId, this.clock.now())) {
        this.metrics.delivered(vendor, 'replayed');
      }
      done += 1;
    }
    return done;
  }

  /** An Onfido Check and its Reports as the result the announcing delivery stands for. */
  private async fetchOnfido(announced: NormalisedDelivery, checkId: string): Promise<FetchOutcome> {
    const fetched = await this.vendors.fetchOnfidoCheck(checkId);
    if (fetched === undefined) return 'pending';
    if (!fetched.ok) {
      this.logger.warn(`fetching an announced onfido result failed (${fetched.error.name}); kept for later`);
      return fetchFailure(fetched.error);
    }
    const check = fetched.value;
    if (!check.complete) return 'pending';
    const checks = checksOfReports(check.reports);
    if (checks.length === 0 || announced.occurredAt === undefined) return 'pending';
    return {
      delivery: {
        vendor: 'onfido',
        eventId: announced.eventId,
        eventType: announced.eventType,
        occurredAt: announced.occurredAt,
        vendorReference: check.applicantId,
        ...(announced.sessionHint === undefined ? {} : { sessionHint: announced.sessionHint }),
        ...(check.sandbox ? { sandbox: true as const } : {}),
        outcome: { kind: 'checks', checks },
      },
      source: {
        objectId: checkId,
        operation: 'find_check',
        ...(check.vendorRequestId === undefined ? {} : { vendorRequestId: check.vendorRequestId }),
      },
    };
  }

  /** A vendor object (Persona inquiry, Veriff decision) as the result the announcing delivery stands for. */
  private async fetchObject(
    vendor: WebhookVendor,
    announced: NormalisedDelivery,
    reference: string,
  ): Promise<FetchOutcome> {
    const resultOf = this.adapters[vendor].resultOf?.bind(this.adapters[vendor]);
    const fetched = resultOf === undefined ? undefined : await this.vendors.fetchResult(vendor, reference);
    if (resultOf === undefined || fetched === undefined) return 'pending';
    if (!fetched.ok) {
      this.logger.warn(
        `fetching an announced ${vendor} result failed (${fetched.error.name}); kept for later`,
      );
      return fetchFailure(fetched.error);
    }
    let delivery: NormalisedDelivery | undefined;
    try {
      delivery = resultOf(fetched.value.json, announced);
    } catch (error) {
      if (error instanceof UnrecognisedPayload) return 'unrecognised';
      throw error;
    }
    if (delivery === undefined) return 'pending';
    const { vendorRequestId } = fetched.value;
    return {
      delivery,
      source: {
        objectId: reference,
        operation: FETCH_OPERATION[vendor],
        ...(vendorRequestId === undefined ? {} : { vendorRequestId }),
      },
    };
  }

  /** The session by the reference recorded with its evidence, else by the vendor's pass-through id. */
  private async sessionOf(delivery: NormalisedDelivery): Promise<string | undefined> {
    const { vendor, vendorReference, sessionHint } = delivery;
    if (vendorReference !== undefined) {
      const indexed =
        (await this.references.sessionFor(vendor, vendorReference)) ??
        (await this.follower.recentSessionFor(vendor, vendorReference));
      if (indexed !== undefined) return indexed;
    }
    return sessionHint;
  }

  /**
   * Records a delivery that carries checks: `recorded` only when this very delivery wrote the result,
   * `duplicate` when it changed nothing. Concurrent copies of one vendor event all pass the session check below
   * and all run the command; the store absorbs their identical appends (same event ids) as if each had
   * succeeded, so only the ledger can tell which copy wrote: the one whose id the events carry as their cause.
   */
  private async record(
    delivery: NormalisedDelivery,
    sessionId: string,
    context: DeliveryContext,
    fetchedFrom?: FetchSource,
  ): Promise<'recorded' | 'duplicate' | 'unknown_session'> {
    const { vendor, eventId, occurredAt, outcome } = delivery;
    if (outcome.kind !== 'checks' || occurredAt === undefined) return 'unknown_session';
    const stream = verificationStream(sessionId);
    const { state, revision } = await this.runner.load(verificationAggregate, stream);
    if (state.status === 'none') return 'unknown_session';
    if (state.vendorEventIds.has(vendorEventKey(vendor, eventId))) return 'duplicate';
    // Minted here, never taken from a header: two copies must not share it.
    const deliveryId = randomUUID();
    const command: CommandContext = {
      actor: { kind: 'vendor', id: vendor, roles: [] },
      correlationId: context.correlationId,
      causationId: deliveryId,
      // Event ids derive from the vendor event: a concurrent redelivery appends the same events, absorbed.
      idempotencyScope: `webhook\n${vendor}\n${eventId}`,
    };
    await this.commands.execute<VerificationCommandCommand, VerificationCommandResult>(
      new VerificationCommandCommand(
        sessionId,
        {
          type: 'RecordVendorResult',
          vendor,
          vendorEventId: eventId,
          vendorCreatedAt: occurredAt,
          checks: outcome.checks,
          ...(delivery.riskSignals === undefined ? {} : { vendorSignals: delivery.riskSignals }),
          ...(fetchedFrom === undefined ? {} : { fetched: fetchedFrom }),
        },
        command,
      ),
    );
    return (await this.causedAfter(stream, revision, deliveryId)) ? 'recorded' : 'duplicate';
  }

  /** Whether the stream holds, after `revision`, an event caused by `causationId`: that append wrote it. */
  private async causedAfter(stream: string, revision: number, causationId: string): Promise<boolean> {
    const events = await this.store.readStream(stream, { fromRevision: revision + 1 });
    return events.some((event) => event.metadata.causationId === causationId);
  }

  /** A verified body the ledger cannot read as the vendor documents it: parked under its hash, never guessed at. */
  private parkUnrecognised(vendor: WebhookVendor, raw: Buffer, what: string): Promise<WebhookReceipt> {
    const bodySha256 = sha256Hex(raw);
    this.logger.warn(`${vendor} delivery ${bodySha256.slice(0, 16)}… parked: ${what}`);
    return this.park(
      vendor,
      `unrecognised:${bodySha256}`,
      'unrecognised',
      'unrecognised_payload',
      undefined,
      raw,
    );
  }

  private async park(
    vendor: WebhookVendor,
    eventId: string,
    eventType: string,
    reason: ParkReason,
    delivery: NormalisedDelivery | undefined,
    raw: Buffer,
  ): Promise<WebhookReceipt> {
    await this.parked.park(
      { vendor, eventId, eventType, reason, delivery, bodySha256: sha256Hex(raw) },
      this.clock.now(),
    );
    this.metrics.delivered(vendor, 'parked');
    return { status: 'parked' };
  }

  /**
   * Replays one parked delivery on an operator's request (`POST /v1/webhooks/parked/{id}/replay`): a delivery
   * that waited for an unknown session is recorded once the session is known. Other reasons cannot be replayed
   * from what was kept (the raw body is not stored: it may hold personal data).
   */
  async replayParked(vendor: string, eventId: string): Promise<ParkedReplay> {
    const entry = await this.parked.find(vendor, eventId);
    if (entry === undefined) return { outcome: 'not_found' };
    if (entry.status !== 'parked') return { outcome: 'already_resolved' };
    if (entry.reason !== 'unknown_session' || entry.delivery === undefined || !isWebhookVendor(vendor)) {
      return { outcome: 'not_replayable', reason: entry.reason };
    }
    const sessionId = await this.sessionOf(entry.delivery);
    if (sessionId === undefined) return { outcome: 'session_still_unknown' };
    const result = await this.record(entry.delivery, sessionId, { correlationId: randomUUID() });
    if (result === 'unknown_session') return { outcome: 'session_still_unknown' };
    if (await this.parked.resolve(vendor, eventId, sessionId, this.clock.now())) {
      this.metrics.delivered(vendor, 'replayed');
    }
    return { outcome: 'replayed', sessionId, recorded: result === 'recorded' };
  }

  private async replayReference(reference: SessionReference): Promise<void> {
    const waiting = await this.parked.waitingFor({
      vendor: reference.vendor.trim().toLowerCase(),
      vendorReference: reference.vendorReference,
    });
    await this.replay(waiting.map((entry) => ({ ...entry, sessionId: reference.sessionId })));
  }

  private async replayHint(sessionId: string): Promise<void> {
    const waiting = await this.parked.waitingFor({ sessionHint: sessionId });
    await this.replay(waiting.map((entry) => ({ ...entry, sessionId })));
  }

  private async replay(
    entries: readonly {
      vendor: string;
      eventId: string;
      delivery: NormalisedDelivery | undefined;
      sessionId: string;
    }[],
  ): Promise<void> {
    for (const entry of entries) {
      if (entry.delivery === undefined || !isWebhookVendor(entry.vendor)) continue;
      const result = await this.record(entry.delivery, entry.sessionId, { correlationId: randomUUID() });
      if (result === 'unknown_session') continue;
      if (await this.parked.resolve(entry.vendor, entry.eventId, entry.sessionId, this.clock.now())) {
        this.metrics.delivered(entry.vendor, 'replayed');
      }
    }
  }
}
