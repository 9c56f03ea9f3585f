import { IdempotencyRecordEntity } from '../api/idempotency/idempotency-record.entity';
import { AuditLeafEntity } from '../audit/audit-leaf.entity';
import { DataKeyEntity, KekCheckEntity } from '../crypto/data-key.entity';
import { ENTITIES as PROJECTION_ENTITIES } from '../projections/persistence';
import { ENTITIES as PUBLISHER_ENTITIES } from '../publisher/persistence';
import { ENTITIES as RETENTION_ENTITIES } from '../retention/persistence';
import { ENTITIES as WEBHOOK_ENTITIES } from '../webhooks/persistence';

/** Every TypeORM entity of the read-model / key-store database. Features list theirs in their persistence.ts. */
export const ENTITIES = [
  DataKeyEntity,
  KekCheckEntity,
  IdempotencyRecordEntity,
  AuditLeafEntity,
  ...PROJECTION_ENTITIES,
  ...PUBLISHER_ENTITIES,
  ...WEBHOOK_ENTITIES,
  ...RETENTION_ENTITIES,
];
