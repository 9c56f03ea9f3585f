/**
 * The one error base of the product. Every error that can reach a caller carries a stable `code`; the HTTP
 * layer maps codes to RFC 9457 problem responses. Messages never contain personal data.
 */
export abstract class LedgerError extends Error {
  abstract readonly code: string;
  /**
   * HTTP status for problem responses. Optional: the problem-details filter has a table for the core codes;
   * feature modules set it on their own errors instead of editing that table.
   */
  readonly httpStatus?: number;
  /** Structured, PII-free details for problem responses and logs. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}
