import { describe, it } from 'vitest';

/** Services that integration suites find through the same environment variables as the app. */
export type ServiceVariable = 'DATABASE_URL' | 'KAFKA_BROKERS' | 'EVENTSTORE_CONNECTION_STRING';

const inCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/**
 * `describe` for a suite that needs a running service. With the variable set, the suite runs. Without it,
 * a developer's run skips the suite, but under CI it fails: CI must never pass with a service missing.
 * `optionalInCi` is for services CI cannot provide at all (a real EventStoreDB).
 */
export function describeWithService(
  variable: ServiceVariable,
  name: string,
  body: (value: string) => void,
  options: { optionalInCi?: boolean } = {},
): void {
  const value = process.env[variable];
  if (value !== undefined && value !== '') {
    describe(name, () => {
      body(value);
    });
    return;
  }
  if (inCi() && options.optionalInCi !== true) {
    describe(name, () => {
      it(`has ${variable} set (required under CI)`, () => {
        throw new Error(`${name} needs ${variable}; CI must start the service (see scripts/ and .ci/run)`);
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: ${variable} not set)`, () => {
    body('');
  });
}
