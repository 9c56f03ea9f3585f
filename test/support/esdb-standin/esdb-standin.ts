/**
 * TEST STAND-IN FOR EVENTSTOREDB — THIS IS NOT EVENTSTOREDB.
 *
 * EventStoreDB cannot be installed where this repository's tests run (no Docker, no network), so the
 * EventStoreDB adapter is exercised against this in-process gRPC server instead. It is built with
 * `@grpc/grpc-js` on the service definitions that `@eventstore/db-client` itself ships
 * (`generated/streams_grpc_pb`, `generated/serverfeatures_grpc_pb`), so the real client talks to it over a real
 * HTTP/2 socket with the real wire format. Its behaviour follows EventStoreDB's documentation and server code as
 * far as the adapter relies on it. Passing against it is evidence, not proof: the same contract suite runs against
 * a real server whenever EVENTSTORE_CONNECTION_STRING is set.
 *
 * Implements:
 * - ServerFeatures.GetSupportedMethods, advertising BatchAppend (as EventStoreDB 21.10+ does), so the client
 *   appends through BatchAppend. `legacy: true` drops the service (like 20.x): the client then uses Append.
 * - Streams.Append and Streams.BatchAppend: expected revision `any` / `no_stream` / `stream_exists` / exact;
 *   a conflict answers `wrong_expected_version` with the current revision or "no stream"; idempotent re-append
 *   (the same event ids again at an expected revision they already follow, or with `any` / `stream_exists` when
 *   the first id is already in the stream) writes nothing and answers with the original revision and the
 *   position of the last of those events (`noPositionOnRepeat: true` answers without one, as EventStoreDB does
 *   when it cannot look that event up); an append above `maxAppendSize` bytes (data + metadata, default 1 MiB as
 *   EventStoreDB's default) is refused with `MaximumAppendSizeExceeded`.
 * - Streams.Read of one stream: forwards / backwards, from start, end or a revision, bounded by a count;
 *   `stream_not_found` for a stream that does not exist. Events carry their `$all` position (22.6+ behaviour).
 * - Streams.Read of `$all`: forwards (from a position, inclusive) / backwards (exclusive), count, filters on
 *   stream name or event type by prefix or regular expression. A start position must be the start, the end or
 *   an event's position with commit == prepare; anything else is refused as an invalid argument.
 * - Subscriptions to `$all` (the `subscription` read option): `confirmation`, the catch-up events (strictly after
 *   the start position), checkpoints (every `checkpointIntervalMultiplier` × search window events scanned, and at
 *   the switch to live; `checkpoints: false` turns them off), `caught_up` (omitted with `legacy: true`, as servers
 *   before 23.10 do), then live events.
 * - Positions: commit == prepare, strictly increasing, advancing like byte offsets in a log; a few system events
 *   (streams and types beginning with `$`) are written at start so filters are exercised.
 *
 * Does not implement: authentication, TLS, gossip / cluster discovery, Delete / Tombstone, stream metadata
 * (`$$` streams, max age, truncation), link events and `resolveLinks`, subscriptions to a single stream,
 * persistent subscriptions, projections, deadlines, `fell_behind`, back-pressure, durability (the log is in
 * memory and gone at stop), and the best-effort nature of EventStoreDB's `any` idempotence (which only
 * remembers recent event ids): here it is exact. `legacy: true` imitates 20.x only in the two points named above;
 * for instance it still reports `$all` positions on stream reads, which servers before 22.6 did not.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Code } from '@eventstore/db-client/generated/code_pb';
import {
  ServerFeaturesService,
  type IServerFeaturesServer,
} from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import {
  AllStreamPosition,
  BadRequest,
  Empty,
  MaximumAppendSizeExceeded,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion as SharedWrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { StreamsService, type IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import {
  AppendReq,
  AppendResp,
  BatchAppendReq,
  BatchAppendResp,
  ReadReq,
  ReadResp,
} from '@eventstore/db-client/generated/streams_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import {
  type AppendOutcome,
  type LoggedEvent,
  type ProposedEvent,
  StandInLog,
  type StandInExpected,
} from './standin-log';

export interface EsdbStandInOptions {
  /** Behave like EventStoreDB 20.x: no ServerFeatures service (the client uses Append) and no `caught_up`. */
  readonly legacy?: boolean;
  /** Send checkpoint messages on subscriptions (default true). */
  readonly checkpoints?: boolean;
  /** Largest append in bytes of data and metadata (default 1 MiB, EventStoreDB's default). */
  readonly maxAppendSize?: number;
  /**
   * Answer a repeated (idempotent) append without a position, as EventStoreDB does when it cannot look the
   * original event up at that moment (default false).
   */
  readonly noPositionOnRepeat?: boolean;
}

