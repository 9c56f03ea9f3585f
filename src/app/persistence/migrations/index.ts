import { MIGRATIONS as PROJECTION_MIGRATIONS } from '../../../projections/persistence';
import { MIGRATIONS as PUBLISHER_MIGRATIONS } from '../../../publisher/persistence';
import { MIGRATIONS as RETENTION_MIGRATIONS } from '../../../privacy/persistence';
import { MIGRATIONS as VERIFICATION_MIGRATIONS } from '../../../verification/persistence';
import { MIGRATIONS as WEBHOOK_MIGRATIONS } from '../../../webhooks/persistence';
import { MIGRATIONS as POLICY_LAB_MIGRATIONS } from '../../../policy-lab/persistence';
import { MIGRATIONS as INSIGHTS_MIGRATIONS } from '../../../insights/persistence';
import { KeyStore1764180000000 } from './1764180000000-key-store';
import { Idempotency1764190000000 } from './1764190000000-idempotency';
import { AuditLeaves1764195000000 } from './1764195000000-audit-leaves';
import { KeyEpochs1764226000000 } from './1764226000000-key-epochs';
import { AuditLeafCreated1764230000000 } from './1764230000000-audit-leaf-created';
import { IdentityIndex1765100000000 } from './1765100000000-identity-index';

/**
 * Every migration. TypeORM runs them in the order of the timestamp in their class name, so features keep their
 * own lists (in their persistence.ts) and name migrations with the time they were written.
 */
export const MIGRATIONS = [
  KeyStore1764180000000,
  Idempotency1764190000000,
  AuditLeaves1764195000000,
  ...PROJECTION_MIGRATIONS,
  ...PUBLISHER_MIGRATIONS,
  ...WEBHOOK_MIGRATIONS,
  ...RETENTION_MIGRATIONS,
  KeyEpochs1764226000000,
  AuditLeafCreated1764230000000,
  ...VERIFICATION_MIGRATIONS,
  IdentityIndex1765100000000,
  ...POLICY_LAB_MIGRATIONS,
  ...INSIGHTS_MIGRATIONS,
];
