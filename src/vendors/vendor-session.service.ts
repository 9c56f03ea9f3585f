import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Counter, Gauge, Histogram } from 'prom-client';
import { AggregateRunner } from '../commands/aggregate-runner';
import { subjectAggregate, verificationAggregate } from '../commands/aggregates';
import type { CommandContext } from '../commands/command-context';
import { NotFoundError } from '../domain/shared/domain-error';
import { standingOf } from '../domain/subject';
import type { TemporaryVendorFallback } from '../domain/policy/policy.types';
import { decideVerification, isOpen, type RecordVendorSession } from '../domain/verification';
import { subjectStream, verificationStream } from '../ledger/stream-names';
import type { AppConfig } from '../platform/config/config';
import { APP_CONFIG } from '../platform/config/tokens';
import { HealthRegistry } from '../platform/observability/health-registry';
import { MetricsRegistry } from '../platform/observability/metrics';
import { PolicyRegistry } from '../policies/policy-registry';
import { CLOCK, type Clock } from '../shared/clock';
import {
  VerificationCommandCommand,
  type VerificationCommandResult,
  type VerificationInput,
} from '../verification';
import {
  ApplicantNameRequiredError,
  VendorCallError,
  VendorNotOfferedError,
  VendorUnavailableError,
} from './vendor-errors';
import { type FetchedCheck, OnfidoGateway } from './onfido.gateway';
import type {
  ClientCredential,
  FetchedObject,
  OpenRequest,
  VendorGateway,
  VendorObject,
} from './vendor-gateway';
import { vendorGateways } from './vendor-gateways';
import { type Guarded, VendorResilience } from './vendor-resilience';

export interface OpenedVendorSession {
  readonly vendor: string;
  readonly vendorReference: string;
  /** Only in this answer: never recorded, logged or published. */
  readonly clientToken?: string;
  readonly url?: string;
  readonly expiresAt: string;
  /** Ledger position of the session's latest event, for read-your-writes. */
  readonly position: number;
}

/** A vendor to try, and the temporary fallback rule of the policy that allows it, if that is why. */
interface Candidate {
  readonly vendor: string;
  readonly rule?: TemporaryVendorFallback;
}

/** A vendor session is reused while its verification session has this much time left. */
const REUSE_MARGIN_MS = 60_000;

/**
 * Opens (or reuses) the vendor session of a verification: checks with the domain's own rules that the session
 * may open one now (open, not expired, consent in force, no erasure asked), finds or creates the vendor's object
 * for it, records `VendorSessionOpened` with the vendor's ids, and hands the client credential back to the caller
 * only. Every vendor call runs under the vendor's resilience policy; a call that fails after its retries is
 * recorded as `VendorRequestFailed` and answered 503 `vendor_unavailable` with `Retry-After`.
 */