export type StandInCall = 'getSupportedMethods' | 'read' | 'subscribe' | 'append' | 'batchAppend';

export interface EsdbStandIn {
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly connectionString: string;
  /** How often each operation was served (BatchAppend counts appends, not gRPC streams). */
  readonly calls: Readonly<Record<StandInCall, number>>;
  /** Appends an event as the server does for its own bookkeeping (stream or type should begin with `$`). */
  writeSystemEvent(stream: string, type: string): void;
  /** Stops at once: open calls, including subscriptions, are cut off. */
  stop(): Promise<void>;
}

const STREAMS_SERVICE = 'event_store.client.streams.Streams';
const DEFAULT_MAX_APPEND_SIZE = 1024 * 1024;
/** EventStoreDB's default filter search window when the client does not set `max`. */
const DEFAULT_SEARCH_WINDOW = 32;

export async function startEsdbStandIn(options: EsdbStandInOptions = {}): Promise<EsdbStandIn> {
  const log = new StandInLog();
  const calls: Record<StandInCall, number> = {
    getSupportedMethods: 0,
    read: 0,
    subscribe: 0,
    append: 0,
    batchAppend: 0,
  };
  const settings: Settings = {
    legacy: options.legacy ?? false,
    checkpoints: options.checkpoints ?? true,
    maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
    noPositionOnRepeat: options.noPositionOnRepeat ?? false,
  };

  writeSystemEvents(log);

  const server = new grpc.Server();
  server.addService(StreamsService, streamsService(log, settings, calls));
  if (!settings.legacy) server.addService(ServerFeaturesService, serverFeaturesService(calls));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });

  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    calls,
    writeSystemEvent(stream, type) {
      log.append(stream, { kind: 'any' }, [jsonProposal(type, { at: new Date().toISOString() })]);
    },
    stop() {
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}

interface Settings {
  readonly legacy: boolean;
  readonly checkpoints: boolean;
  readonly maxAppendSize: number;
  readonly noPositionOnRepeat: boolean;
}

/** System events like the ones a fresh EventStoreDB writes, so every reader has something to filter out. */
function writeSystemEvents(log: StandInLog): void {
  log.append('$epochs', { kind: 'any' }, [jsonProposal('$epoch', { epochNumber: 0 })]);
  log.append('$users', { kind: 'any' }, [jsonProposal('$UserCreated', { loginName: 'admin' })]);
  log.append('$stats-127.0.0.1:2113', { kind: 'any' }, [jsonProposal('$statsCollected', { proc: {} })]);
  // A system stream holding an event whose type does not begin with `$`: only a stream-name check drops it.
  log.append('$settings', { kind: 'any' }, [jsonProposal('settings-updated', { acl: {} })]);
}

function jsonProposal(type: string, data: Record<string, unknown>): ProposedEvent {
  return {
    id: randomUUID(),
    type,
    contentType: 'application/json',
    data: Buffer.from(JSON.stringify(data)),
    customMetadata: new Uint8Array(),
  };
}

function serverFeaturesService(calls: Record<StandInCall, number>): IServerFeaturesServer {
  return {
    getSupportedMethods(_call, callback) {
      calls.getSupportedMethods += 1;
      const methods = ['Read', 'Append', 'BatchAppend'].map((name) =>
        new SupportedMethod().setServiceName(STREAMS_SERVICE.toLowerCase()).setMethodName(name.toLowerCase()),
      );
      callback(
        null,
        new SupportedMethods().setMethodsList(methods).setEventStoreServerVersion('0.0.0-test-stand-in'),
      );
    },
  };
}

