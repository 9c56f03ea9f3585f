import { ConfigError, loadConfig } from '../../src/platform/config/config';

/** What the configuration loader refuses in `env`, one line per problem; empty when it loads. */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
}
