import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../commands/command-context';
import { AggregateRunner } from '../commands/aggregate-runner';
import { subjectAggregate } from '../commands/aggregates';
import { DATA_CLASSES, type DataClass } from '../shared/data-classes';
import { IdentityIndex } from '../ledger/crypto/identity-index';
import { KeyStore } from '../ledger/crypto/key-store';
import {
  type ClassRetention as DeciderRetention,
  decideSubject,
  repeatedErasure,
  type RestrictedClass,
  type SubjectEvent,
} from '../domain/subject';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { subjectStream } from '../ledger/stream-names';
import { ProjectionProgress } from '../projections/core/projection-progress';
import { ReadModelBehindError } from '../projections/projection.errors';
import { APP_CONFIG } from '../platform/config/tokens';
import type { AppConfig } from '../platform/config/config';
import { CLOCK, type Clock } from '../shared/clock';
import { uuidV5 } from '../shared/deterministic-uuid';
import { obligationEndsAt } from './retention';
import { RETENTION } from './retention.projection';
import { RetentionService } from './retention.service';

/** Seconds after which a request refused because the read model was behind may be repeated. */
const RETRY_AFTER_SECONDS = 1;

const logger = new Logger('Shredding');

/**
 * Key work before the events are recorded; idempotent, so a retried command may run it again. An erasure request
 * retires the keys of the classes it keeps for now (new data gets new keys); a shred destroys every key of its
 * classes, or only the retired ones when it carries out what an erasure request covered.
 */
function shredKeys(keys: KeyStore, identities: IdentityIndex, subjectId: string) {
  return async (events: readonly SubjectEvent[]): Promise<void> => {
    let shredded = false;
    for (const event of events) {
      if (event.type === 'ErasureRequested') {
        await keys.retireClasses(
          subjectId,
          event.data.restricted.map((item) => item.dataClass),
        );
        // The person asked for erasure: their identity no longer flags anyone as a duplicate.
        await identities.forget(subjectId);
      } else if (event.type === 'PersonalDataShredded') {
        await keys.destroyKeys(subjectId, event.data.dataClasses, {
          retiredOnly: event.data.coverage === 'erasure_covered',
        });
        if (event.data.dataClasses.includes('identity_attributes')) await identities.forget(subjectId);
        shredded = true;
      }
    }
    // The destruction has committed: now make it reach the disk (even when a retry destroyed nothing new, since
    // the attempt that did may have stopped before this). A scrub that could not finish does not undo the shred.
    if (shredded) {
      const scrub = await keys.scrubDestroyedKeys();
      if (!scrub.complete)
        logger.warn(`destroyed keys may remain on disk until the next scrub: ${scrub.reason}`);
    }
  };
}

export class RequestErasureCommand {
  constructor(
    readonly subjectId: string,
    readonly request: { readonly ground: string; readonly reference?: string },
    readonly context: CommandContext,
  ) {}
}

export interface ErasureOutcome {
  readonly subjectId: string;
  readonly requestId: string;
  readonly revision: number;
  readonly position: number;
  readonly requestedAt: string;
  readonly erased: readonly DataClass[];
  readonly restricted: readonly RestrictedClass[];
  readonly notHeld: readonly DataClass[];
}

/**
 * GDPR Art. 17 erasure: assesses every class (held? legal obligation? hold?), destroys the keys of the classes
 * nothing keeps, then records `ErasureRequested` and `PersonalDataShredded` in one append.
 */