function streamsService(
  log: StandInLog,
  settings: Settings,
  calls: Record<StandInCall, number>,
): IStreamsServer {
  return {
    read(call) {
      const options = call.request.getOptions();
      if (!options) {
        failStream(call, grpc.status.INVALID_ARGUMENT, 'read options are missing');
        return;
      }
      try {
        if (options.hasSubscription()) {
          calls.subscribe += 1;
          subscribeToAll(log, settings, options, call);
        } else {
          calls.read += 1;
          const responses = options.hasStream() ? readStream(log, options) : readAll(log, options);
          for (const response of responses) call.write(response);
          call.end();
        }
      } catch (error) {
        if (error instanceof StandInError) failStream(call, error.code, error.message);
        else throw error;
      }
    },

    append(call, callback) {
      calls.append += 1;
      let options: AppendReq.Options | undefined;
      const proposed: ProposedEvent[] = [];
      let failure: StandInError | undefined;
      call.on('data', (request: AppendReq) => {
        if (failure) return;
        try {
          if (!options) {
            options = request.getOptions();
            if (!options)
              throw new StandInError(grpc.status.INVALID_ARGUMENT, 'the first message must be options');
            return;
          }
          const message = request.getProposedMessage();
          if (!message) throw new StandInError(grpc.status.INVALID_ARGUMENT, 'expected a proposed message');
          proposed.push(toProposed(message));
        } catch (error) {
          if (!(error instanceof StandInError)) throw error;
          failure = error;
        }
      });
      call.on('end', () => {
        if (failure || !options) {
          const error = failure ?? new StandInError(grpc.status.INVALID_ARGUMENT, 'no options were sent');
          callback(error.toServiceError());
          return;
        }
        const stream = streamName(options.getStreamIdentifier());
        const expected = appendExpected(options);
        if (appendSize(proposed) > settings.maxAppendSize) {
          callback(maxAppendSizeError(settings.maxAppendSize));
          return;
        }
        callback(
          null,
          appendResponse(withoutRepeatPosition(settings, log.append(stream, expected, proposed)), expected),
        );
      });
    },

    batchAppend(call) {
      const pending = new Map<string, { options?: BatchAppendReq.Options; proposed: ProposedEvent[] }>();
      call.on('data', (request: BatchAppendReq) => {
        const correlationId = request.getCorrelationId();
        const key = uuidString(correlationId);
        const entry = pending.get(key) ?? { proposed: [] };
        pending.set(key, entry);
        if (request.hasOptions()) entry.options = request.getOptions();
        let failure: StandInError | undefined;
        try {
          for (const message of request.getProposedMessagesList()) entry.proposed.push(toProposed(message));
        } catch (error) {
          if (!(error instanceof StandInError)) throw error;
          failure = error;
        }
        if (!request.getIsFinal() && !failure) return;
        pending.delete(key);
        calls.batchAppend += 1;
        call.write(batchAppendResponse(log, settings, correlationId, entry.options, entry.proposed, failure));
      });
      call.on('end', () => {
        call.end();
      });
    },

    delete(_call, callback) {
      callback(new StandInError(grpc.status.UNIMPLEMENTED, 'the stand-in does not delete').toServiceError());
    },

    tombstone(_call, callback) {
      callback(
        new StandInError(grpc.status.UNIMPLEMENTED, 'the stand-in does not tombstone').toServiceError(),
      );
    },
  };
}

class StandInError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
    readonly metadata: Record<string, string> = {},
  ) {
    super(message);
  }

  toServiceError(): Partial<grpc.StatusObject> {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(this.metadata)) metadata.set(key, value);
    return { code: this.code, details: this.message, metadata };
  }
}

function failStream(
  call: grpc.ServerWritableStream<ReadReq, ReadResp>,
  code: grpc.status,
  details: string,
): void {
  call.emit('error', { code, details });
}

// ---- reading ---------------------------------------------------------------------------------------------------

