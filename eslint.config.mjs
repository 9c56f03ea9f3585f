// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Config blocks that keep `folder` (under src/) from importing anything outside itself and the `allowed` top
 * folders of src/, nor the `packages` named: one block per nesting depth, since a relative path leaves the folder
 * with one more `../` per level.
 */
function boundary(folder, allowed, packages) {
  const allow = allowed.length === 0 ? '' : `(?!(${allowed.join('|')})(/|$))`;
  return [1, 2, 3, 4].map((depth) => ({
    files: [`${folder}/${'*/'.repeat(depth - 1)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(packages.length === 0
              ? []
              : [{ group: packages, message: `${folder} does not use this package.` }]),
            {
              regex: `^(\\.\\./){${depth}}${allow}`,
              message: `${folder} may only import ${['itself', ...allowed.map((a) => `src/${a}`)].join(', ')}.`,
            },
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'coverage/**', 'node_modules/**', '.kafka/**', 'eslint.config.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Nest declares its option types as classes; passing object literals for them is the documented use.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  // Import direction (docs/architecture.md): src/shared (product-free building blocks) imports nothing else of
  // src/; the domain only itself and src/shared. test/unit/import-boundaries.unit.spec.ts shows a wrong-way import
  // failing.
  ...boundary('src/shared', [], []),
  ...boundary(
    'src/domain',
    ['shared'],
    ['@nestjs/*', 'typeorm', 'kafkajs', 'better-sqlite3', 'pg', '@eventstore/*'],
  ),
  {
    // The domain is pure: no clock of its own.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time comes in with the command.',
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Time comes in with the command.',
        },
      ],
    },
  },
  {
    // Request DTOs are plain data classes validated by class-validator; spreading them into commands is intended.
    files: ['src/api/**/*.ts'],
    rules: { '@typescript-eslint/no-misused-spread': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  prettier,
);
