import type { VendorApisConfig } from '../platform/config/config';
import { OnfidoGateway } from './onfido.gateway';
import { PersonaGateway } from './persona.gateway';
import { SumsubGateway } from './sumsub.gateway';
import type { VendorGateway } from './vendor-gateway';
import { VeriffGateway } from './veriff.gateway';

/** The gateways of the vendors configured here, in the order offered by default (a vendor without credentials is not offered). */
export function vendorGateways(config: VendorApisConfig, now: () => Date): VendorGateway[] {
  const limits = { timeoutMs: config.timeoutMs, maxResponseBytes: config.maxResponseBytes };
  const gateways: VendorGateway[] = [];
  if (config.onfido !== undefined) gateways.push(new OnfidoGateway({ ...config.onfido, ...limits }, now));
  if (config.sumsub !== undefined) gateways.push(new SumsubGateway({ ...config.sumsub, ...limits }, now));
  if (config.veriff !== undefined) gateways.push(new VeriffGateway({ ...config.veriff, ...limits }, now));
  if (config.persona !== undefined) gateways.push(new PersonaGateway({ ...config.persona, ...limits }, now));
  return gateways;
}
