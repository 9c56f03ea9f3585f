/* What other features use of vendor orchestration. */
export { VendorDispatcher, type QueuedCallSource } from './vendor-dispatcher';
export { VendorSessionService } from './vendor-session.service';
export type { FetchedCheck } from './onfido.gateway';
export type { FetchedObject } from './vendor-gateway';
export type { Guarded } from './vendor-resilience';
export { VendorsModule } from './vendors.module';
