/**
 * The service itself, `src/main.ts` as `npm start` runs it (configuration from the environment), in a separate
 * process that a crash test can SIGKILL and start again on the same data dir. The sources are compiled as they
 * load by SWC with decorator metadata, as vitest compiles them (vitest.config.mts): Nest's dependency injection
 * needs the metadata, which tsx's esbuild drops; and a crash test should not depend on a `dist/` build.
 *
 * Run: node --import tsx service-child.ts
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { transformSync } from '@swc/core';

interface CompiledModule {
  _compile(code: string, filename: string): void;
}

const loaders = (
  Module as unknown as {
    _extensions: Record<string, (module: CompiledModule, filename: string) => void>;
  }
)._extensions;

loaders['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      // Like tsconfig and vitest.config.mts: legacy decorators with metadata, no define semantics for fields.
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    },
  });
  module._compile(code, filename);
};

createRequire(__filename)(join(__dirname, '../../../src/main.ts'));
