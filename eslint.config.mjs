// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** The product's features: each holds its HTTP surface, handlers, read models and queries. */
const FEATURES = [
  'verification',
  'subjects',
  'review',
  'audit',
  'privacy',
  'webhooks',
  'publisher',
  'vendors',
  'policy-lab',
  'insights',
];

/**
 * Config blocks that keep `folder` (under src/) from importing anything outside itself and the `allowed` top
 * folders of src/, nor the `packages` named: one block per nesting depth, since a relative path leaves the folder
 * with one more `../` per level. Of the `throughIndex` folders only the index may be imported (their public face).
 */
function boundary(folder, allowed, packages, throughIndex = []) {
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
            ...(throughIndex.length === 0
              ? []
              : [
                  {
                    regex: `^(\\.\\./){${depth}}(${throughIndex.join('|')})/`,
                    message: `${folder} may use another feature only through its index (src/<feature>/index.ts).`,
                  },
                ]),
          ],
        },
      ],
    },
  }));
}

/** The import direction of every folder of src/ (docs/architecture.md); app and cli compose them all. */
function importDirection() {
  const base = ['shared', 'domain', 'ledger', 'platform'];
  // src/events: the decoding layer between the ledger and its readers (schemas, upcasters).
  const decoding = [...base, 'events'];
  const engines = [...decoding, 'commands', 'projections', 'policies'];
  return [
    ...boundary('src/shared', [], []),
    ...boundary(
      'src/domain',
      ['shared'],
      ['@nestjs/*', 'typeorm', 'kafkajs', 'better-sqlite3', 'pg', '@eventstore/*'],
    ),
    ...boundary('src/ledger', ['shared'], ['@nestjs/*']),
    ...boundary('src/events', ['shared', 'domain', 'ledger'], ['@nestjs/*']),
    ...boundary('src/platform', ['shared', 'domain', 'ledger', 'commands'], []),
    ...boundary('src/commands', decoding, []),
    ...boundary('src/projections', decoding, []),
    ...boundary('src/policies', decoding, []),
    ...FEATURES.map((feature) => {
      const others = FEATURES.filter((f) => f !== feature);
      return boundary(`src/${feature}`, [...engines, ...others], [], others);
    }).flat(),
  ];
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
  // Import direction (docs/architecture.md): shared ← domain ← ledger ← platform ← command loop, projection engine,
  // policies ← features (each other only through their index) ← app, cli. test/unit/import-boundaries.unit.spec.ts
  // shows wrong-way imports failing.
  ...importDirection(),
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
    files: ['src/**/*.dto.ts', 'src/**/*.controller.ts'],
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
