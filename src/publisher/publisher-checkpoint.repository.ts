import type { DataSource, QueryRunner } from 'typeorm';
import { PublisherCheckpointEntity } from './publisher-checkpoint.entity';

/** The publisher's checkpoints in the read-model database. */
export class PublisherCheckpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The stored position, 0 (the start of the ledger) for a publisher that never published. */
  async load(name: string, runner?: QueryRunner): Promise<number> {
    const row = await this.dataSource
      .createQueryBuilder(runner)
      .select('checkpoint.position', 'position')
      .from(PublisherCheckpointEntity, 'checkpoint')
      .where('checkpoint.name = :name', { name })
      .getRawOne<{ position: string | number }>();
    return row === undefined ? 0 : Number(row.position);
  }

  /**
   * Moves the checkpoint forward, never back: a publisher that lost its lock while another went further
   * cannot undo the other's progress.
   */
  async save(name: string, position: number, at: Date, runner?: QueryRunner): Promise<void> {
    const updatedAt = at.toISOString();
    await this.dataSource
      .createQueryBuilder(runner)
      .insert()
      .into(PublisherCheckpointEntity)
      .values({ name, position: 0, updatedAt })
      .orIgnore()
      .execute();
    await this.dataSource
      .createQueryBuilder(runner)
      .update(PublisherCheckpointEntity)
      .set({ position, updatedAt })
      .where('name = :name AND position < :position', { name, position })
      .execute();
  }
}
