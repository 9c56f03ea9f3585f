import { randomUUID } from 'node:crypto';
import { Controller, Get, Headers, Inject, Param } from '@nestjs/common';
import { ApiHeader, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint } from '../platform/http/openapi';
import { Roles } from '../platform/auth/auth.decorators';
import { ParseIdPipe } from '../platform/http/id.pipe';
import type { CommandContext } from '../commands/command-context';
import { Ctx } from '../platform/http/request-context';
import { RequestValidationError } from '../platform/http/validation';
import { AggregateRunner } from '../commands/aggregate-runner';
import { subjectAggregate } from '../commands/aggregates';
import { DATA_CLASSES, type DataClass, isDataClass } from '../shared/data-classes';
import { PiiCipher } from '../ledger/crypto/pii-cipher';
import { KeyStore } from '../ledger/crypto/key-store';
import { decideSubject, restrictionOf } from '../domain/subject';
import type { LedgerEvent } from '../ledger/envelope';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { Ledger } from '../ledger/ledger';
import { subjectStream, VERIFICATION_STREAM_PREFIX, verificationStream } from '../ledger/stream-names';
import { CLOCK, type Clock } from '../shared/clock';
import type { JsonObject } from '../shared/json';

export interface PersonalDataItem {
  readonly eventId: string;
  readonly stream: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly dataClass: DataClass;
  /**
   * `restricted`: kept after an erasure request only for a legal obligation or hold (GDPR Art. 17(3), 18): not
   * disclosed here.
   */
  readonly state: 'clear' | 'shredded' | 'restricted';
  readonly value: JsonObject | null;
  readonly restriction?: { readonly requestId: string; readonly basis: string };
}

export interface PersonalDataResponse {
  readonly subjectId: string;
  /** The PersonalDataAccessed event that recorded this read (null when there was nothing to read). */
  readonly accessEventPosition: number | null;
  readonly items: readonly PersonalDataItem[];
}

type Positioned = PersonalDataItem & { readonly position: number };

function withoutPosition({ position: _position, ...item }: Positioned): PersonalDataItem {
  return item;
}

function itemOf(event: LedgerEvent, dataClass: DataClass): Positioned {
  return {
    eventId: event.eventId,
    stream: event.stream,
    type: event.type,
    recordedAt: event.metadata.recordedAt,
    dataClass,
    state: 'clear',
    value: null,
    position: event.position,
  };
}

/**
 * The one place personal data leaves the ledger in clear: for a privacy officer, with a stated justification,
 * and only after a `PersonalDataAccessed` event (who, roles, why, which classes) is durably in the subject's
 * stream — so every read shows in the subject's timeline.
 */
export class PersonalDataItemView {
  @ApiProperty() eventId!: string;
  @ApiProperty() stream!: string;
  @ApiProperty() type!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ enum: DATA_CLASSES }) dataClass!: string;
  @ApiProperty({
    enum: ['clear', 'shredded', 'restricted'],
    description: 'restricted: kept for a legal obligation or hold after an erasure request, not disclosed',
  })
  state!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The decrypted section (clear state only)',
  })
  value!: Record<string, unknown> | null;
  @ApiPropertyOptional({
    type: 'object',
    properties: { requestId: { type: 'string' }, basis: { type: 'string' } },
  })
  restriction?: { requestId: string; basis: string };
}

export class PersonalDataView {
  @ApiProperty() subjectId!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'The PersonalDataAccessed event that recorded this read (null when there was nothing to read)',
  })
  accessEventPosition!: number | null;
  @ApiProperty({ type: [PersonalDataItemView] }) items!: PersonalDataItemView[];
}

