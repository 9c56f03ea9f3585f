import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(__dirname, '../../src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('OpenAPI schema names', () => {
  it('are unique: two classes of one name would become one schema and one would describe the other’s body', () => {
    const seen = new Map<string, string[]>();
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      if (!text.includes('@nestjs/swagger')) continue;
      for (const match of text.matchAll(/^(?:export )?class (\w+)/gm)) {
        const name = match[1] ?? '';
        seen.set(name, [...(seen.get(name) ?? []), file.slice(SRC.length + 1)]);
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    const twice = [...seen].filter(([, files]) => files.length > 1);
    expect(twice).toEqual([]);
  });
});
