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

/**
 * Webhook secrets for local trials, the same on every machine and published in the docs so that a newcomer can
 * sign a test callback. Used in the embedded profile only, for vendors whose variable is unset; the production
 * profile never gets them.
 */
export const LOCAL_WEBHOOK_SECRETS = {
  onfido: 'local-onfido-webhook-token',
  veriff: 'local-veriff-webhook-secret',
  sumsub: 'local-sumsub-webhook-secret',
  persona: 'local-persona-webhook-secret',
} as const;

/**
 * The embedded profile's vendor webhooks: each vendor whose secret is unset gets its documented local secret.
 * Returns the vendors that did (for a start-up warning, by name).
 */
export function withLocalWebhookSecrets(config: AppConfig): { config: AppConfig; localVendors: string[] } {
  if (config.profile !== 'embedded') return { config, localVendors: [] };
  const secrets = config.webhookSecrets;
  const localVendors: string[] = [];
  const pick = (vendor: 'onfido' | 'veriff' | 'sumsub', own: string | undefined): string => {
    if (own !== undefined) return own;
    localVendors.push(vendor);
    return LOCAL_WEBHOOK_SECRETS[vendor];
  };
  const onfido = pick('onfido', secrets.onfido);
  const veriff = pick('veriff', secrets.veriff);
  const sumsub = pick('sumsub', secrets.sumsub);
  let persona = secrets.persona;
  if (persona.length === 0) {
    localVendors.push('persona');
    persona = [LOCAL_WEBHOOK_SECRETS.persona];
  }
  return {
    config: { ...config, webhookSecrets: { ...secrets, onfido, veriff, sumsub, persona } },
    localVendors,
  };
}

/** The start-up lines that say where the development keys are and how to use them: principal names, no key. */
export function devApiKeyNotice(file: string, config: AppConfig): string {
  const principals = (config.apiKeys ?? []).map((k) => `${k.principal} (${k.roles.join(', ')})`);
  return (
    `LEDGER_API_KEYS is not set: local development keys are in ${file}, one per principal: ` +
    `${principals.join('; ')}. Send a key in the Authorization header (scheme Bearer); take one e.g. with ` +
    `KEY=$(jq -r '.[] | select(.principal=="operator") | .key' ${file}). ` +
    'An override requested by senior-reviewer is approved by second-senior-reviewer (four eyes). ' +
    'Setting LEDGER_API_KEYS replaces these keys.'
  );
}
