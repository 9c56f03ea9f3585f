import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** A Kafka record as a consumer sees it, headers decoded as UTF-8 strings. */
export interface WireRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

interface MessageContract {
  readonly name: string;
  /** Topic name without the configured prefix. */
  readonly address: string;
  readonly headers: ValidateFunction;
  readonly payload: ValidateFunction;
}

export const ASYNCAPI_FILE = join(__dirname, '../../docs/asyncapi.yaml');

/**
 * docs/asyncapi.yaml, parsed with @asyncapi/parser, turned into validators: each record the publisher produced
 * is checked against the message its `ce_type` names — headers, payload and topic.
 */
export class AsyncApiContract {
  private constructor(
    private readonly messages: ReadonlyMap<string, MessageContract>,
    readonly diagnostics: readonly { severity: string; code: string; message: string }[],
  ) {}

  static async load(file = ASYNCAPI_FILE): Promise<AsyncApiContract> {
    const { document, diagnostics } = await new Parser().parse(readFileSync(file, 'utf8'));
    const problems = diagnostics.map((d) => ({
      severity: DiagnosticSeverity[d.severity] ?? String(d.severity),
      code: String(d.code),
      message: `${d.message} at ${d.path.join('.')}`,
    }));
    if (document === undefined) {
      throw new Error(`AsyncAPI document does not parse: ${JSON.stringify(problems)}`);
    }
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const messages = new Map<string, MessageContract>();
    for (const channel of document.channels()) {
      const address = (channel.address() ?? '').replace('{prefix}', '');
      for (const message of channel.messages()) {
        const name = message.name();
        const headers = message.headers()?.json();
        const payload = message.payload()?.json();
        if (name === undefined || headers === undefined || payload === undefined) {
          throw new Error(`message ${message.id()} lacks a name, headers or payload`);
        }
        messages.set(name, {
          name,
          address,
          headers: ajv.compile(headers as object),
          payload: ajv.compile(payload as object),
        });
      }
    }
    return new AsyncApiContract(messages, problems);
  }

  messageNames(): string[] {
    return [...this.messages.keys()].sort();
  }

  addressOf(name: string): string | undefined {
    return this.messages.get(name)?.address;
  }

  /** Problems of one record against the document; empty when it conforms. */
  validate(record: WireRecord, topicPrefix: string): string[] {
    const type = record.headers.ce_type;
    if (type === undefined) return ['no ce_type header'];
    const contract = this.messages.get(type);
    if (contract === undefined) return [`ce_type ${type} is not in the AsyncAPI document`];
    const problems: string[] = [];
    if (record.topic !== `${topicPrefix}${contract.address}`) {
      problems.push(`${type} on topic ${record.topic}, documented on ${topicPrefix}${contract.address}`);
    }
    if (!contract.headers(record.headers)) {
      problems.push(`headers: ${JSON.stringify(contract.headers.errors)}`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(record.value ?? 'null');
    } catch {
      return [...problems, 'value is not JSON'];
    }
    if (!contract.payload(payload)) problems.push(`payload: ${JSON.stringify(contract.payload.errors)}`);
    return problems;
  }
}

let shared: Promise<AsyncApiContract> | undefined;

/** Every problem of every record against docs/asyncapi.yaml (loaded once per test file). */
export async function contractProblems(
  records: readonly WireRecord[],
  topicPrefix: string,
): Promise<string[]> {
  shared ??= AsyncApiContract.load();
  const contract = await shared;
  return records.flatMap((record) =>
    contract
      .validate(record, topicPrefix)
      .map((problem) => `${record.headers.ce_type ?? '?'} ${record.headers.ce_id ?? ''}: ${problem}`),
  );
}

/** The forbidden strings (case-insensitive) that occur anywhere in a record: key, header names and values, value. */
export function forbiddenStringsIn(records: readonly WireRecord[], forbidden: readonly string[]): string[] {
  const found = new Set<string>();
  for (const record of records) {
    const wire = [record.key, record.value, ...Object.entries(record.headers).flat()]
      .join('\n')
      .toLowerCase();
    for (const text of forbidden) if (wire.includes(text.toLowerCase())) found.add(text);
  }
  return [...found];
}
