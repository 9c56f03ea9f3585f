import { createHash } from 'node:crypto';
import { canonicalJson } from '../../shared/canonical-json';
import type { PolicyDocument } from './policy.types';

/**
 * Identity of a policy version: hex SHA-256 of its canonical JSON (RFC 8785 style). Key order and YAML vs JSON
 * do not change it; any change of content does. Recorded on every decision.
 */
export function policyHash(document: PolicyDocument): string {
  return createHash('sha256').update(canonicalJson(document), 'utf8').digest('hex');
}
