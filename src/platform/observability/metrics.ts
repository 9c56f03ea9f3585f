import { Registry } from 'prom-client';

/**
 * The service's Prometheus registry, served at `/metrics`. Feature modules inject it and register their own
 * metrics (prefix `kyc_ledger_`). Labels hold ids of components, never subject or session ids and never PII.
 */
export class MetricsRegistry extends Registry {}