function readStream(log: StandInLog, options: ReadReq.Options): ReadResp[] {
  const streamOptions = options.getStream();
  const identifier = streamOptions?.getStreamIdentifier();
  if (!streamOptions || !identifier)
    throw new StandInError(grpc.status.INVALID_ARGUMENT, 'stream is missing');
  const events = log.stream(streamName(identifier));
  if (!events) {
    return [new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifier))];
  }
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  const count = readCount(options);
  const last = events.length - 1;
  let from: number;
  switch (streamOptions.getRevisionOptionCase()) {
    case ReadReq.Options.StreamOptions.RevisionOptionCase.START:
      from = 0;
      break;
    case ReadReq.Options.StreamOptions.RevisionOptionCase.END:
      from = backwards ? last : last + 1;
      break;
    case ReadReq.Options.StreamOptions.RevisionOptionCase.REVISION:
      from = Number(streamOptions.getRevision());
      break;
    case ReadReq.Options.StreamOptions.RevisionOptionCase.REVISION_OPTION_NOT_SET:
      throw new StandInError(grpc.status.INVALID_ARGUMENT, 'a start revision is required');
  }
  const selected: LoggedEvent[] = [];
  if (backwards) {
    for (let r = Math.min(from, last); r >= 0 && selected.length < count; r -= 1)
      pushIfDefined(selected, events[r]);
  } else {
    for (let r = from; r <= last && selected.length < count; r += 1) pushIfDefined(selected, events[r]);
  }
  const structured = wantsStructuredUuids(options);
  return selected.map((event) => eventResponse(event, { onAll: false, structured }));
}

function readAll(log: StandInLog, options: ReadReq.Options): ReadResp[] {
  const allOptions = options.getAll();
  if (!allOptions) throw new StandInError(grpc.status.INVALID_ARGUMENT, 'stream or $all is required');
  const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
  const count = readCount(options);
  const filter = eventFilter(options);
  const events = log.all();
  const selected: LoggedEvent[] = [];
  const take = (event: LoggedEvent | undefined): void => {
    if (event && (!filter || filter.matches(event))) selected.push(event);
  };
  if (backwards) {
    // Backwards from a position returns the events before it.
    let index: number;
    switch (allOptions.getAllOptionCase()) {
      case ReadReq.Options.AllOptions.AllOptionCase.START:
        index = -1;
        break;
      case ReadReq.Options.AllOptions.AllOptionCase.END:
        index = events.length - 1;
        break;
      case ReadReq.Options.AllOptions.AllOptionCase.POSITION:
        index = log.indexAtOrAfter(startPosition(log, allOptions)) - 1;
        break;
      case ReadReq.Options.AllOptions.AllOptionCase.ALL_OPTION_NOT_SET:
        throw new StandInError(grpc.status.INVALID_ARGUMENT, 'a start position is required');
    }
    for (let i = index; i >= 0 && selected.length < count; i -= 1) take(events[i]);
  } else {
    // Forwards from a position includes the event at that position.
    let index: number;
    switch (allOptions.getAllOptionCase()) {
      case ReadReq.Options.AllOptions.AllOptionCase.START:
        index = 0;
        break;
      case ReadReq.Options.AllOptions.AllOptionCase.END:
        index = events.length;
        break;
      case ReadReq.Options.AllOptions.AllOptionCase.POSITION:
        index = log.indexAtOrAfter(startPosition(log, allOptions));
        break;
      case ReadReq.Options.AllOptions.AllOptionCase.ALL_OPTION_NOT_SET:
        throw new StandInError(grpc.status.INVALID_ARGUMENT, 'a start position is required');
    }
    for (let i = index; i < events.length && selected.length < count; i += 1) take(events[i]);
  }
  const structured = wantsStructuredUuids(options);
  return selected.map((event) => eventResponse(event, { onAll: true, structured }));
}

