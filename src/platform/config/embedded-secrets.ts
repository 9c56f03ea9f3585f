import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kek } from '../../ledger/crypto/kek';
import { type AppConfig, ConfigError, parseApiKeys, parseSigningKey, ROLES } from './config';

export interface EmbeddedSecretsNotice {
  /** Files created now (each worth a start-up warning). */
  readonly generated: readonly string[];
  /** Where the local development API key lives, when one is in use. */
  readonly devApiKeyFile: string | undefined;
}

/**
 * The local development principals: the first holds every role (quick trials); the others hold one role each,
 * with two senior reviewers, so that four eyes (a senior approving another's override) can be tried.
 */
const DEV_PRINCIPALS: readonly (readonly [string, readonly string[]])[] = [
  ['local-developer', ROLES],
  ['operator', ['operator']],
  ['reviewer', ['reviewer']],
  ['senior-reviewer', ['senior_reviewer', 'reviewer']],
  ['second-senior-reviewer', ['senior_reviewer', 'reviewer']],
  ['auditor', ['auditor']],
  ['privacy-officer', ['privacy_officer']],
];

/**
 * In the embedded profile, fills in missing secrets from files in the data dir, generating them once
 * (mode 0600) so a newcomer can start the service with no environment. Production never gets here.
 */
export function withEmbeddedSecrets(config: AppConfig): { config: AppConfig; notice: EmbeddedSecretsNotice } {
  if (config.profile !== 'embedded') return { config, notice: { generated: [], devApiKeyFile: undefined } };
  mkdirSync(config.dataDir, { recursive: true });
  const generated: string[] = [];
  const readOrCreate = (name: string, create: () => string): string => {
    const file = join(config.dataDir, name);
    if (!existsSync(file)) {
      writeFileSync(file, create(), { mode: 0o600, flag: 'wx' });
      generated.push(file);
    }
    return readFileSync(file, 'utf8');
  };

  const kek =
    config.kek ?? Kek.fromBase64(readOrCreate('kek.base64', () => randomBytes(32).toString('base64')).trim());
  const signingKey =
    config.signingKey ??
    parseSigningKey(
      readOrCreate('signing-key.pem', () =>
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ),
    );
  if (!signingKey)
    throw new ConfigError([`${join(config.dataDir, 'signing-key.pem')} is not an Ed25519 private key`]);

  let apiKeys = config.apiKeys;
  let devApiKeyFile: string | undefined;
  if (!apiKeys) {
    devApiKeyFile = join(config.dataDir, 'dev-api-key.json');
    const parsed = parseApiKeys(
      readOrCreate('dev-api-key.json', () =>
        JSON.stringify(
          DEV_PRINCIPALS.map(([principal, roles]) => ({
            key: `dev_${randomBytes(24).toString('base64url')}`,
            principal,
            roles,
          })),
          null,
          2,
        ),
      ),
    );
    if (typeof parsed === 'string') throw new ConfigError([`${devApiKeyFile} ${parsed}`]);
    apiKeys = parsed;
  }
  return { config: { ...config, kek, signingKey, apiKeys }, notice: { generated, devApiKeyFile } };
}
