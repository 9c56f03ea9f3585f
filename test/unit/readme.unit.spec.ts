import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../src/config/config-variables';

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
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
    const ci = readFileSync(join(__dirname, '../../.ci/run'), 'utf8');
    expect(ci).toMatch(/^\s*npm test\s*$/m);
  });
});
