/*
 * Regenerates the variable table of docs/configuration.md from the configuration schema
 * (`npm run docs:config`); a unit test fails while the document and the schema disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { CONFIG_SCHEMA } from '../src/platform/config/config';
import { applyConfigurationTable } from '../src/platform/config/config-schema';

async function main(): Promise<void> {
  const path = join(__dirname, '..', 'docs', 'configuration.md');
  const applied = applyConfigurationTable(readFileSync(path, 'utf8'), CONFIG_SCHEMA);
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(applied, { ...options, filepath: path }));
}

void main();