@CommandHandler(RequestErasureCommand)
export class RequestErasureHandler implements ICommandHandler<RequestErasureCommand, ErasureOutcome> {
  constructor(
    private readonly runner: AggregateRunner,
    private readonly keys: KeyStore,
    private readonly identities: IdentityIndex,
    private readonly retention: RetentionService,
    private readonly progress: ProjectionProgress,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ subjectId, request, context }: RequestErasureCommand): Promise<ErasureOutcome> {
    const now = this.clock.now().toISOString();
    let requestId =
      context.idempotencyScope === undefined ? randomUUID() : uuidV5(`${context.idempotencyScope}\nerasure`);
    const heldClasses = await this.keys.liveClasses(subjectId);
    // The assessment reads the retention read model: let it see everything recorded so far (the relationship
    // end just recorded, the evidence just collected) first, or answer 503 and change nothing.
    const head = await this.store.headPosition();
    this.store.hurrySubscriptions?.();
    const caughtUp = await this.progress.waitFor(RETENTION, head, this.config.readWaitMs);
    if (!caughtUp.reached) {
      throw new ReadModelBehindError(RETENTION, head, caughtUp.position, RETRY_AFTER_SECONDS);
    }
    const assessed = await this.retention.assess(subjectId);
    const retention = Object.fromEntries(
      assessed.classes.map((item) => {
        const entry: DeciderRetention = {
          legalObligation: item.legalObligation,
          legalBasis: item.legalBasis,
          // Not before the shred grace period is over: a relationship end just recorded (perhaps dated too
          // early) must not let an erasure request shred what AML keeps.
          retainUntil: item.legalObligation ? obligationEndsAt(item) : null,
        };
        return [item.dataClass, entry];
      }),
    ) as Record<DataClass, DeciderRetention>;
    const outcome = await this.runner.run(
      subjectAggregate(subjectId),
      subjectStream(subjectId),
      (state) => {
        // A retry of the request that restricts processing now records nothing and answers with that request.
        const repeated = state.erasureRequests.has(requestId)
          ? undefined
          : repeatedErasure(state, request.ground, request.reference);
        if (repeated !== undefined) {
          requestId = repeated.requestId;
          return [];
        }
        return decideSubject(
          {
            type: 'RequestErasure',
            data: {
              requestId,
              ground: request.ground,
              ...(request.reference === undefined ? {} : { reference: request.reference }),
              heldClasses,
              retention,
              now,
            },
          },
          state,
        );
      },
      context,
      shredKeys(this.keys, this.identities, subjectId),
    );
    const record = outcome.state.erasureRequests.get(requestId);
    if (record === undefined) throw new Error('erasure request missing after it was recorded');
    const kept = new Set<DataClass>([...record.erased, ...record.restricted.map((r) => r.dataClass)]);
    return {
      subjectId,
      requestId,
      revision: outcome.revision,
      position: outcome.position,
      requestedAt: record.requestedAt,
      erased: record.erased,
      restricted: record.restricted,
      notHeld: DATA_CLASSES.filter((dataClass) => !kept.has(dataClass)),
    };
  }
}

export class ShredPersonalDataCommand {
  constructor(
    readonly subjectId: string,
    readonly shred: {
      readonly shredId: string;
      readonly dataClasses: readonly DataClass[];
      readonly reason: 'erasure_request' | 'retention_expired';
      readonly requestId?: string;
      readonly coverage?: 'erasure_covered';
    },
    readonly context: CommandContext,
  ) {}
}

export interface ShredOutcome {
  readonly subjectId: string;
  /** False when this shred was already recorded (a retry): nothing new was destroyed or appended. */
  readonly recorded: boolean;
  readonly position: number;
}

/** Destroys the keys, then records `PersonalDataShredded`. Refused (nothing destroyed) under a legal hold. */
@CommandHandler(ShredPersonalDataCommand)
export class ShredPersonalDataHandler implements ICommandHandler<ShredPersonalDataCommand, ShredOutcome> {
  constructor(
    private readonly runner: AggregateRunner,
    private readonly keys: KeyStore,
    private readonly identities: IdentityIndex,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ subjectId, shred, context }: ShredPersonalDataCommand): Promise<ShredOutcome> {
    const now = this.clock.now().toISOString();
    const outcome = await this.runner.run(
      subjectAggregate(subjectId),
      subjectStream(subjectId),
      (state) =>
        decideSubject(
          {
            type: 'ShredPersonalData',
            data: {
              shredId: shred.shredId,
              dataClasses: shred.dataClasses,
              reason: shred.reason,
              ...(shred.requestId === undefined ? {} : { requestId: shred.requestId }),
              ...(shred.coverage === undefined ? {} : { coverage: shred.coverage }),
              now,
            },
          },
          state,
        ),
      context,
      shredKeys(this.keys, this.identities, subjectId),
    );
    return { subjectId, recorded: outcome.appended.length > 0, position: outcome.position };
  }
}