function subscribeToAll(
  log: StandInLog,
  settings: Settings,
  options: ReadReq.Options,
  call: grpc.ServerWritableStream<ReadReq, ReadResp>,
): void {
  const allOptions = options.getAll();
  if (!allOptions) {
    throw new StandInError(grpc.status.UNIMPLEMENTED, 'the stand-in serves subscriptions to $all only');
  }
  const events = log.all();
  let index: number;
  switch (allOptions.getAllOptionCase()) {
    case ReadReq.Options.AllOptions.AllOptionCase.START:
      index = 0;
      break;
    case ReadReq.Options.AllOptions.AllOptionCase.END:
      index = events.length;
      break;
    case ReadReq.Options.AllOptions.AllOptionCase.POSITION: {
      // A subscription starts strictly after its position (a checkpoint), unlike a read.
      const position = startPosition(log, allOptions);
      index = log.indexAtOrAfter(position);
      if (events[index]?.position === position) index += 1;
      break;
    }
    case ReadReq.Options.AllOptions.AllOptionCase.ALL_OPTION_NOT_SET:
      throw new StandInError(grpc.status.INVALID_ARGUMENT, 'a start position is required');
  }
  const filter = eventFilter(options);
  const structured = wantsStructuredUuids(options);
  const checkpointEvery = filter?.checkpointEvery ?? Number.POSITIVE_INFINITY;
  let scanned = 0;
  let lastScanned = index > 0 ? (events[index - 1]?.position ?? 0) : 0;

  const checkpoint = (position: number): void => {
    if (!settings.checkpoints) return;
    const value = String(position);
    call.write(
      new ReadResp().setCheckpoint(
        new ReadResp.Checkpoint().setCommitPosition(value).setPreparePosition(value),
      ),
    );
  };
  const deliver = (event: LoggedEvent): void => {
    scanned += 1;
    lastScanned = event.position;
    if (!filter || filter.matches(event)) call.write(eventResponse(event, { onAll: true, structured }));
    if (scanned % checkpointEvery === 0) checkpoint(event.position);
  };

  call.write(
    new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())),
  );
  // Catch-up and the switch to live happen in one synchronous step, so no append can fall between them.
  for (let i = index; i < events.length; i += 1) {
    const event = events[i];
    if (event) deliver(event);
  }
  checkpoint(lastScanned);
  if (!settings.legacy) call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
  const stop = log.onAppend(deliver);
  call.on('cancelled', stop);
  call.on('close', stop);
}

function startPosition(log: StandInLog, allOptions: ReadReq.Options.AllOptions): number {
  const position = allOptions.getPosition();
  const commit = Number(position?.getCommitPosition());
  const prepare = Number(position?.getPreparePosition());
  if (!Number.isSafeInteger(commit) || commit !== prepare || !log.isValidPosition(commit)) {
    throw new StandInError(grpc.status.INVALID_ARGUMENT, 'invalid position');
  }
  return commit;
}

function readCount(options: ReadReq.Options): number {
  return options.hasCount() ? Number(options.getCount()) : Number.POSITIVE_INFINITY;
}

interface EventFilter {
  matches(event: LoggedEvent): boolean;
  readonly checkpointEvery: number;
}

function eventFilter(options: ReadReq.Options): EventFilter | undefined {
  if (!options.hasFilter()) return undefined;
  const filter = options.getFilter();
  if (!filter) return undefined;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression) throw new StandInError(grpc.status.INVALID_ARGUMENT, 'a filter needs an expression');
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() === '' ? undefined : new RegExp(expression.getRegex());
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  return {
    matches: (event) => {
      const value = onStream ? event.stream : event.type;
      if (prefixes.length > 0) return prefixes.some((prefix) => value.startsWith(prefix));
      return regex ? regex.test(value) : true;
    },
    checkpointEvery: Math.max(1, window * Math.max(1, filter.getCheckpointintervalmultiplier())),
  };
}

function eventResponse(
  event: LoggedEvent,
  { onAll, structured }: { onAll: boolean; structured: boolean },
): ReadResp {
  const position = String(event.position);
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(toUuid(event.id, structured))
    .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(event.stream, 'utf8')))
    .setStreamRevision(String(event.revision))
    .setCommitPosition(position)
    .setPreparePosition(position)
    .setCustomMetadata(event.customMetadata)
    .setData(event.data);
  const metadata = recorded.getMetadataMap();
  metadata.set('type', event.type);
  metadata.set('content-type', event.contentType);
  metadata.set('created', event.createdTicks.toString());
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded);
  if (onAll) readEvent.setCommitPosition(position);
  else readEvent.setNoPosition(new Empty());
  return new ReadResp().setEvent(readEvent);
}

// ---- appending -------------------------------------------------------------------------------------------------

