import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config/config-variables';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('README', () => {
  it('documents every configuration variable the service reads', () => {
    const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## The real stack'));
    const missing = CONFIG_VARIABLES.filter((name) => !table.includes(`\`${name}\``));
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
    const ci = readFileSync(new URL('../../.ci/run', import.meta.url), 'utf8');
    expect(ci).toMatch(/^\s*npm test\s*$/m);
  });
});
