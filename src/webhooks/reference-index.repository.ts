import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectionStore } from '../projections/core/projection-store';
import { execute, type SqlProgram } from '../projections/core/sql-program';
import { quote } from '../projections/core/table-info';
import { WebhookCheckpointEntity, WebhookReferenceEntity } from './webhook.entities';

export interface SessionReference {
  readonly vendor: string;
  readonly vendorReference: string;
  readonly sessionId: string;
  readonly position: number;
}

export const REFERENCE_INDEX_CHECKPOINT = 'webhook-reference-index';

/** The vendor's name as the index keys it: evidence records it as typed by the operator. */
export function indexVendor(vendor: string): string {
  return vendor.trim().toLowerCase();
}

/** The vendor-reference index and its checkpoint. Every database call of the index is here. */
@Injectable()
export class ReferenceIndexRepository {
  private readonly db: ProjectionStore;

  constructor(private readonly dataSource: DataSource) {
    this.db = new ProjectionStore(dataSource);
  }

  async checkpoint(): Promise<number> {
    const row = await this.dataSource
      .getRepository(WebhookCheckpointEntity)
      .findOneBy({ name: REFERENCE_INDEX_CHECKPOINT });
    return row?.position ?? 0;
  }

  /**
   * Records references and moves the checkpoint in one transaction: a crash leaves both or neither. The index is
   * rebuildable from the ledger (the follower reads again from its checkpoint), so the commit is not fsynced.
   */
  async record(references: readonly SessionReference[], position: number, now: Date): Promise<void> {
    const table = quote(this.db.tableInfo(WebhookReferenceEntity).table);
    const checkpoints = quote(this.db.tableInfo(WebhookCheckpointEntity).table);
    const updatedAt = now.toISOString();
    function* program(): SqlProgram<void> {
      // The first session to record a reference keeps it: a reference is the vendor's id of one capture.
      for (const ref of references) {
        yield* execute(
          `INSERT INTO ${table} ("vendor", "vendor_reference", "session_id", "position") VALUES (?, ?, ?, ?) ` +
            `ON CONFLICT DO NOTHING`,
          [indexVendor(ref.vendor), ref.vendorReference, ref.sessionId, ref.position],
        );
      }
      yield* execute(
        `INSERT INTO ${checkpoints} ("name", "position", "updated_at") VALUES (?, ?, ?) ` +
          `ON CONFLICT ("name") DO UPDATE SET "position" = excluded."position", "updated_at" = excluded."updated_at"`,
        [REFERENCE_INDEX_CHECKPOINT, position, updatedAt],
      );
    }
    await this.db.transaction(program, { rebuildable: true });
  }

  async sessionFor(vendor: string, vendorReference: string): Promise<string | undefined> {
    const row = await this.dataSource
      .getRepository(WebhookReferenceEntity)
      .findOneBy({ vendor: indexVendor(vendor), vendorReference });
    return row?.sessionId;
  }
}
