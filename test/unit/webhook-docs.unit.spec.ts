import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../src/domain/reason-codes';
import {
  applyMappingTables,
  concernOf,
  mappingMarker,
  renderMappingTable,
} from '../../src/webhooks/vendors/mapping-table';
import { VENDOR_MAPPING_TABLES } from '../../src/webhooks/vendors/mapping-tables';

const DOC = join(__dirname, '..', '..', 'docs', 'webhooks.md');

describe('docs/webhooks.md mapping tables', () => {
  it('show exactly the mapping tables of the code (regenerate with npm run docs:webhooks)', async () => {
    const current = readFileSync(DOC, 'utf8');
    const options = (await resolveConfig(DOC)) ?? {};
    const regenerated = await format(applyMappingTables(current, VENDOR_MAPPING_TABLES), {
      ...options,
      filepath: DOC,
    });
    expect(regenerated).toBe(current);
  });

  it('fails when a row changes in the code but not in the document', () => {
    const current = readFileSync(DOC, 'utf8');
    const [first, ...rest] = VENDOR_MAPPING_TABLES;
    expect(first).toBeDefined();
    if (first === undefined) return;
    const changed = { ...first, rows: first.rows.slice(1) };
    expect(applyMappingTables(current, [changed, ...rest])).not.toBe(
      applyMappingTables(current, VENDOR_MAPPING_TABLES),
    );
    expect(() => applyMappingTables('no markers here', [first])).toThrow(/no section/);
  });

  it('cites a vendor page for every row, each label once per table, codes of the taxonomy only', () => {
    for (const table of VENDOR_MAPPING_TABLES) {
      const says = table.rows.map((row) => row.says);
      expect(new Set(says).size, `${table.vendor}:${table.name} lists a label twice`).toBe(says.length);
      for (const row of table.rows) {
        expect(new URL(row.source).protocol).toBe('https:');
        for (const code of row.finding?.[2] ?? []) expect(Object.hasOwn(REASON_CODES, code)).toBe(true);
      }
      expect(renderMappingTable(table)).toContain(mappingMarker(table, 'end'));
    }
  });

  it('names the concern from the codes: capture, identity or fraud, compliance', () => {
    expect(concernOf(['document', 'fail', ['DOC_IMAGE_QUALITY']])).toBe('capture');
    expect(concernOf(['document', 'consider', ['FRAUD_SUSPECTED']])).toBe('identity');
    expect(concernOf(['watchlist', 'consider', ['ADVERSE_MEDIA_HIT']])).toBe('compliance');
    expect(concernOf(['document', 'fail', []])).toBe('identity');
    expect(concernOf(['document', 'clear', []])).toBe('pass');
  });
});
