import { IdempotencyRecordEntity } from '../api/idempotency/idempotency-record.entity';
import { DataKeyEntity, KekCheckEntity } from '../crypto/data-key.entity';

/** Every TypeORM entity of the read-model / key-store database. */
export const ENTITIES = [DataKeyEntity, KekCheckEntity, IdempotencyRecordEntity];
