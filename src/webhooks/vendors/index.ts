import type { AppConfig } from '../../platform/config/config';
import type { WebhookVendor } from '../delivery';
import { OnfidoAdapter } from './onfido';
import { PersonaAdapter } from './persona';
import { SumsubAdapter } from './sumsub';
import { VeriffAdapter } from './veriff';
import type { VendorAdapter } from './vendor-adapter';

export type VendorAdapters = Readonly<Record<WebhookVendor, VendorAdapter>>;

/** Every vendor's adapter with its configured secret (an unconfigured vendor refuses every delivery). */
export function vendorAdapters(secrets: Omit<AppConfig['webhookSecrets'], 'sandbox'>): VendorAdapters {
  return {
    onfido: new OnfidoAdapter(secrets.onfido),
    veriff: new VeriffAdapter(secrets.veriff),
    sumsub: new SumsubAdapter(secrets.sumsub),
    persona: new PersonaAdapter(secrets.persona, secrets.personaToleranceSeconds),
  };
}