interface ProposedMessage {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}

function toProposed(message: ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  const type = metadata.get('type');
  const contentType = metadata.get('content-type');
  for (const [name, value] of [
    ['type', type],
    ['content-type', contentType],
  ] as const) {
    if (value === undefined) {
      throw new StandInError(grpc.status.INVALID_ARGUMENT, `required metadata property ${name} is missing`, {
        exception: 'missing-required-metadata-property',
        'required-metadata-properties': name,
      });
    }
  }
  return {
    id: uuidString(message.getId()),
    type: type ?? '',
    contentType: contentType ?? '',
    data: message.getData_asU8(),
    customMetadata: message.getCustomMetadata_asU8(),
  };
}

function appendSize(proposed: readonly ProposedEvent[]): number {
  return proposed.reduce((sum, p) => sum + p.data.length + p.customMetadata.length, 0);
}

function maxAppendSizeError(limit: number): Partial<grpc.StatusObject> {
  return new StandInError(grpc.status.INVALID_ARGUMENT, `maximum append size of ${limit} exceeded`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(limit),
  }).toServiceError();
}

function withoutRepeatPosition(settings: Settings, outcome: AppendOutcome): AppendOutcome {
  return settings.noPositionOnRepeat && outcome.kind === 'idempotent'
    ? { kind: outcome.kind, lastRevision: outcome.lastRevision }
    : outcome;
}

function appendExpected(options: AppendReq.Options): StandInExpected {
  switch (options.getExpectedStreamRevisionCase()) {
    case AppendReq.Options.ExpectedStreamRevisionCase.REVISION:
      return { kind: 'revision', revision: Number(options.getRevision()) };
    case AppendReq.Options.ExpectedStreamRevisionCase.NO_STREAM:
      return { kind: 'no_stream' };
    case AppendReq.Options.ExpectedStreamRevisionCase.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    case AppendReq.Options.ExpectedStreamRevisionCase.ANY:
    case AppendReq.Options.ExpectedStreamRevisionCase.EXPECTED_STREAM_REVISION_NOT_SET:
      return { kind: 'any' };
  }
}

function appendResponse(outcome: AppendOutcome, expected: StandInExpected): AppendResp {
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.current === undefined) wrong.setCurrentNoStream(new Empty());
    else wrong.setCurrentRevision(String(outcome.current));
    switch (expected.kind) {
      case 'revision':
        wrong.setExpectedRevision(String(expected.revision));
        break;
      case 'any':
        wrong.setExpectedAny(new Empty());
        break;
      case 'no_stream':
        wrong.setExpectedNoStream(new Empty());
        break;
      case 'stream_exists':
        wrong.setExpectedStreamExists(new Empty());
        break;
    }
    return new AppendResp().setWrongExpectedVersion(wrong);
  }
  const success = new AppendResp.Success();
  if (outcome.lastRevision < 0) success.setNoStream(new Empty());
  else success.setCurrentRevision(String(outcome.lastRevision));
  if (outcome.position === undefined) success.setNoPosition(new Empty());
  else {
    const position = String(outcome.position);
    success.setPosition(new AppendResp.Position().setCommitPosition(position).setPreparePosition(position));
  }
  return new AppendResp().setSuccess(success);
}

function batchExpected(options: BatchAppendReq.Options): StandInExpected {
  switch (options.getExpectedStreamPositionCase()) {
    case BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_POSITION:
      return { kind: 'revision', revision: Number(options.getStreamPosition()) };
    case BatchAppendReq.Options.ExpectedStreamPositionCase.NO_STREAM:
      return { kind: 'no_stream' };
    case BatchAppendReq.Options.ExpectedStreamPositionCase.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    case BatchAppendReq.Options.ExpectedStreamPositionCase.ANY:
    case BatchAppendReq.Options.ExpectedStreamPositionCase.EXPECTED_STREAM_POSITION_NOT_SET:
      return { kind: 'any' };
  }
}

