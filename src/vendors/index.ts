/* What other features use of vendor orchestration. */
export { VendorSessionService } from './vendor-session.service';
