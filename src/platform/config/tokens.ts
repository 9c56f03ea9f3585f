/** DI token for the validated `AppConfig`. */
export const APP_CONFIG = Symbol('AppConfig');

/** DI token: how often (ms) the expiry scheduler looks for sessions past their time-to-live. */
export const EXPIRY_INTERVAL_MS = Symbol('ExpiryIntervalMs');
