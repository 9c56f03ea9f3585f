/**
 * Whether a failed batch write is the fault of the data (a constraint, a value a column refuses) — then the same
 * event fails again, so it is found and parked — or of the database being unavailable, busy or restarting —
 * then the batch is retried later and nothing is parked.
 */
export function isDataError(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = driverCode(error);
  if (code === undefined) return false;
  // PostgreSQL SQLSTATE class 22 (data exception) and 23 (integrity constraint violation).
  if (/^2[23][0-9A-Z]{3}$/.test(code)) return true;
  return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

/** The database's error code (SQLSTATE or SQLITE_…), if the error carries one. */
export function driverCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const driver = (error as { driverError?: { code?: unknown } }).driverError;
  return typeof driver?.code === 'string' ? driver.code : undefined;
}

/** A PII-free description of a write error for a parked event: class and database code. */
export function describeWriteError(error: unknown): string {
  const name = error instanceof Error ? error.constructor.name : typeof error;
  const code = driverCode(error);
  return code === undefined ? name : `${name} ${code}`;
}
