import type { MappingTable } from './mapping-table';
import { ONFIDO_TABLES } from './onfido';
import { PERSONA_TABLES } from './persona';
import { SUMSUB_TABLES } from './sumsub';
import { VERIFF_TABLES } from './veriff';

/** Every vendor's mapping tables, in the order `docs/webhooks.md` shows them. */
export const VENDOR_MAPPING_TABLES: readonly MappingTable[] = [
  ...ONFIDO_TABLES,
  ...VERIFF_TABLES,
  ...SUMSUB_TABLES,
  ...PERSONA_TABLES,
];