function batchAppendResponse(
  log: StandInLog,
  settings: Settings,
  correlationId: UUID | undefined,
  options: BatchAppendReq.Options | undefined,
  proposed: readonly ProposedEvent[],
  failure: StandInError | undefined,
): BatchAppendResp {
  const identifier = options?.getStreamIdentifier() ?? new StreamIdentifier();
  const response = new BatchAppendResp().setCorrelationId(correlationId).setStreamIdentifier(identifier);
  const error = (code: Code, message: string, typeName: string, detail: Uint8Array): BatchAppendResp => {
    const details = new Any();
    details.pack(detail, typeName);
    return response.setError(new Status().setCode(code).setMessage(message).setDetails(details));
  };
  if (failure || !options) {
    const message = failure?.message ?? 'the first message must carry options';
    return error(
      Code.INVALID_ARGUMENT,
      message,
      'event_store.client.BadRequest',
      new BadRequest().setMessage(message).serializeBinary(),
    );
  }
  const expected = batchExpected(options);
  switch (expected.kind) {
    case 'revision':
      response.setStreamPosition(String(expected.revision));
      break;
    case 'any':
      response.setAny(new GoogleEmpty());
      break;
    case 'no_stream':
      response.setNoStream(new GoogleEmpty());
      break;
    case 'stream_exists':
      response.setStreamExists(new GoogleEmpty());
      break;
  }
  if (appendSize(proposed) > settings.maxAppendSize) {
    return error(
      Code.INVALID_ARGUMENT,
      'maximum append size exceeded',
      'event_store.client.MaximumAppendSizeExceeded',
      new MaximumAppendSizeExceeded().setMaxappendsize(settings.maxAppendSize).serializeBinary(),
    );
  }
  const outcome = withoutRepeatPosition(settings, log.append(streamName(identifier), expected, proposed));
  if (outcome.kind === 'wrong_expected_version') {
    const wrong = new SharedWrongExpectedVersion();
    if (outcome.current === undefined) wrong.setCurrentNoStream(new GoogleEmpty());
    else wrong.setCurrentStreamRevision(String(outcome.current));
    switch (expected.kind) {
      case 'revision':
        wrong.setExpectedStreamPosition(String(expected.revision));
        break;
      case 'any':
        wrong.setExpectedAny(new GoogleEmpty());
        break;
      case 'no_stream':
        wrong.setExpectedNoStream(new GoogleEmpty());
        break;
      case 'stream_exists':
        wrong.setExpectedStreamExists(new GoogleEmpty());
        break;
    }
    return error(
      Code.FAILED_PRECONDITION,
      'wrong expected version',
      'event_store.client.WrongExpectedVersion',
      wrong.serializeBinary(),
    );
  }
  const success = new BatchAppendResp.Success();
  if (outcome.lastRevision < 0) success.setNoStream(new GoogleEmpty());
  else success.setCurrentRevision(String(outcome.lastRevision));
  if (outcome.position === undefined) success.setNoPosition(new GoogleEmpty());
  else {
    const position = String(outcome.position);
    success.setPosition(new AllStreamPosition().setCommitPosition(position).setPreparePosition(position));
  }
  return response.setSuccess(success);
}

// ---- identifiers -----------------------------------------------------------------------------------------------

function streamName(identifier: StreamIdentifier | undefined): string {
  const name = identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
  if (name === '') throw new StandInError(grpc.status.INVALID_ARGUMENT, 'a stream name is required');
  return name;
}

function wantsStructuredUuids(options: ReadReq.Options): boolean {
  return options.getUuidOption()?.hasStructured() ?? false;
}

function uuidString(uuid: UUID | undefined): string {
  if (!uuid) throw new StandInError(grpc.status.INVALID_ARGUMENT, 'an id is required');
  const structured = uuid.getStructured();
  if (!structured) return uuid.getString();
  const hex =
    BigInt.asUintN(64, BigInt(structured.getMostSignificantBits())).toString(16).padStart(16, '0') +
    BigInt.asUintN(64, BigInt(structured.getLeastSignificantBits())).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function toUuid(id: string, structured: boolean): UUID {
  if (!structured) return new UUID().setString(id);
  const hex = id.replaceAll('-', '');
  return new UUID().setStructured(
    new UUID.Structured()
      .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
      .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString()),
  );
}

function pushIfDefined<T>(list: T[], value: T | undefined): void {
  if (value !== undefined) list.push(value);
}
