import { randomUUID } from 'node:crypto';
import {
  type Command,
  type Decider,
  DeciderCommandHandler,
  type Event,
  IllegalStateError,
} from '@event-driven-io/emmett';
import { getSQLiteEventStore, isSQLiteError, sqliteConnection } from '@event-driven-io/emmett-sqlite';
import {
  captureBody,
  consentBody,
  evidenceBody,
  JOURNEY_STEPS,
  type JourneyStep,
  newSubjectId,
  startBody,
  vendorResultBody,
} from './journey-shapes';
import { percentile, type RunFigures } from './lib';

/**
 * The in-process peer: the same 5-command journey (consent → start → capture → evidence → vendor result →
 * approved) written the way Emmett documents it — a decider per stream (`decide`, `evolve`, `initialState`) run
 * by `DeciderCommandHandler` against Emmett's SQLite event store (`@event-driven-io/emmett-sqlite`, a file in
 * WAL mode, the node `sqlite3` driver). Each command reads its stream, decides and appends with the expected
 * version; the start also reads the subject's stream for the consent, as the ledger's start does. The events
 * carry the same bodies; what the ledger adds on top (hash chain, encrypted personal data, the policy's
 * evaluation, projections, the outbox) is not there: this is what an event-sourced command costs in Emmett.
 */

type Check = { readonly kind: string; readonly result: string; readonly score?: number };

type ConsentGranted = Event<
  'ConsentGranted',
  {
    subjectId: string;
    scopes: string[];
    noticeVersion: string;
    locale: string;
    channel: string;
    grantedAt: string;
  }
>;
type GrantConsent = Command<
  'GrantConsent',
  { subjectId: string; scopes: string[]; noticeVersion: string; locale: string; channel: string; now: string }
>;
type SubjectState = { readonly scopes: readonly string[] };

const subjectDecider: Decider<SubjectState, GrantConsent, ConsentGranted> = {
  initialState: () => ({ scopes: [] }),
  evolve: (state, event) => ({ scopes: [...new Set([...state.scopes, ...event.data.scopes])] }),
  decide: ({ data }) => ({
    type: 'ConsentGranted',
    data: {
      subjectId: data.subjectId,
      scopes: data.scopes,
      noticeVersion: data.noticeVersion,
      locale: data.locale,
      channel: data.channel,
      grantedAt: data.now,
    },
  }),
};

/** What evidence carries, in the command and in its event alike. */
// A type alias, not an interface: Emmett's records need an index signature.
type EvidenceFields = {
  evidenceId: string;
  kind: string;
  documentType: string;
  issuingCountry: string;
  vendor: string;
  vendorReference: string;
  attributes: Record<string, string>;
};

type VerificationEvent =
  | Event<
      'VerificationInitiated',
      { sessionId: string; subjectId: string; jurisdiction: string; segment: string; initiatedAt: string }
    >
  | Event<'CaptureStarted', { channel: string; deviceClass: string; startedAt: string }>
  | Event<'EvidenceSubmitted', EvidenceFields & { submittedAt: string }>
  | Event<
      'VendorResultReceived',
      { vendor: string; vendorEventId: string; vendorCreatedAt: string; checks: Check[]; receivedAt: string }
    >
  | Event<'DecisionEvaluated', { outcome: 'approved' | 'review'; reasons: string[]; evaluatedAt: string }>
  | Event<'VerificationApproved', { approvedAt: string }>;

type VerificationCommand =
  | Command<
      'StartVerification',
      {
        sessionId: string;
        subjectId: string;
        jurisdiction: string;
        segment: string;
        consented: boolean;
        now: string;
      }
    >
  | Command<'StartCapture', { channel: string; deviceClass: string; now: string }>
  | Command<'SubmitEvidence', EvidenceFields & { now: string }>
  | Command<
      'RecordVendorResult',
      { vendor: string; vendorEventId: string; vendorCreatedAt: string; checks: Check[]; now: string }
    >;

