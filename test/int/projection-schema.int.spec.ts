import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataSource } from '../../src/app/persistence/data-source';
import { Projections1764210000000 } from '../../src/projections/migrations/1764210000000-projections';
import { schemaDrift } from '../support/projection-harness';

describe(Projections1764210000000.name, () => {
  it('creates the projection tables exactly as their entities declare them, and drops them again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyc-projection-schema-'));
    const dataSource = await openDataSource({ kind: 'sqlite', file: join(dir, 'readmodels.sqlite') });
    try {
      expect(await schemaDrift(dataSource)).toEqual([]);
      const runner = dataSource.createQueryRunner();
      await new Projections1764210000000().down(runner);
      expect(await runner.hasTable('verification_status')).toBe(false);
      expect((await schemaDrift(dataSource)).length).toBeGreaterThan(0);
      await new Projections1764210000000().up(runner);
      expect(await schemaDrift(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
