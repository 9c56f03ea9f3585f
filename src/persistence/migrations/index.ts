import { KeyStore1764180000000 } from './1764180000000-key-store';
import { Idempotency1764190000000 } from './1764190000000-idempotency';

/** Every migration, in order. Read-model migrations of later features are appended here. */
export const MIGRATIONS = [KeyStore1764180000000, Idempotency1764190000000];
