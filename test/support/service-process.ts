import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { until } from './poll';

const ROOT = join(__dirname, '../..');
const CHILD = join(__dirname, 'children/service-child.ts');
/** What a process's output buffer keeps (its tail), for the message of a failed start or assertion. */
const OUTPUT_LIMIT = 64 * 1024;

/** A loopback port nothing listens on right now (the child binds it at once). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The service (`src/main.ts`, configured by its environment) running in a process of its own. */
export interface ServiceProcess {
  /** The test's name for the process (not passed to it). */
  readonly name: string;
  readonly baseUrl: string;
  /** Settles with the signal or exit code once the process has exited. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** Whether the process has exited. */
  gone(): boolean;
  /** The tail of what it wrote to stdout and stderr. */
  output(): string;
  /** Resolves once `/health` answers 200; fails, with the output's tail, when the process exits first. */
  ready(timeoutMs?: number): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<NodeJS.Signals | number | null>;
}

/**
 * Starts and keeps track of service processes, so that a suite can end every one it started, whatever happened
 * (`killAll` in `afterAll`/`afterEach`). A process's environment is the one given (with the repository's policies,
 * loopback and UTC unless it says otherwise): nothing is inherited from the test process but PATH and HOME.
 */
export class ServiceProcesses {
  private readonly running = new Map<ChildProcess, Promise<unknown>>();

  /** Spawns a process on a free port and returns at once; `ready()` waits for it to answer. */
  async spawn(name: string, env: Readonly<Record<string, string>> = {}): Promise<ServiceProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TZ: 'UTC',
        HOST: '127.0.0.1',
        PORT: String(port),
        POLICY_DIR: join(ROOT, 'policies'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const append = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    let gone = false;
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => {
      child.on('exit', (code, signal) => {
        gone = true;
        this.running.delete(child);
        resolve(signal ?? code);
      });
    });
    this.running.set(child, exited);
    const baseUrl = `http://127.0.0.1:${port}`;
    return {
      name,
      baseUrl,
      exited,
      gone: () => gone,
      output: () => output,
      ready: async (timeoutMs = 45_000) => {
        // An exit ends the wait too (`until` would retry a condition that throws until its timeout).
        await until(
          async () =>
            gone ||
            (await fetch(`${baseUrl}/health`).then(
              (res) => res.ok,
              () => false,
            )),
          `${name} to answer /health`,
          { timeoutMs, intervalMs: 100 },
        );
        if (gone) throw new Error(`${name} exited during start-up:\n${output.slice(-2000)}`);
      },
      kill: (signal) => {
        if (!gone) child.kill(signal);
        return exited;
      },
    };
  }

  /** SIGKILLs every process still running and waits until each has exited. */
  async killAll(): Promise<void> {
    for (const child of this.running.keys()) child.kill('SIGKILL');
    await Promise.all(this.running.values());
  }
}
