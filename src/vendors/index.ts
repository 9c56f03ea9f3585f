/* What other features use of vendor orchestration. */
export { VendorSessionService } from './vendor-session.service';
export type { FetchedCheck } from './onfido.gateway';
export type { Guarded } from './vendor-resilience';
export { VendorsModule } from './vendors.module';
