import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('is what .ci/run calls', () => {
    const ci = readFileSync(join(__dirname, '../../.ci/run'), 'utf8');
    expect(ci).toMatch(/^\s*npm test\s*$/m);
  });
});
