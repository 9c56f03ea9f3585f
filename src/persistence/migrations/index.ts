import { KeyStore1764180000000 } from './1764180000000-key-store';

/** Every migration, in order. Read-model migrations of later features are appended here. */
export const MIGRATIONS = [KeyStore1764180000000];