type VerificationStatus = 'none' | 'initiated' | 'capturing' | 'evidence_submitted' | 'approved' | 'review';
type VerificationState = {
  readonly status: VerificationStatus;
  readonly evidence: number;
  readonly vendorEventIds: readonly string[];
};

function allow(
  state: VerificationState,
  command: VerificationCommand,
  ...allowed: VerificationStatus[]
): void {
  if (!allowed.includes(state.status)) {
    throw new IllegalStateError(`${command.type} is not allowed in status ${state.status}`);
  }
}

const verificationDecider: Decider<VerificationState, VerificationCommand, VerificationEvent> = {
  initialState: () => ({ status: 'none', evidence: 0, vendorEventIds: [] }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'VerificationInitiated':
        return { ...state, status: 'initiated' };
      case 'CaptureStarted':
        return { ...state, status: 'capturing' };
      case 'EvidenceSubmitted':
        return { ...state, status: 'evidence_submitted', evidence: state.evidence + 1 };
      case 'VendorResultReceived':
        return { ...state, vendorEventIds: [...state.vendorEventIds, event.data.vendorEventId] };
      case 'DecisionEvaluated':
        return event.data.outcome === 'review' ? { ...state, status: 'review' } : state;
      case 'VerificationApproved':
        return { ...state, status: 'approved' };
      default: {
        const never: never = event;
        return never;
      }
    }
  },
  decide: (command, state) => {
    switch (command.type) {
      case 'StartVerification': {
        allow(state, command, 'none');
        if (!command.data.consented) throw new IllegalStateError('no consent for identity_verification');
        const { sessionId, subjectId, jurisdiction, segment, now } = command.data;
        return {
          type: 'VerificationInitiated',
          data: { sessionId, subjectId, jurisdiction, segment, initiatedAt: now },
        };
      }
      case 'StartCapture':
        allow(state, command, 'initiated');
        return {
          type: 'CaptureStarted',
          data: {
            channel: command.data.channel,
            deviceClass: command.data.deviceClass,
            startedAt: command.data.now,
          },
        };
      case 'SubmitEvidence': {
        allow(state, command, 'capturing', 'evidence_submitted');
        const { now, ...evidence } = command.data;
        return { type: 'EvidenceSubmitted', data: { ...evidence, submittedAt: now } };
      }
      case 'RecordVendorResult': {
        allow(state, command, 'evidence_submitted');
        const { now, ...result } = command.data;
        // A redelivered result changes nothing.
        if (state.vendorEventIds.includes(result.vendorEventId)) return [];
        const reasons = result.checks
          .filter((check) => check.result !== 'clear' || (check.score !== undefined && check.score < 0.9))
          .map((check) => `${check.kind}_not_clear`);
        const outcome = reasons.length === 0 && state.evidence > 0 ? 'approved' : 'review';
        const events: VerificationEvent[] = [
          { type: 'VendorResultReceived', data: { ...result, receivedAt: now } },
          { type: 'DecisionEvaluated', data: { outcome, reasons, evaluatedAt: now } },
        ];
        if (outcome === 'approved') events.push({ type: 'VerificationApproved', data: { approvedAt: now } });
        return events;
      }
      default: {
        const never: never = command;
        return never;
      }
    }
  },
};

export interface EmmettJourneyFigures extends RunFigures {
  readonly commands: number;
  readonly journeysPerSecond: number;
  /** Commands run again after Emmett's SQLITE_BUSY at the commit (see `retry` below). */
  readonly busyRetries: number;
  /** SQLite's `PRAGMA synchronous` on a connection as Emmett opens it (2 = FULL, the ledger's level). */
  readonly synchronous: number;
  readonly journalMode: string;
}

