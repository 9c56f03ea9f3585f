import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { parseInstant } from '../domain/policy/instant';
import { PolicyLoadError } from '../domain/policy/policy.errors';
import { policyHash } from '../domain/policy/policy-hash';
import { validatePolicyDocument } from './policy-validation';
import type { LoadedPolicy } from '../domain/policy/policy.types';

const POLICY_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads every policy document (`*.yaml`, `*.yml`, `*.json`, recursively) under `dir`, validates and hashes each.
 * Throws `PolicyLoadError` listing every problem of every file — unreadable files, syntax errors with line and
 * column, schema and semantic problems with their field, duplicate (policyId, version) pairs — or when the
 * directory holds no policy at all. Result order: by effectiveFrom, then policyId and version.
 */
export function loadPolicies(dir: string): LoadedPolicy[] {
  const files = policyFiles(dir);
  const problems: string[] = [];
  const loaded: LoadedPolicy[] = [];
  for (const file of files) {
    const source = displayPath(file);
    const parsed = parseFile(file, source);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const result = validatePolicyDocument(parsed.value, source);
    if (!result.ok) {
      problems.push(...result.problems);
      continue;
    }
    loaded.push({ document: result.document, hash: policyHash(result.document), source });
  }
  if (files.length === 0) problems.push(`${displayPath(dir)}: no policy documents (*.yaml, *.yml, *.json)`);

  const seen = new Map<string, LoadedPolicy>();
  for (const policy of loaded) {
    const key = `${policy.document.policyId}@${policy.document.version}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, policy);
    else {
      problems.push(
        `${policy.source}: /version: policy ${policy.document.policyId} version ${policy.document.version} is also defined in ${first.source}`,
      );
    }
  }
  if (problems.length > 0) throw new PolicyLoadError(problems);
  return loaded.sort(
    (a, b) =>
      parseInstant(a.document.effectiveFrom) - parseInstant(b.document.effectiveFrom) ||
      a.document.policyId.localeCompare(b.document.policyId) ||
      a.document.version.localeCompare(b.document.version),
  );
}

/**
 * Reads, validates and hashes one policy document (a candidate for the policy lab). Throws `PolicyLoadError`
 * naming the file and every problem with its field.
 */
export function loadPolicyFile(file: string): LoadedPolicy {
  const source = displayPath(file);
  const parsed = parseFile(file, source);
  if (!parsed.ok) throw new PolicyLoadError(parsed.problems);
  const result = validatePolicyDocument(parsed.value, source);
  if (!result.ok) throw new PolicyLoadError(result.problems);
  return { document: result.document, hash: policyHash(result.document), source };
}

function policyFiles(dir: string): string[] {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new PolicyLoadError([`${displayPath(dir)}: the policy directory does not exist or cannot be read`]);
  }
  if (!isDir) throw new PolicyLoadError([`${displayPath(dir)}: is not a directory`]);
  const found: string[] = [];
  const walk = (current: string): void => {
    const entries = readdirSync(current, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const item of entries) {
      const path = join(current, item.name);
      if (item.isDirectory()) walk(path);
      else if (item.isFile() && POLICY_EXTENSIONS.has(extname(item.name).toLowerCase())) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Paths in messages: relative to the working directory when inside it (as operators type them). */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

function parseFile(
  file: string,
  source: string,
): { ok: true; value: unknown } | { ok: false; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [`${source}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`],
    };
  }
  if (extname(file).toLowerCase() === '.json') {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false, problems: [`${source}: not valid JSON: ${(error as Error).message}`] };
    }
  }
  // YAML 1.2 core schema: dates stay strings, duplicate keys are errors, no custom tags.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const at = error.linePos?.[0];
        const where = at === undefined ? '' : `line ${at.line}, column ${at.col}: `;
        const firstLine = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return `${source}: ${where}YAML syntax error: ${firstLine || error.code}`;
      }),
    };
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
}
