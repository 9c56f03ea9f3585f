import { randomUUID } from 'node:crypto';
import { subjectStream, verificationStream } from '../../src/ledger/stream-names';
import { CLEAR, CONSENT, newSubjectId } from './journey';

/** A service process the load sends requests to. */
export interface LoadTarget {
  readonly name: string;
  readonly baseUrl: string;
}

export type CommandKind = 'consent' | 'start' | 'capture' | 'evidence' | 'vendor-result';

/** One HTTP request of the load as the client saw it (times from `performance.now()`). */
export interface RecordedCall {
  readonly journey: number;
  readonly kind: CommandKind | 'status';
  readonly target: string;
  /** Sent as `X-Correlation-Id`: the ledger records it on the events the request appended. */
  readonly correlationId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** The HTTP status, or 0 when no answer came (connection refused or reset, timeout). */
  readonly status: number;
}

/** A command answered 2xx: where the ledger says its (last) event is. */
export interface AcknowledgedCommand {
  readonly journey: number;
  readonly kind: CommandKind;
  readonly target: string;
  readonly correlationId: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
}

/** A read of the session's status at the journey's last position (`X-Min-Position`). */
export interface StatusRead {
  readonly journey: number;
  readonly target: string;
  readonly wanted: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status: number;
  readonly readPosition: number | undefined;
  readonly sessionStatus: unknown;
}

export interface JourneyRecord {
  readonly index: number;
  readonly subjectId: string;
  sessionId: string | undefined;
  readonly commands: AcknowledgedCommand[];
}

export interface JourneyLoadOptions {
  readonly journeys: number;
  /** Concurrent clients, each running one journey at a time. */
  readonly clients: number;
  /** The journey's requests alternate between these, so each journey spans every target. */
  readonly targets: readonly LoadTarget[];
  /** API keys of an operator (commands) and an auditor (reads). */
  readonly keys: { readonly operator: string; readonly auditor: string };
  /** A request without an answer by then counts as unanswered. */
  readonly requestTimeoutMs: number;
  /** Journeys from `fromJourney` on start only once `opened` has settled (a phase of the test has passed). */
  readonly gate?: { readonly fromJourney: number; readonly opened: Promise<unknown> };
}

type Body = Record<string, unknown>;

interface Answer {
  readonly status: number;
  readonly body: Body;
  readonly headers: Headers | undefined;
  readonly correlationId: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Why no answer came (the error's class), when none did. */
  readonly error: string | undefined;
}

/** What an answer was, for a failure message: the status and problem code, never a body. */
function outcome(answer: Answer): string {
  if (answer.error !== undefined) return `got no answer (${answer.error})`;
  const code = typeof answer.body.code === 'string' ? ` ${answer.body.code}` : '';
  return `answered ${answer.status}${code}`;
}

/**
 * A bounded load of verification journeys (consent → start → capture → document evidence → clear vendor result,
 * which the default policy approves), every request recorded with its timing and the ledger position it was
 * answered with. Each journey ends with a read of its status at its last position; the read is not awaited
 * by the client, so commands keep flowing while reads wait for the read models. Sends no personal data.
 */
export class JourneyLoad {
  readonly calls: RecordedCall[] = [];
  readonly journeys: JourneyRecord[] = [];
  readonly reads: StatusRead[] = [];
  /** Requests that were not answered 2xx, described without bodies. */
  readonly failures: string[] = [];
  private completed = 0;
  private readonly milestones: { count: number; reached: () => void }[] = [];
  private readonly pendingReads: Promise<void>[] = [];

  constructor(private readonly options: JourneyLoadOptions) {}

  /** Resolves once `count` journeys have ended (answered or failed). */
  whenCompleted(count: number): Promise<void> {
    if (this.completed >= count) return Promise.resolve();
    return new Promise((resolve) => this.milestones.push({ count, reached: resolve }));
  }

  /** Runs every journey and waits for the last status read; never rejects (failures are recorded). */
  async run(): Promise<void> {
    let next = 0;
    const client = async (): Promise<void> => {
      while (next < this.options.journeys) {
        const index = next;
        next += 1;
        const gate = this.options.gate;
        if (gate !== undefined && index >= gate.fromJourney) await gate.opened.catch(() => undefined);
        await this.journey(index).catch((error: unknown) => {
          this.failures.push(`journey ${index}: ${error instanceof Error ? error.message : 'failed'}`);
        });
        this.completed += 1;
        for (const milestone of this.milestones.filter((m) => m.count <= this.completed)) {
          milestone.reached();
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.clients }, client));
    await Promise.all(this.pendingReads);
  }