/** Runs `journeys` journeys one after another (one writer) against a fresh Emmett SQLite file; bounded in time. */
export async function emmettJourneys(
  fileName: string,
  journeys: number,
  maxSeconds: number,
): Promise<EmmettJourneyFigures> {
  const store = getSQLiteEventStore({ fileName });
  // On a busy machine Emmett 0.38.5's commit sometimes fails with SQLITE_BUSY ("cannot commit transaction - SQL
  // statements in progress") and the transaction rolls back; the likely cause: it opens a connection per call
  // and sends `PRAGMA journal_mode = WAL` on it without waiting. The peer retries such a command the way Emmett
  // offers (the command handler's retry options) and counts the retries; their time is in the figures.
  let busyRetries = 0;
  const retry = {
    retries: 5,
    minTimeout: 1,
    maxTimeout: 20,
    shouldRetryError: (error: unknown): boolean => {
      const busy = isSQLiteError(error) && (error as { code?: unknown }).code === 'SQLITE_BUSY';
      if (busy) busyRetries += 1;
      return busy;
    },
  };
  const handleSubject = DeciderCommandHandler({
    ...subjectDecider,
    mapToStreamId: (id: string) => `subject-${id}`,
    retry,
  });
  const handleVerification = DeciderCommandHandler({
    ...verificationDecider,
    mapToStreamId: (id: string) => `verification-${id}`,
    retry,
  });
  const now = (): string => new Date().toISOString();

  const command = async (step: JourneyStep, subjectId: string, sessionId: string): Promise<string> => {
    switch (step) {
      case 'consent': {
        const body = consentBody();
        await handleSubject(store, subjectId, {
          type: 'GrantConsent',
          data: { subjectId, ...body, scopes: [...body.scopes], now: now() },
        });
        return sessionId;
      }
      case 'start': {
        const { state } = await store.aggregateStream(`subject-${subjectId}`, {
          evolve: subjectDecider.evolve,
          initialState: subjectDecider.initialState,
        });
        const id = randomUUID();
        await handleVerification(store, id, {
          type: 'StartVerification',
          data: {
            sessionId: id,
            ...startBody(subjectId),
            consented: state.scopes.includes('identity_verification'),
            now: now(),
          },
        });
        return id;
      }
      case 'capture':
        await handleVerification(store, sessionId, {
          type: 'StartCapture',
          data: { ...captureBody(), now: now() },
        });
        return sessionId;
      case 'evidence': {
        const body = evidenceBody(sessionId);
        await handleVerification(store, sessionId, {
          type: 'SubmitEvidence',
          data: { evidenceId: randomUUID(), ...body, attributes: { ...body.attributes }, now: now() },
        });
        return sessionId;
      }
      case 'vendor_result': {
        const body = vendorResultBody(sessionId);
        const { newState } = await handleVerification(store, sessionId, {
          type: 'RecordVendorResult',
          data: { ...body, checks: [...body.checks], now: now() },
        });
        if (newState.status !== 'approved') throw new Error(`emmett journey ended ${newState.status}`);
        return sessionId;
      }
      default: {
        const never: never = step;
        throw new Error(`unknown step ${String(never)}`);
      }
    }
  };

  const latencies: number[] = [];
  let done = 0;
  // Emmett logs each failed transaction with console.log: to stderr here, so stdout holds BENCH lines only.
  const log = console.log;
  console.log = console.error;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  try {
    while (done < journeys && performance.now() < deadline) {
      const subjectId = newSubjectId();
      let sessionId = '';
      for (const step of JOURNEY_STEPS) {
        const t0 = performance.now();
        sessionId = await command(step, subjectId, sessionId);
        latencies.push(performance.now() - t0);
      }
      done += 1;
    }
  } finally {
    console.log = log;
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);

  // The durability Emmett's connections commit with, read the way Emmett opens one.
  const connection = sqliteConnection({ fileName });
  try {
    const sync = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
    const journal = await connection.querySingle<{ journal_mode: string }>('PRAGMA journal_mode');
    return {
      opsPerSecond: latencies.length / seconds,
      journeysPerSecond: done / seconds,
      commands: latencies.length,
      busyRetries,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      synchronous: sync?.synchronous ?? Number.NaN,
      journalMode: journal?.journal_mode ?? 'unknown',
    };
  } finally {
    connection.close();
  }
}