@ApiTags('privacy')
@Controller('v1/subjects/:subjectId/personal-data')
export class PersonalDataController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly ledger: Ledger,
    private readonly runner: AggregateRunner,
    private readonly cipher: PiiCipher,
    private readonly keys: KeyStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('privacy_officer')
  @ApiHeader({
    name: 'X-Justification',
    required: true,
    description:
      'Why the data is read (10-500 characters), e.g. a case reference. It is the audit record of the read and is ' +
      'shown to auditors in the timeline: state the reason, not personal data.',
  })
  @ApiEndpoint({
    summary: 'Decrypted personal data of a subject; the read is recorded as an event first',
    operationId: 'readPersonalData',
    response: PersonalDataView,
    problems: [
      'validation_failed',
      'not_found',
      'subject_not_found',
      'processing_restricted',
      'concurrency_conflict',
      'event_store_unavailable',
    ],
  })
  async read(
    @Param('subjectId', new ParseIdPipe('subjectId')) subjectId: string,
    @Headers('x-justification') justification: string | undefined,
    @Ctx() context: CommandContext,
  ): Promise<PersonalDataResponse> {
    const reason = justification?.trim() ?? '';
    if (reason.length < 10 || reason.length > 500) {
      throw new RequestValidationError([
        {
          field: 'X-Justification',
          problems: ['X-Justification must state the reason in 10 to 500 characters'],
        },
      ]);
    }
    const events = await this.eventsOf(subjectId);
    const withPii = events.filter((e) => e.pii !== null);
    const { state: subject } = await this.runner.load(subjectAggregate(subjectId), subjectStream(subjectId));
    // Each (event, class) of personal data, and the erasure request keeping it under restriction, if any.
    const entries = withPii.flatMap((event) =>
      Object.keys(event.pii?.entries ?? {})
        .filter(isDataClass)
        .map((dataClass) => ({
          event,
          dataClass,
          restriction: restrictionOf(subject, dataClass, event.metadata.recordedAt),
        })),
    );
    const restrictedItems: Positioned[] = entries.flatMap(({ event, dataClass, restriction }) =>
      restriction === undefined
        ? []
        : [{ ...itemOf(event, dataClass), state: 'restricted' as const, value: null, restriction }],
    );
    const disclosed = entries.filter((entry) => entry.restriction === undefined);
    // A subject the ledger knows nothing of has nothing to read, and no stream to record a read in.
    if (events.length === 0) return { subjectId, accessEventPosition: null, items: [] };
    // The record names exactly the classes this read discloses: not those restricted by an erasure request, not
    // those whose keys are destroyed (shredded data discloses nothing). A read that discloses nothing is recorded
    // all the same, first, with no classes.
    const live = new Set(await this.keys.liveClasses(subjectId));
    const classes = [...new Set(disclosed.map((entry) => entry.dataClass))].filter((c) => live.has(c));

    const recorded = await this.runner.run(
      subjectAggregate(subjectId),
      subjectStream(subjectId),
      (state) =>
        decideSubject(
          {
            type: 'RecordPersonalDataAccess',
            data: {
              accessId: randomUUID(),
              accessedBy: context.actor.id,
              roles: context.actor.roles,
              justification: reason,
              dataClasses: classes,
              now: this.clock.now().toISOString(),
            },
          },
          state,
        ),
      { ...context, idempotencyScope: undefined },
    );

    const items: Positioned[] = [...restrictedItems];
    for (const event of new Set(disclosed.map((entry) => entry.event))) {
      const clear = await this.cipher.decrypt(event.eventId, event.pii);
      for (const { dataClass } of disclosed.filter((entry) => entry.event === event)) {
        const entry = clear[dataClass];
        if (entry === undefined) continue;
        items.push({
          ...itemOf(event, dataClass),
          state: entry.state,
          value: entry.state === 'clear' ? entry.value : null,
        });
      }
    }
    items.sort((a, b) => a.position - b.position || a.dataClass.localeCompare(b.dataClass));
    return {
      subjectId,
      accessEventPosition: recorded.position,
      items: items.map(withoutPosition),
    };
  }

  /** The subject's stream and the streams of its sessions (found by scanning the verification streams). */
  private async eventsOf(subjectId: string): Promise<LedgerEvent[]> {
    const sessions: string[] = [];
    for (const e of await this.store.readAll({ filter: { streamPrefixes: [VERIFICATION_STREAM_PREFIX] } })) {
      if (e.type === 'VerificationInitiated' && e.data.subjectId === subjectId) {
        sessions.push(e.stream.slice(VERIFICATION_STREAM_PREFIX.length));
      }
    }
    const streams = [subjectStream(subjectId), ...sessions.map(verificationStream)];
    const all = await Promise.all(streams.map((s) => this.ledger.readStream(s)));
    return all.flat().sort((a, b) => a.position - b.position);
  }
}
