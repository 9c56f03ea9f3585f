import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/platform/config/config-variables';

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('README', () => {
  it('points to the configuration reference, which documents every variable the service reads', () => {
    expect(readme).toContain('(docs/configuration.md)');
    const reference = readFileSync(join(__dirname, '../../docs/configuration.md'), 'utf8');
    const missing = CONFIG_VARIABLES.filter((name) => !reference.includes(`| \`${name}\``));
    expect(missing).toEqual([]);
  });

  it('names the two commands that exist in package.json', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('\nnpm test\n');
    expect(pkg.scripts.start).toBeDefined();
    expect(pkg.scripts.test).toContain('vitest run');
    expect(pkg.scripts.bench).toBeDefined();
  });

  it('stays a short entry point that links to the documents holding the rest', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(10 * 1024);
    for (const doc of ['docs/api.md', 'docs/operations.md', 'docs/architecture.md', 'docs/benchmarks.md']) {
      expect(readme).toContain(`(${doc})`);
    }
  });

  it('links only to files that exist, as do the documents in docs/', () => {
    const root = join(__dirname, '../..');
    const documents = [
      'README.md',
      'SECURITY.md',
      ...readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const broken: string[] = [];
    for (const doc of documents) {
      const text = readFileSync(join(root, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:|#)/.test(target!)) continue;
        const file = target!.split('#')[0]!;
        if (!existsSync(resolve(dirname(join(root, doc)), file))) broken.push(`${doc} → ${target!}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('is what .ci/run calls', () => {
    const ci = readFileSync(join(__dirname, '../../.ci/run'), 'utf8');
    expect(ci).toMatch(/^\s*npm test\s*$/m);
  });
});
