import type { MigrationInterface } from 'typeorm';
import { VerificationList1764250000000 } from './migrations/1764250000000-verification-list';
import { VendorStatus1765000000000 } from './migrations/1765000000000-vendor-status';
import { PendingOverride1765500000000 } from './migrations/1765500000000-pending-override';

/**
 * Migrations of this feature (its read-model table was created by the projection engine's first migration); the
 * central list in src/app/persistence includes them.
 */
export const MIGRATIONS: readonly (new () => MigrationInterface)[] = [
  VerificationList1764250000000,
  VendorStatus1765000000000,
  PendingOverride1765500000000,
];