  private async journey(index: number): Promise<void> {
    const target = (step: number): LoadTarget => {
      const targets = this.options.targets;
      const chosen = targets[(index + step) % targets.length];
      if (chosen === undefined) throw new Error('no load targets');
      return chosen;
    };
    const subjectId = newSubjectId();
    const record: JourneyRecord = { index, subjectId, sessionId: undefined, commands: [] };
    this.journeys.push(record);
    await this.command(record, target(0), 'consent', `/v1/subjects/${subjectId}/consents`, CONSENT);
    const started = await this.command(record, target(1), 'start', '/v1/verifications', {
      subjectId,
      jurisdiction: 'DE',
      segment: 'retail',
    });
    const sessionId = String(started.sessionId);
    record.sessionId = sessionId;
    const session = `/v1/verifications/${sessionId}`;
    await this.command(record, target(2), 'capture', `${session}/capture`, {
      channel: 'web',
      deviceClass: 'desktop',
    });
    await this.command(record, target(3), 'evidence', `${session}/evidence`, {
      kind: 'document',
      documentType: 'passport',
      issuingCountry: 'DE',
      vendor: 'onfido',
      vendorReference: `doc_${randomUUID().slice(0, 8)}`,
      // One identity per journey (no duplicates, so every session is approved): the identity index gets two
      // tokens of each.
      attributes: {
        documentNumber: `D${randomUUID().slice(0, 8).toUpperCase()}`,
        fullName: `Person ${randomUUID().slice(0, 8)}`,
        dateOfBirth: '1990-01-31',
      },
    });
    const result = await this.command(record, target(4), 'vendor-result', `${session}/vendor-results`, {
      vendor: 'onfido',
      vendorEventId: `evt_${randomUUID()}`,
      vendorCreatedAt: new Date().toISOString(),
      checks: CLEAR,
    });
    this.pendingReads.push(this.readStatus(index, target(5), sessionId, Number(result.position)));
  }

  /** Sends one command; returns its answer's body when 2xx, else records the failure and throws. */
  private async command(
    record: JourneyRecord,
    target: LoadTarget,
    kind: CommandKind,
    path: string,
    body: Body,
  ): Promise<Body> {
    const answer = await this.send(
      record.index,
      target,
      kind,
      'POST',
      path,
      this.options.keys.operator,
      {},
      body,
    );
    if (answer.status < 200 || answer.status >= 300)
      throw new Error(`${kind} on ${target.name} ${outcome(answer)}`);
    const sessionId = kind === 'start' ? answer.body.sessionId : record.sessionId;
    record.commands.push({
      journey: record.index,
      kind,
      target: target.name,
      correlationId: answer.correlationId,
      stream: kind === 'consent' ? subjectStream(record.subjectId) : verificationStream(String(sessionId)),
      revision: Number(answer.body.revision),
      position: Number(answer.body.position),
    });
    return answer.body;
  }

  private async readStatus(
    journey: number,
    target: LoadTarget,
    sessionId: string,
    wanted: number,
  ): Promise<void> {
    const answer = await this.send(
      journey,
      target,
      'status',
      'GET',
      `/v1/verifications/${sessionId}`,
      this.options.keys.auditor,
      { 'X-Min-Position': String(wanted) },
    );
    const read = answer.headers?.get('x-read-position');
    this.reads.push({
      journey,
      target: target.name,
      wanted,
      startedAt: answer.startedAt,
      endedAt: answer.endedAt,
      status: answer.status,
      readPosition: read === null || read === undefined ? undefined : Number(read),
      sessionStatus: answer.body.status,
    });
    if (answer.status !== 200) this.failures.push(`status read on ${target.name} ${outcome(answer)}`);
  }

  private async send(
    journey: number,
    target: LoadTarget,
    kind: RecordedCall['kind'],
    method: 'GET' | 'POST',
    path: string,
    key: string,
    headers: Record<string, string>,
    body?: Body,
  ): Promise<Answer> {
    const correlationId = randomUUID();
    const startedAt = performance.now();
    let status = 0;
    let answer: Body = {};
    let answerHeaders: Headers | undefined;
    let error: string | undefined;
    try {
      const res = await fetch(`${target.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          'x-correlation-id': correlationId,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await res.text();
      status = res.status;
      answerHeaders = res.headers;
      answer = text === '' ? {} : (JSON.parse(text) as Body);
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.name : 'error';
    }
    const endedAt = performance.now();
    this.calls.push({ journey, kind, target: target.name, correlationId, startedAt, endedAt, status });
    return { status, body: answer, headers: answerHeaders, correlationId, startedAt, endedAt, error };
  }
}
