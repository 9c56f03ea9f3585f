import { LedgerError } from '../shared/ledger-error';

/**
 * A call to a vendor that did not give a usable answer. Carries what an operator and an auditor may see: the
 * failure's class, the HTTP status, the vendor's request id and how long the vendor asked us to wait; never the
 * vendor's response body (it may hold personal data) nor the request.
 */
export class VendorCallError extends Error {
  constructor(
    readonly vendor: string,
    readonly operation: string,
    readonly errorClass:
      | 'VendorHttpError'
      | 'VendorTimeoutError'
      | 'VendorUnreachableError'
      | 'VendorMalformedResponseError'
      | 'VendorResponseTooLargeError'
      | 'VendorRefusedError',
    readonly details: {
      readonly httpStatus?: number;
      readonly vendorRequestId?: string;
      readonly retryAfterMs?: number;
    } = {},
  ) {
    super(
      `${vendor} ${operation}: ${errorClass}${details.httpStatus === undefined ? '' : ` (HTTP ${details.httpStatus})`}`,
    );
    this.name = errorClass;
  }

  /** Worth another attempt: the vendor or the network failed, not our request (4xx other than 408 and 429). */
  get retryable(): boolean {
    if (this.errorClass === 'VendorRefusedError') return false;
    const status = this.details.httpStatus;
    if (this.errorClass !== 'VendorHttpError' || status === undefined) return true;
    return status === 408 || status === 429 || status >= 500;
  }
}

/** A vendor asked for is not configured here (no credentials): 404 `vendor_not_configured`. */
export class VendorNotOfferedError extends LedgerError {
  readonly code = 'vendor_not_configured';
  override readonly httpStatus = 404;
  constructor(vendor: string, offered: readonly string[]) {
    super(
      `vendor ${JSON.stringify(vendor.slice(0, 40))} is not configured here; offered: ${offered.join(', ') || 'none'}`,
    );
  }
}

/**
 * The vendor cannot be reached now (its breaker is open, or the call failed after its retries): 503
 * `vendor_unavailable` with `Retry-After`. Nothing was opened; the person can try again.
 */
export class VendorUnavailableError extends LedgerError {
  readonly code = 'vendor_unavailable';
  override readonly httpStatus = 503;
  constructor(
    vendor: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`${vendor} is not available now; try again in ${retryAfterSeconds} s`, {
      vendor,
      retryAfterSeconds,
    });
  }
}

/** The vendor needs the applicant's name to open a session (Onfido): 422 `applicant_name_required`. */
export class ApplicantNameRequiredError extends LedgerError {
  readonly code = 'applicant_name_required';
  override readonly httpStatus = 422;
  constructor(vendor: string) {
    super(`${vendor} needs the applicant's first and last name to open a session`, { vendor });
  }
}
