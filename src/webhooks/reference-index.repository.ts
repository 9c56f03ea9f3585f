import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
  constructor(private readonly dataSource: DataSource) {}

  async checkpoint(): Promise<number> {
    const row = await this.dataSource
      .getRepository(WebhookCheckpointEntity)
      .findOneBy({ name: REFERENCE_INDEX_CHECKPOINT });
    return row?.position ?? 0;
  }

  /** Records references and moves the checkpoint in one transaction: a crash leaves both or neither. */
  async record(references: readonly SessionReference[], position: number, now: Date): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (references.length > 0) {
        // The first session to record a reference keeps it: a reference is the vendor's id of one capture.
        await manager
          .createQueryBuilder()
          .insert()
          .into(WebhookReferenceEntity)
          .values(references.map((ref) => ({ ...ref, vendor: indexVendor(ref.vendor) })))
          .orIgnore()
          .execute();
      }
      await manager.upsert(
        WebhookCheckpointEntity,
        { name: REFERENCE_INDEX_CHECKPOINT, position, updatedAt: now.toISOString() },
        ['name'],
      );
    });
  }

  async sessionFor(vendor: string, vendorReference: string): Promise<string | undefined> {
    const row = await this.dataSource
      .getRepository(WebhookReferenceEntity)
      .findOneBy({ vendor: indexVendor(vendor), vendorReference });
    return row?.sessionId;
  }
}
