import type { AppendedEvent, FixtureWorkload } from './publisher-fixtures';
import type { WireRecord } from './publisher-asyncapi';

/** Appends one event every `intervalMs` until stopped: a steady stream of work for fault tests. */
export class SteadyAppender {
  readonly appended: AppendedEvent[] = [];
  readonly errors: string[] = [];
  private running: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly workload: FixtureWorkload,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.running = (async () => {
      while (!this.stopping) {
        try {
          this.appended.push(...(await this.workload.appendNext()));
        } catch (error) {
          this.errors.push(error instanceof Error ? error.message : String(error));
        }
        await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  get lastPosition(): number {
    return this.appended.at(-1)?.position ?? 0;
  }
}

export interface DeliveryReport {
  /** Appended events no record carries. */
  readonly missing: string[];
  /** Records whose ce_id was not appended in this test. */
  readonly unexpected: string[];
  /** ce_id → how many times it was delivered, for ids delivered more than once. */
  readonly duplicates: Map<string, number>;
  /** Keys whose events, deduplicated by ce_id (first delivery wins), are not in ledger order. */
  readonly outOfOrder: string[];
}

/** Compares what was appended with what a consumer that dedupes by ce_id receives (records in offset order). */
export function deliveryReport(
  appended: readonly AppendedEvent[],
  records: readonly WireRecord[],
): DeliveryReport {
  const counts = new Map<string, number>();
  const firstByKey = new Map<string, string[]>();
  for (const record of records) {
    const id = record.headers.ce_id ?? '';
    const seen = counts.get(id) ?? 0;
    counts.set(id, seen + 1);
    if (seen === 0) firstByKey.set(record.key ?? '', [...(firstByKey.get(record.key ?? '') ?? []), id]);
  }
  const appendedIds = new Set(appended.map((event) => event.eventId));
  const ledgerByKey = new Map<string, string[]>();
  for (const event of appended)
    ledgerByKey.set(event.key, [...(ledgerByKey.get(event.key) ?? []), event.eventId]);
  return {
    missing: appended.filter((event) => !counts.has(event.eventId)).map((event) => event.eventId),
    unexpected: [...counts.keys()].filter((id) => !appendedIds.has(id)),
    duplicates: new Map([...counts].filter(([, count]) => count > 1)),
    outOfOrder: [...ledgerByKey]
      .filter(([key, ids]) => JSON.stringify(firstByKey.get(key) ?? []) !== JSON.stringify(ids))
      .map(([key]) => key),
  };
}