@Injectable()
export class VendorSessionService {
  private readonly logger = new Logger('VendorSessions');
  private readonly gateways: ReadonlyMap<string, VendorGateway>;
  private readonly guards: ReadonlyMap<string, VendorResilience>;
  private readonly calls: Counter<'vendor' | 'operation' | 'outcome'>;
  private readonly latency: Histogram<'vendor' | 'operation'>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly commands: CommandBus,
    private readonly runner: AggregateRunner,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policies: PolicyRegistry,
    health: HealthRegistry,
    metrics: MetricsRegistry,
  ) {
    const gateways = vendorGateways(config.vendorApis, () => clock.now());
    this.gateways = new Map(gateways.map((g) => [g.vendor, g]));
    this.guards = new Map(gateways.map((g) => [g.vendor, new VendorResilience(g.vendor)]));
    this.calls = new Counter({
      name: 'kyc_ledger_vendor_requests_total',
      help: 'Calls to vendor APIs (retries included in one call), by vendor, operation and outcome (ok or the error class)',
      labelNames: ['vendor', 'operation', 'outcome'],
      registers: [metrics],
    });
    this.latency = new Histogram({
      name: 'kyc_ledger_vendor_request_seconds',
      help: 'Time of a call to a vendor API, retries included',
      labelNames: ['vendor', 'operation'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics],
    });
    const breakers = new Gauge({
      name: 'kyc_ledger_vendor_breaker_open',
      help: 'Whether the circuit breaker of a vendor is open (1) or lets calls through (0)',
      labelNames: ['vendor'],
      registers: [metrics],
      collect: () => {
        for (const guard of this.guards.values())
          breakers.set({ vendor: guard.vendor }, guard.state === 'open' ? 1 : 0);
      },
    });
    for (const guard of this.guards.values()) {
      // A vendor that is down degrades the service; it never makes it unready.
      health.register(`vendor:${guard.vendor}`, () => ({
        status: guard.state === 'closed' ? 'up' : 'degraded',
        critical: false,
        details: { breaker: guard.state },
      }));
    }
  }

  /**
   * Fetches an Onfido Check and its Reports under Onfido's resilience policy (for `check.completed`, which
   * carries no result). Undefined when Onfido's API is not configured here.
   */
  async fetchOnfidoCheck(checkId: string): Promise<Guarded<FetchedCheck> | undefined> {
    const gateway = this.gateways.get('onfido');
    const guard = this.guards.get('onfido');
    if (!(gateway instanceof OnfidoGateway) || guard === undefined) return undefined;
    return this.call(guard, 'fetch_check', (signal) => gateway.fetchCheck(checkId, signal));
  }

  /**
   * Fetches the object a delivery named (Persona inquiry with its verifications, Veriff session decision) under
   * the vendor's resilience policy. Undefined when the vendor's API is not configured here or has no such call.
   */
  async fetchResult(vendor: string, reference: string): Promise<Guarded<FetchedObject> | undefined> {
    const gateway = this.gateways.get(vendor);
    const guard = this.guards.get(vendor);
    if (gateway?.fetchResult === undefined || guard === undefined) return undefined;
    const fetch = gateway.fetchResult.bind(gateway);
    return this.call(guard, 'fetch_result', (signal) => fetch(reference, signal));
  }

  /** The vendors configured here whose results can be fetched (Onfido checks, Persona inquiries, Veriff decisions). */
  fetchable(): string[] {
    return [...this.gateways.values()]
      .filter((gateway) => gateway instanceof OnfidoGateway || gateway.fetchResult !== undefined)
      .map((gateway) => gateway.vendor);
  }

  /** The vendors configured here, in the order offered by default. */
  offered(): string[] {
    return [...this.gateways.keys()];
  }

  /**
   * Opens the session at the vendor the caller names, or else at the first of the policy's vendors for the
   * session's jurisdiction (`vendors` in the policy document) that is configured here; when that one is
   * unavailable (failed after its retries, or its breaker is open), the next one is tried and the switch recorded
   * as `VendorFallbackChosen` — after the regular order, the vendor of a temporary fallback rule of the policy
   * that covers the session (segment, tier, jurisdiction) and is still in force. Without a `vendors` section, the
   * first vendor configured here, alone. When none could open it, the session is queued for the first vendor
   * (`VendorSessionQueued`: `waiting_for_vendor`) and the caller gets 503 `vendor_unavailable` with `Retry-After`.
   */
  async open(
    sessionId: string,
    input: { readonly vendor?: string; readonly applicant?: OpenRequest['applicant'] },
    context: CommandContext,
  ): Promise<OpenedVendorSession> {
    if (input.vendor !== undefined && !this.gateways.has(input.vendor)) {
      throw new VendorNotOfferedError(input.vendor, this.offered());
    }
    const candidates: Candidate[] =
      input.vendor === undefined ? await this.candidates(sessionId) : [{ vendor: input.vendor }];
    const first = candidates[0];
    if (first === undefined) throw new VendorNotOfferedError('', this.offered());
    for (const [index, candidate] of candidates.entries()) {
      const next = candidates[index + 1];
      try {
        return await this.openAt(candidate.vendor, sessionId, input, context);
      } catch (error) {
        if (!(error instanceof VendorUnavailableError)) throw error;
        if (next === undefined) {
          await this.queue(sessionId, first.vendor, context);
          throw error;
        }
        this.logger.warn(
          `${candidate.vendor} unavailable; falling back to ${next.vendor} as the policy orders`,
        );
        await this.record(
          sessionId,
          candidate.vendor,
          {
            kind: 'fallback',
            to: next.vendor,
            reason: 'vendor_unavailable',
            ...(next.rule === undefined ? {} : { rule: next.rule.id, ruleExpiresAt: next.rule.until }),
          },
          context,
        );
      }
    }
    throw new VendorNotOfferedError('', this.offered());
  }

  /**
   * Opens the vendor session a queued session waits for (the vendor dispatcher, once the vendor answers again):
   * the same checks and calls as `open`, at the queued vendor, without recording each failed try (the session
   * already shows it waits). Only vendors that find their object by our reference and need no name are opened
   * ahead of the client; `skipped` for the others (Veriff, Onfido: the client's next call opens them).
   */
  async openQueued(
    sessionId: string,
    context: CommandContext,
  ): Promise<'opened' | 'not_waiting' | 'skipped' | 'unavailable'> {
    const { state } = await this.runner.load(verificationAggregate, verificationStream(sessionId));
    if (state.status === 'none' || state.vendorQueue === undefined || !isOpen(state.status)) {
      return 'not_waiting';
    }
    const vendor = state.vendorQueue.vendor;
    const gateway = this.gateways.get(vendor);
    if (gateway === undefined || !this.dispatchable().includes(vendor)) return 'skipped';
    if (this.guards.get(vendor)?.state === 'open') return 'unavailable';
    try {
      await this.openAt(vendor, sessionId, {}, context, { quiet: true, withCredential: false });
      return 'opened';
    } catch (error) {
      if (error instanceof VendorUnavailableError) return 'unavailable';
      throw error;
    }
  }

  /**
   * The vendors whose queued sessions are opened ahead of the client: those that find their object by our
   * reference (no second one when the client comes) and need no name from the caller (Sumsub, Persona).
   */
  dispatchable(): string[] {
    return [...this.gateways.values()]
      .filter((gateway) => gateway.find !== undefined && gateway.requiresApplicantName !== true)
      .map((gateway) => gateway.vendor);
  }

  /** Whether a vendor's breaker lets calls through now. */
  available(vendor: string): boolean {
    const guard = this.guards.get(vendor);
    return guard !== undefined && guard.state !== 'open';
  }

  /**
   * The vendors the session's policy orders for its jurisdiction, of those configured here; then those of the
   * policy's temporary fallback rules that cover the session now, for a vendor of the regular order.
   */
  private async candidates(sessionId: string): Promise<Candidate[]> {
    const { state } = await this.runner.load(verificationAggregate, verificationStream(sessionId));
    if (state.status === 'none') throw new NotFoundError('verification', sessionId);
    const vendors = this.policies.byHash(state.policyHash)?.document.vendors;
    if (vendors === undefined)
      return this.offered()
        .slice(0, 1)
        .map((vendor) => ({ vendor }));
    const ordered = (vendors.byJurisdiction?.[state.jurisdiction] ?? vendors.order).filter((vendor) =>
      this.gateways.has(vendor),
    );
    const candidates: Candidate[] = ordered.map((vendor) => ({ vendor }));
    const now = this.clock.now().getTime();
    for (const rule of vendors.temporaryFallbacks ?? []) {
      const covers =
        ordered.includes(rule.when) &&
        this.gateways.has(rule.use) &&
        !candidates.some((c) => c.vendor === rule.use) &&
        Date.parse(rule.until) > now &&
        rule.segments.includes(state.segment) &&
        rule.tiers.includes(state.tier) &&
        (rule.jurisdictions === undefined || rule.jurisdictions.includes(state.jurisdiction));
      if (covers) candidates.push({ vendor: rule.use, rule });
    }
    return candidates;
  }

  /** Queues the session for `vendor` (`waiting_for_vendor`); a failure to record it leaves the 503 as it is. */
  private async queue(sessionId: string, vendor: string, context: CommandContext): Promise<void> {
    try {
      await this.record(sessionId, vendor, { kind: 'queued', reason: 'vendor_unavailable' }, context);
      this.onQueued?.();
    } catch (error) {
      this.logger.warn(`queueing a vendor session failed: ${error instanceof Error ? error.name : 'error'}`);
    }
  }

  /** Told when a session is queued (the dispatcher counts it). */
  onQueued: (() => void) | undefined;

  private async openAt(
    vendor: string,
    sessionId: string,
    input: { readonly applicant?: OpenRequest['applicant'] },
    context: CommandContext,
    how: { readonly quiet: boolean; readonly withCredential: boolean } = {
      quiet: false,
      withCredential: true,
    },
  ): Promise<OpenedVendorSession> {
    const gateway = this.gateways.get(vendor);
    const guard = this.guards.get(vendor);
    if (gateway === undefined || guard === undefined) throw new VendorNotOfferedError(vendor, this.offered());
    const { state, position } = await this.runner.load(verificationAggregate, verificationStream(sessionId));
    if (state.status === 'none') throw new NotFoundError('verification', sessionId);
    if (gateway.requiresApplicantName === true && input.applicant === undefined) {
      throw new ApplicantNameRequiredError(vendor);
    }
    const now = this.clock.now();
    // The domain's own rules, before anything is sent to a vendor: a closed, decided or expired session, or a
    // person without consent in force, gets no vendor session (and no vendor applicant).
    const subject = await this.runner.load(subjectAggregate(state.subjectId), subjectStream(state.subjectId));
    const probe: RecordVendorSession = {
      type: 'RecordVendorSession',
      data: {
        sessionId,
        vendor,
        outcome: { kind: 'opened', vendorReference: '\u0000', expiresAt: state.expiresAt },
        subject: standingOf(subject.state),
        now: now.toISOString(),
      },
    };
    decideVerification(probe, state);

    const request: OpenRequest = {
      sessionId,
      sessionExpiresAt: new Date(state.expiresAt),
      ...(input.applicant === undefined ? {} : { applicant: input.applicant }),
    };
    const reusable =
      Date.parse(state.expiresAt) - now.getTime() > REUSE_MARGIN_MS
        ? state.vendorSessions.filter((s) => s.vendor === vendor && s.attempt === state.attempt).at(-1)
        : undefined;
    const failed = (step: string, result: Extract<Guarded<unknown>, { ok: false }>): Promise<never> =>
      this.failed(sessionId, vendor, step, result, how.quiet ? undefined : context);
    if (reusable !== undefined && how.withCredential) {
      const credential = await this.call(guard, 'credential', (signal) =>
        gateway.credential(reusable, request, signal),
      );
      if (!credential.ok) return failed('credential', credential);
      if (credential.value !== undefined) {
        return this.answer(vendor, reusable.vendorReference, credential.value, position);
      }
    }

    let object: VendorObject | undefined;
    if (gateway.find !== undefined) {
      const find = gateway.find.bind(gateway);
      const found = await this.call(guard, 'find', (signal) => find(request, signal));
      if (!found.ok) return failed('find', found);
      object = found.value;
    }
    if (object === undefined) {
      // A create that timed out or lost its connection may have happened at the vendor: before trying again,
      // look the object up by our reference, so that a retry never makes a second one.
      let tries = 0;
      const lookup = gateway.find?.bind(gateway);
      const created = await this.call(guard, 'create', async (signal) => {
        tries += 1;
        const earlier = tries > 1 && lookup !== undefined ? await lookup(request, signal) : undefined;
        return earlier ?? gateway.create(request, signal);
      });
      if (!created.ok) return failed('create', created);
      object = created.value;
    }
    const recorded = await this.record(
      sessionId,
      vendor,
      {
        kind: 'opened',
        vendorReference: object.vendorReference,
        expiresAt: state.expiresAt,
        ...(object.vendorRequestId === undefined ? {} : { vendorRequestId: object.vendorRequestId }),
      },
      context,
    );
    if (!how.withCredential) {
      return {
        vendor,
        vendorReference: object.vendorReference,
        expiresAt: state.expiresAt,
        position: recorded.position,
      };
    }
    let credential = object.credential;
    if (credential === undefined) {
      const opened = object;
      const minted = await this.call(guard, 'credential', (signal) =>
        gateway.credential(opened, request, signal),
      );
      if (!minted.ok) return failed('credential', minted);
      credential = minted.value;
    }
    if (credential === undefined) {
      throw new VendorUnavailableError(vendor, 30);
    }
    return this.answer(vendor, object.vendorReference, credential, recorded.position);
  }

  private answer(
    vendor: string,
    vendorReference: string,
    credential: ClientCredential,
    position: number,
  ): OpenedVendorSession {
    return {
      vendor,
      vendorReference,
      ...(credential.clientToken === undefined ? {} : { clientToken: credential.clientToken }),
      ...(credential.url === undefined ? {} : { url: credential.url }),
      expiresAt: credential.expiresAt.toISOString(),
      position,
    };
  }

  /** One guarded vendor call, counted and timed. */
  private async call<T>(
    guard: VendorResilience,
    operation: string,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<Guarded<T>> {
    const started = performance.now();
    const result = await guard.run(operation, work);
    const labels = { vendor: guard.vendor, operation };
    this.latency.observe(labels, (performance.now() - started) / 1000);
    this.calls.inc({ ...labels, outcome: result.ok ? 'ok' : result.error.name });
    return result;
  }

  /** Records the failure on the session (its timeline shows why the person waited) and answers 503. */
  private async failed(
    sessionId: string,
    vendor: string,
    step: string,
    result: Extract<Guarded<unknown>, { ok: false }>,
    context: CommandContext | undefined,
  ): Promise<never> {
    const error = result.error;
    if (error instanceof VendorUnavailableError) throw error; // the breaker is open: nothing was called
    this.logger.warn(
      `${vendor} ${error.operation} failed: ${error.errorClass} after ${result.attempts} attempt(s)`,
    );
    const wait = error instanceof VendorCallError ? error.details.retryAfterMs : undefined;
    const unavailable = new VendorUnavailableError(vendor, Math.max(1, Math.ceil((wait ?? 30_000) / 1000)));
    // A queued session's retries are not recorded one by one: it already shows that it waits.
    if (context === undefined) throw unavailable;
    await this.record(
      sessionId,
      vendor,
      {
        kind: 'failed',
        operation: error.operation || step,
        errorClass: error.errorClass,
        attempts: Math.max(1, result.attempts),
        ...(error.details.httpStatus === undefined ? {} : { httpStatus: error.details.httpStatus }),
        ...(error.details.vendorRequestId === undefined
          ? {}
          : { vendorRequestId: error.details.vendorRequestId }),
      },
      context,
    ).catch((recordError: unknown) => {
      this.logger.warn(
        `recording a failed ${vendor} call failed: ${recordError instanceof Error ? recordError.name : 'error'}`,
      );
    });
    throw unavailable;
  }

  private record(
    sessionId: string,
    vendor: string,
    outcome: RecordVendorSession['data']['outcome'],
    context: CommandContext,
  ): Promise<VerificationCommandResult> {
    const input = { type: 'RecordVendorSession', vendor, outcome } as VerificationInput;
    // Not under the request's Idempotency-Key: one request can record a failure and then a success, and a
    // repeat is already harmless (the same vendor reference records nothing).
    return this.commands.execute<VerificationCommandCommand, VerificationCommandResult>(
      new VerificationCommandCommand(sessionId, input, { ...context, idempotencyScope: undefined }),
    );
  }
}
