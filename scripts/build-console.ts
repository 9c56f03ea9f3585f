import { buildConsole } from './console-build';

/** `npm run build` (after tsc): the web console into dist/console. */
buildConsole().then(
  (built) => {
    const sizes = Object.entries(built.files).map(
      ([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KiB`,
    );
    process.stdout.write(`console built in ${built.outDir}: ${sizes.join(', ')}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`console build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
