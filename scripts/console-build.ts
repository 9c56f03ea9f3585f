import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(__dirname, '..');

export interface ConsoleBuild {
  readonly outDir: string;
  /** Bytes of each file written, by name. */
  readonly files: Record<string, number>;
}

/**
 * Builds the web console (console/src, Preact) into one minified ES module and one style sheet beside index.html.
 * No CDN and no inline code: the service's content security policy allows only these files. `npm run build`
 * writes dist/console; tests build into a folder of their own.
 */
export async function buildConsole(outDir = join(ROOT, 'dist', 'console')): Promise<ConsoleBuild> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: 'console/src/main.tsx' },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    tsconfig: 'console/tsconfig.json',
  });
  copyFileSync(join(ROOT, 'console', 'index.html'), join(outDir, 'index.html'));
  const files: Record<string, number> = {};
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    files[path.split('/').pop() ?? path] = output.bytes;
  }
  return { outDir, files };
}
