/*
 * Regenerates the vendor mapping tables in docs/webhooks.md from the code (`npm run docs:webhooks`); a unit test
 * fails while the document and the code disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { applyMappingTables } from '../src/webhooks/vendors/mapping-table';
import { VENDOR_MAPPING_TABLES } from '../src/webhooks/vendors/mapping-tables';

async function main(): Promise<void> {
  const path = join(__dirname, '..', 'docs', 'webhooks.md');
  const applied = applyMappingTables(readFileSync(path, 'utf8'), VENDOR_MAPPING_TABLES);
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(applied, { ...options, filepath: path }));
}

void main();
