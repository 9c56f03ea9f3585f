import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A bench script of this folder in a process of its own (TypeScript through tsx), with an IPC channel. */
export function forkBenchScript(script: string, env: Record<string, string> = {}): ChildProcess {
  return fork(join(__dirname, script), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The first IPC message of a child, or the reason there is none (it exited, or `timeoutMs` passed). */
export function firstMessage<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no answer from child ${child.pid ?? '?'} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: unknown): void => {
      done();
      resolve(message as T);
    };
    const onExit = (code: number | null): void => {
      done();
      reject(new Error(`child ${child.pid ?? '?'} exited (${String(code)}) before answering`));
    };
    const done = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Ends a child we started, by its own handle, and waits until it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    child.kill('SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** A loopback port free at this moment (the child that gets it binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** User + system CPU seconds a process has used so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Waits until a process has been quiet (under 10 % of a core over two 250 ms windows in a row): the work a
 * command set off after it was answered (projections, the outbox) is done before the next figure is taken.
 * Returns the seconds it took; gives up after `maxSeconds`.
 */
export async function waitForQuiet(pid: number, maxSeconds = 30): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  let before = cpuSeconds(pid);
  while (quiet < 2 && performance.now() - started < maxSeconds * 1000) {
    await sleep(250);
    const now = cpuSeconds(pid);
    quiet = now - before < 0.025 ? quiet + 1 : 0;
    before = now;
  }
  return (performance.now() - started) / 1000;
}

/** A field of /proc/<pid>/status in MB (VmHWM: peak resident set; VmRSS: resident now). */
export function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Resets a process's VmHWM to its current RSS (Linux ≥ 4.0); false where that is not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
