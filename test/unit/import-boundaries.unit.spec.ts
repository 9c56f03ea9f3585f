import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

/** The repository's import-boundary rules alone (no type information needed), applied to code that does not exist. */
async function lint(path: string, code: string): Promise<string[]> {
  const { default: config } = (await import(join(ROOT, 'eslint.config.mjs'))) as { default: Linter.Config[] };
  const boundaries = config.filter(
    (block) => block.files !== undefined && block.rules?.['no-restricted-imports'],
  );
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaries],
  });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return (result?.messages ?? []).map((message) => `${message.ruleId ?? ''}: ${message.message}`);
}

describe('import boundaries (eslint.config.mjs)', () => {
  it('refuses a wrong-way import out of the domain or the shared building blocks', async () => {
    expect(
      await lint('src/domain/policy/wrong.ts', "import { x } from '../../ledger/stream-names';\n"),
    ).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*src\/domain may only import itself, src\/shared/),
    ]);
    expect(
      await lint('src/domain/wrong.ts', "import { x } from '../verification/verification.dto';\n"),
    ).toHaveLength(1);
    expect(
      await lint('src/domain/policy/wrong.ts', "import { x } from '../../crypto/pii-cipher';\n"),
    ).toHaveLength(1);
    expect(await lint('src/shared/wrong.ts', "import { x } from '../config/config';\n")).toHaveLength(1);
    expect(await lint('src/domain/wrong.ts', "import { Injectable } from '@nestjs/common';\n")).toHaveLength(
      1,
    );
  });

  it('lets each folder import itself and what it may', async () => {
    expect(
      await lint(
        'src/domain/policy/ok.ts',
        "import { x } from '../../shared/json';\nimport { y } from '../reason-codes';\n",
      ),
    ).toEqual([]);
    expect(
      await lint('src/domain/subject/ok.ts', "import { x } from '../verification/verification.state';\n"),
    ).toEqual([]);
    expect(await lint('src/webhooks/ok.ts', "import { x } from '../domain/reason-codes';\n")).toEqual([]);
  });
  it('keeps the ledger core, the engines and the features in their direction', async () => {
    expect(
      await lint('src/ledger/sqlite/wrong.ts', "import { x } from '../../platform/config/config';\n"),
    ).toEqual([expect.stringMatching(/src\/ledger may only import itself, src\/shared/)]);
    expect(
      await lint(
        'src/projections/core/wrong.ts',
        "import { x } from '../../verification/verification-status.entity';\n",
      ),
    ).toHaveLength(1);
    expect(
      await lint('src/commands/wrong.ts', "import { x } from '../subjects/subjects.module';\n"),
    ).toHaveLength(1);
    expect(
      await lint('src/platform/http/wrong.ts', "import { x } from '../../audit/explanation';\n"),
    ).toHaveLength(1);
    expect(await lint('src/verification/wrong.ts', "import { x } from '../app/read-models';\n")).toHaveLength(
      1,
    );
  });

  it('lets a feature use another only through its index', async () => {
    expect(
      await lint(
        'src/webhooks/wrong.ts',
        "import { x } from '../verification/verification-command.handler';\n",
      ),
    ).toEqual([expect.stringMatching(/only through its index/)]);
    expect(
      await lint('src/audit/timeline/wrong.ts', "import { x } from '../../privacy/retention.service';\n"),
    ).toHaveLength(1);
    expect(await lint('src/webhooks/ok.ts', "import { x } from '../verification';\n")).toEqual([]);
    expect(
      await lint(
        'src/subjects/ok.ts',
        "import { x } from '../audit';\nimport { y } from '../commands/aggregates';\n",
      ),
    ).toEqual([]);
    expect(await lint('src/app/ok.ts', "import { x } from '../verification/verification.module';\n")).toEqual(
      [],
    );
  });
});
