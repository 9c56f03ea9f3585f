import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// SWC keeps decorator metadata, which Nest's dependency injection needs; esbuild drops it.
export default defineConfig({
  plugins: [
    swc.vite({
      module: { type: 'es6' },
      // Like tsconfig: declared but absent DTO fields must stay absent, not become own `undefined` properties.
      jsc: { transform: { useDefineForClassFields: false, legacyDecorator: true, decoratorMetadata: true } },
    }),
  ],
  test: {
    // One project per tier, so that `vitest run --project unit` (npm run test:unit) runs the fast tier alone.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.spec.ts'] } },
      {
        extends: true,
        test: { name: 'int', include: ['test/int/**/*.spec.ts', 'test/contract/**/*.spec.ts'] },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.spec.ts'] } },
    ],
    environment: 'node',
    env: { TZ: 'UTC' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['verbose'] : ['default'],
  },
});
