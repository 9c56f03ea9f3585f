import { type ChildProcess, spawn } from 'node:child_process';
import { buildConsole } from './console-build';

/**
 * `npm run start:dev`: the service from source, restarted on every change. The TypeScript compiler watches `src`
 * (decorator metadata needs tsc: esbuild-based runners do not emit it) and Node restarts `dist/main.js` whenever a
 * compile lands. The console is built once at start; rebuild it with `npm run build` after changing `console/`.
 */
const children: ChildProcess[] = [];
let service: ChildProcess | undefined;

function stop(code: number): never {
  for (const child of children) child.kill('SIGTERM');
  process.exit(code);
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

async function main(): Promise<void> {
  await buildConsole();
  watch();
}

function watch(): void {
  const compiler = spawn(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(compiler);
  compiler.on('exit', (code) => stop(code ?? 1));
  compiler.stdout.setEncoding('utf8');
  compiler.stdout.on('data', (chunk: string) => {
    process.stdout.write(chunk);
    // The first clean compile starts the service; Node's own watcher restarts it after the next ones.
    if (service === undefined && /Found 0 errors/.test(chunk)) {
      service = spawn(process.execPath, ['--watch-path=dist', '--watch-preserve-output', 'dist/main.js'], {
        stdio: 'inherit',
      });
      children.push(service);
      service.on('exit', (code) => stop(code ?? 1));
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`start:dev failed: ${error instanceof Error ? error.message : String(error)}\n`);
  stop(1);
});
