import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type IHeaders, Kafka, logLevel } from 'kafkajs';
import type { WireRecord } from './publisher-asyncapi';

const run = promisify(execFile);
const REPO = join(__dirname, '../..');

/** A record read back from the broker. */
export interface ConsumedRecord extends WireRecord {
  readonly partition: number;
  readonly offset: number;
}

export function brokersOf(list: string): string[] {
  return list
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
}

export function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    decoded[name] = (Array.isArray(value) ? value : [value]).map((part) => part.toString()).join(',');
  }
  return decoded;
}

function client(brokers: readonly string[]): Kafka {
  return new Kafka({
    clientId: 'kyc-ledger-it-reader',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
  });
}

export async function topicPartitions(brokers: readonly string[], topic: string): Promise<number> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    return metadata.topics[0]?.partitions.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

export async function topicsExist(brokers: readonly string[], topics: readonly string[]): Promise<boolean> {
  const admin = client(brokers).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    return topics.every((topic) => existing.has(topic));
  } finally {
    await admin.disconnect();
  }
}

/** Removes a test's topics from a shared broker (best effort: the broker may be gone). */
export async function deleteTopics(brokers: readonly string[], topics: readonly string[]): Promise<void> {
  const admin = client(brokers).admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((topic) => existing.has(topic));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours, timeout: 15_000 });
  } catch {
    // Left for the broker's retention.
  } finally {
    await admin.disconnect();
  }
}

/**
 * Everything the topics hold right now: the end offset of every partition is taken first, then a fresh consumer
 * group reads from the beginning up to those offsets. Records come back in offset order per partition.
 */
export async function readTopics(
  brokers: readonly string[],
  topics: readonly string[],
  timeoutMs = 60_000,
): Promise<ConsumedRecord[]> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const topic of topics) {
      for (const partition of await admin.fetchTopicOffsets(topic)) {
        if (Number(partition.high) > 0) ends.set(`${topic}/${partition.partition}`, Number(partition.high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const records: ConsumedRecord[] = [];
  if (ends.size === 0) return records;
  const reached = new Map<string, number>();
  const consumer = kafka.consumer({ groupId: `kyc-ledger-it-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const offset = Number(message.offset);
        const end = ends.get(`${topic}/${partition}`) ?? 0;
        if (offset < end) {
          records.push({
            topic,
            partition,
            offset,
            key: message.key?.toString() ?? null,
            value: message.value?.toString() ?? null,
            headers: decodeHeaders(message.headers),
          });
          reached.set(`${topic}/${partition}`, offset + 1);
        }
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + timeoutMs;
    while ([...ends].some(([partition, end]) => (reached.get(partition) ?? 0) < end)) {
      if (Date.now() > deadline) throw new Error(`read ${records.length} records, the topics hold more`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await consumer.disconnect();
  }
  return records.sort(
    (a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition || a.offset - b.offset,
  );
}

async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => {
          resolve(typeof address === 'object' && address !== null ? address.port : 0);
        });
      });
    });
    const controller = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => {
        resolve(false);
      });
      server.listen(port + 1, '127.0.0.1', () => {
        server.close(() => {
          resolve(true);
        });
      });
    });
    if (port > 0 && port < 65_000 && controller) return port;
  }
  throw new Error('no free pair of ports');
}

/**
 * A Kafka broker of a test's own (scripts/kafka.sh with its own directory and port), which the test may stop and
 * start: the shared broker is never touched.
 */
export class OwnBroker {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  static async start(): Promise<OwnBroker> {
    const dir = mkdtempSync(join(tmpdir(), 'kyc-ledger-kafka-'));
    // The shared broker's resolved classpath saves a Maven run (the jars are in ~/.m2 either way).
    const cached = join(process.env.KAFKA_HOME_DIR ?? join(REPO, '.kafka'), 'maven');
    if (existsSync(cached)) {
      mkdirSync(join(dir, 'maven'), { recursive: true });
      for (const file of readdirSync(cached).filter((name) => name.startsWith('classpath-'))) {
        copyFileSync(join(cached, file), join(dir, 'maven', file));
      }
    }
    const broker = new OwnBroker(dir, await freePortPair());
    await broker.script('start');
    return broker;
  }

  async stop(): Promise<void> {
    await this.script('stop');
  }

  async restart(): Promise<void> {
    await this.script('start');
  }

  async destroy(): Promise<void> {
    try {
      await this.script('stop');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async script(command: 'start' | 'stop'): Promise<void> {
    await run('bash', [join(REPO, 'scripts', 'kafka.sh'), command], {
      cwd: REPO,
      timeout: 180_000,
      env: {
        ...process.env,
        KAFKA_HOME_DIR: this.dir,
        KAFKA_HOST: '127.0.0.1',
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.port + 1),
        KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
      },
    });
  }
}
