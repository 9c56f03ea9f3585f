import type { MigrationInterface } from 'typeorm';
import { Webhooks1764208000000 } from './migrations/1764208000000-webhooks';
import { ParkedDeliveryEntity, WebhookCheckpointEntity, WebhookReferenceEntity } from './webhook.entities';

/**
 * TypeORM entities and migrations of this feature; the central lists in src/app/persistence include them.
 *
 * The reference index (`webhook_session_references` + `webhook_checkpoints`) is a small read model that this
 * feature keeps itself, following the global log from its own checkpoint. Once the projection runner exists it
 * can move there unchanged: a pure evolve over `EvidenceSubmitted` and a writer with the checkpoint in the same
 * transaction.
 */
export const ENTITIES: readonly (new () => object)[] = [
  WebhookReferenceEntity,
  WebhookCheckpointEntity,
  ParkedDeliveryEntity,
];
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [Webhooks1764208000000];
