import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECISION_INVARIANTS } from '../../src/domain/decision-invariants';

const DOC = readFileSync(join(__dirname, '../../docs/decision-invariants.md'), 'utf8');
const IDS = Object.keys(DECISION_INVARIANTS);

/** The rows of the table at the end of the document: invariant, unit, property, end to end. */
function tableRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of DOC.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const id = cells[1];
    if (id !== undefined && /^I\d+$/.test(id)) rows.set(id, cells.slice(2, -1));
  }
  return rows;
}

describe('docs/decision-invariants.md and the invariants the code names', () => {
  it('has one section per invariant the code names, and none the code does not', () => {
    const headings = [...DOC.matchAll(/^## (I\d+) — /gm)].map((match) => match[1]);
    expect(headings).toEqual(IDS);
  });

  it('names, for every invariant, the unit, property and end-to-end tests that prove it', () => {
    const rows = tableRows();
    expect([...rows.keys()]).toEqual(IDS);
    for (const [id, cells] of rows) {
      expect(cells, id).toHaveLength(3);
      for (const cell of cells) expect(cell, id).not.toBe('');
    }
  });

  it('has a property test named after every invariant the table says a property test proves by name', () => {
    const spec = readFileSync(join(__dirname, 'domain/decision-invariants.property.unit.spec.ts'), 'utf8');
    // `it('I1 I2 I11 …')`: the ids a test names before its first word.
    const named = new Set(
      [...spec.matchAll(/\bit\(\s*'((?:I\d+ )+)/g)].flatMap((match) => (match[1] ?? '').trim().split(' ')),
    );
    for (const [id, cells] of tableRows()) {
      const property = cells[1] ?? '';
      // A cell that cites the file's own tests by id ("I3 an approval has…") needs such a test.
      if (new RegExp(`(^|; )${id} `).test(property)) expect(named.has(id), id).toBe(true);
    }
  });
});
