import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA, ConfigError, loadConfig } from '../../src/platform/config/config';
import { applyConfigurationTable, parseEnvironment } from '../../src/platform/config/config-schema';

const DOC = join(__dirname, '..', '..', 'docs', 'configuration.md');

describe('configuration schema', () => {
  it('is what docs/configuration.md shows (regenerate with npm run docs:config)', async () => {
    const current = readFileSync(DOC, 'utf8');
    const options = (await resolveConfig(DOC)) ?? {};
    const regenerated = await format(applyConfigurationTable(current, CONFIG_SCHEMA), {
      ...options,
      filepath: DOC,
    });
    expect(regenerated).toBe(current);
    const { PORT: _port, ...fewer } = CONFIG_SCHEMA;
    expect(applyConfigurationTable(current, fewer)).not.toContain('| `PORT` |');
  });

  it('gives every variable its documented default when nothing is set', () => {
    const { values, problems } = parseEnvironment(CONFIG_SCHEMA, {});
    expect(problems).toEqual([]);
    for (const [name, spec] of Object.entries(CONFIG_SCHEMA)) {
      const shown = /^`(.*)`$/.exec(spec.doc.default)?.[1];
      if (shown === undefined) continue;
      const value = (values as Record<string, unknown>)[name];
      expect(Array.isArray(value) ? value.join(',') : String(value), name).toBe(shown);
    }
  });

  it('refuses each bad value with the variable named and the value never echoed', () => {
    const secret = 'not-a-port-9f8e7d6c';
    expect(() => loadConfig({ PORT: secret })).toThrow(/PORT must be an integer from 0 to 65535/);
    let refused: unknown;
    try {
      loadConfig({ PORT: secret, LEDGER_KEK: secret, KAFKA_BROKERS: secret });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).message).not.toContain(secret);
    expect((refused as ConfigError).problems.map((problem) => problem.split(' ')[0])).toEqual([
      'PORT',
      'KAFKA_BROKERS',
      'LEDGER_KEK',
    ]);
  });
});
